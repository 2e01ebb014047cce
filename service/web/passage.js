// The passage viewer: a cited passage with its quoted span highlighted, title, date and source.

import { requestJson } from "./api.js";
import { renderHighlighted } from "./dom.js";

const dialog = document.getElementById("passage-dialog");
const title = document.getElementById("passage-title");
const meta = document.getElementById("passage-meta");
const body = document.getElementById("passage-text");
const fullButton = document.getElementById("passage-full");

let current = null;

export function openPassage(citation) {
  current = citation;
  title.textContent = `[${citation.n}] ${citation.title}`;
  meta.textContent = [
    citation.date ? `Published ${citation.date}` : "Date unknown",
    citation.source ? `Source: ${citation.source}` : `Document: ${citation.doc_id}`,
    `Characters ${citation.start}–${citation.end}`,
  ].join(" · ");
  const at = citation.text.indexOf(citation.quote);
  const mark = at >= 0
    ? renderHighlighted(body, citation.text, at, at + citation.quote.length)
    : renderHighlighted(body, citation.text, -1, -1);
  fullButton.disabled = false;
  fullButton.textContent = "Show the whole document";
  if (!dialog.open) dialog.showModal();
  if (mark) mark.scrollIntoView({ block: "nearest" });
}

// The quote's offsets index the whole document: show it all, the quote still highlighted.
async function showWholeDocument() {
  if (!current) return;
  const citation = current;
  fullButton.disabled = true;
  fullButton.textContent = "Loading…";
  try {
    const document_ = await requestJson("GET", `/v1/documents/${encodeURIComponent(citation.doc_id)}`);
    if (current !== citation) return;
    const mark = renderHighlighted(body, document_.text, citation.start, citation.end);
    fullButton.textContent = "Showing the whole document";
    if (mark) mark.scrollIntoView({ block: "center" });
  } catch (error) {
    fullButton.disabled = false;
    fullButton.textContent = `Could not load the document: ${error.message}`;
  }
}

fullButton.addEventListener("click", showWholeDocument);
dialog.addEventListener("close", () => {
  current = null;
});
