// The passage viewer: a cited passage with its quoted span highlighted, title, date and source.

import { requestJson } from "./api.js";
import { el, renderHighlighted } from "./dom.js";

const dialog = document.getElementById("passage-dialog");
const title = document.getElementById("passage-title");
const meta = document.getElementById("passage-meta");
const body = document.getElementById("passage-text");
const fullButton = document.getElementById("passage-full");

let current = null;

// A document's text from where its body starts, after a leading `date YYYY-MM-DD` line or
// front matter (the date and title are shown apart), and how many characters that took
// off, to shift quote offsets.
function readable(document_) {
  const cut = document_.body_start || 0;
  return { text: document_.text.slice(cut), cut };
}

// A document's source, a link when it is a web address (http or https only: a source is
// untrusted text, and "javascript:" or "data:" must never become a link).
function sourceParts(source) {
  let url = null;
  try {
    url = new URL(source);
  } catch {
    return [`Source: ${source}`];
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return [`Source: ${source}`];
  const link = el("a", {
    className: "source-link",
    text: source,
    attrs: { href: url.href, target: "_blank", rel: "noopener noreferrer nofollow" },
  });
  return ["Source: ", link];
}

// The meta line: its parts joined by " · "; a part is a string or a list of strings and nodes.
function setMeta(parts) {
  const nodes = [];
  parts.forEach((part, i) => {
    if (i) nodes.push(" · ");
    nodes.push(...(Array.isArray(part) ? part : [part]));
  });
  meta.replaceChildren(...nodes);
}

export function openPassage(citation) {
  current = citation;
  title.textContent = `[${citation.n}] ${citation.title}`;
  setMeta([
    citation.date ? `Published ${citation.date}` : "Date unknown",
    ...(citation.page ? [`Page ${citation.page}`] : []),
    citation.source ? sourceParts(citation.source) : `Document: ${citation.doc_id}`,
    `Characters ${citation.start}–${citation.end}`,
  ]);
  const passage = citation.text; // a passage starts at or after its document's body
  const at = passage.indexOf(citation.quote);
  const mark = at >= 0
    ? renderHighlighted(body, passage, at, at + citation.quote.length)
    : renderHighlighted(body, passage, -1, -1);
  fullButton.hidden = false;
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
    const whole = readable(document_);
    const mark = renderHighlighted(body, whole.text, citation.start - whole.cut, citation.end - whole.cut);
    fullButton.textContent = "Showing the whole document";
    if (mark) mark.scrollIntoView({ block: "center" });
  } catch (error) {
    fullButton.disabled = false;
    fullButton.textContent = `Could not load the document: ${error.message}`;
  }
}

// A document from the documents panel, read whole.
export async function openDocument(doc) {
  current = null;
  title.textContent = doc.title;
  setMeta([
    doc.date ? `Published ${doc.date}` : "Date unknown",
    sourceParts(doc.source || doc.doc_id),
  ]);
  body.replaceChildren("Loading…");
  fullButton.hidden = true;
  if (!dialog.open) dialog.showModal();
  try {
    const document_ = await requestJson("GET", `/v1/documents/${encodeURIComponent(doc.doc_id)}`);
    body.replaceChildren(readable(document_).text);
  } catch (error) {
    body.replaceChildren(`Could not load the document: ${error.message}`);
  }
}

fullButton.addEventListener("click", showWholeDocument);
dialog.addEventListener("close", () => {
  current = null;
});
