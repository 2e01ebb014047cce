// The documents panel: list, upload a text file, delete (with a second click to confirm).

import { requestJson } from "./api.js";
import { el } from "./dom.js";

const list = document.getElementById("doc-list");
const message = document.getElementById("docs-message");
const form = document.getElementById("upload-form");
const fileInput = document.getElementById("upload-file");
const uploadButton = document.getElementById("upload-button");

const CONFIRM_MS = 4000;
const MAX_UPLOAD_BYTES = 5_000_000;

function say(text, kind = "info") {
  message.textContent = text;
  message.dataset.kind = kind;
}

export async function refreshDocuments() {
  try {
    const body = await requestJson("GET", "/v1/documents?limit=1000");
    renderList(body.documents || []);
  } catch (error) {
    say(`Could not list the documents: ${error.message}`, "error");
  }
}

function renderList(documents) {
  list.replaceChildren();
  if (documents.length === 0) {
    list.append(el("li", { className: "doc-empty", text: "No documents yet." }));
    return;
  }
  for (const doc of documents) {
    const details = [doc.date || "undated", `${doc.chunks} chunk${doc.chunks === 1 ? "" : "s"}`, doc.doc_id];
    list.append(el("li", { className: "doc", attrs: { "data-doc-id": doc.doc_id } }, [
      el("div", { className: "doc-text" }, [
        el("span", { className: "doc-title", text: doc.title }),
        el("span", { className: "doc-meta", text: details.join(" · ") }),
      ]),
      deleteButton(doc),
    ]));
  }
}

function deleteButton(doc) {
  const button = el("button", {
    className: "danger small",
    text: "Delete",
    attrs: { type: "button", "aria-label": `Delete ${doc.title}` },
  });
  let armedUntil = 0;
  button.addEventListener("click", async () => {
    if (Date.now() > armedUntil) {
      armedUntil = Date.now() + CONFIRM_MS;
      button.textContent = "Confirm delete";
      setTimeout(() => {
        if (button.isConnected && Date.now() >= armedUntil) button.textContent = "Delete";
      }, CONFIRM_MS);
      return;
    }
    button.disabled = true;
    try {
      await requestJson("DELETE", `/v1/documents/${encodeURIComponent(doc.doc_id)}`);
      say(`Deleted “${doc.title}”.`);
    } catch (error) {
      say(`Could not delete “${doc.title}”: ${error.message}`, "error");
    }
    await refreshDocuments();
  });
  return button;
}

async function upload(event) {
  event.preventDefault();
  const file = fileInput.files[0];
  if (!file) {
    say("Choose a .txt or .md file first.", "error");
    return;
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    say(`${file.name} is larger than ${MAX_UPLOAD_BYTES / 1_000_000} MB.`, "error");
    return;
  }
  uploadButton.disabled = true;
  say(`Indexing ${file.name}…`);
  try {
    const text = await file.text();
    const id = file.name.replace(/\.[^.]*$/, "");
    const result = await requestJson("POST", "/v1/documents", { id, source: file.name, text });
    say(`${file.name}: ${result.status} (${result.chunks} chunks).`);
    form.reset();
  } catch (error) {
    say(`Could not add ${file.name}: ${error.message}`, "error");
  } finally {
    uploadButton.disabled = false;
  }
  await refreshDocuments();
}

export function initDocuments() {
  form.addEventListener("submit", upload);
  refreshDocuments();
}
