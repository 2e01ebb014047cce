// The documents panel: list, upload files of every supported format (several at once, by
// choosing or dropping them; large ones run as jobs, polled for progress), read, delete.

import { requestJson, uploadFile } from "./api.js";
import { el } from "./dom.js";
import { openDocument } from "./passage.js";

const list = document.getElementById("doc-list");
const message = document.getElementById("docs-message");
const form = document.getElementById("upload-form");
const fileInput = document.getElementById("upload-file");
const uploadButton = document.getElementById("upload-button");
const dropZone = document.getElementById("drop-zone");
const progress = document.getElementById("upload-progress");

const CONFIRM_MS = 4000;
const MAX_UPLOAD_BYTES = 16_000_000; // the service's default QA_MAX_UPLOAD_BYTES
const SUPPORTED = /\.(txt|md|markdown|html?|pdf|docx|xlsx|pptx|eml|csv|tsv|jsonl|ndjson)$/i;
const JOB_POLL_MS = 500;

function say(text, kind = "info") {
  message.textContent = text;
  message.dataset.kind = kind;
}

// Tells the rest of the page (the header's passage count) that the library changed.
function changed() {
  document.dispatchEvent(new CustomEvent("documents-changed"));
}

export async function refreshDocuments() {
  try {
    const body = await requestJson("GET", "/v1/documents?limit=1000");
    renderList(body.documents || []);
    return body.documents || [];
  } catch (error) {
    say(`Could not list the documents: ${error.message}`, "error");
    return [];
  }
}

function renderList(documents) {
  list.replaceChildren();
  if (documents.length === 0) {
    list.append(el("li", { className: "doc-empty", text: "No documents yet." }));
    return;
  }
  for (const doc of documents) {
    const details = [doc.date || "undated", `${doc.chunks} passage${doc.chunks === 1 ? "" : "s"}`, doc.source || doc.doc_id];
    list.append(el("li", { className: "doc", attrs: { "data-doc-id": doc.doc_id } }, [
      el("div", { className: "doc-text" }, [
        el("span", { className: "doc-title", text: doc.title, attrs: { title: doc.title } }),
        el("span", { className: "doc-meta", text: details.join(" · ") }),
      ]),
      el("button", {
        className: "secondary small",
        text: "Read",
        attrs: { type: "button", "aria-label": `Read ${doc.title}` },
        onClick: () => openDocument(doc),
      }),
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
    changed();
  });
  return button;
}

// One line per file in the progress list, updated as its upload goes.
function fileLine(name) {
  const status = el("span", { className: "upload-state", text: "waiting" });
  const line = el("li", { attrs: { "data-file": name } }, [el("span", { className: "upload-name", text: name }), status]);
  progress.append(line);
  return (text, kind = "info") => {
    status.textContent = text;
    line.dataset.kind = kind;
  };
}

function describe(result) {
  if (result.doc_id) return `${result.status} (${result.chunks} passage${result.chunks === 1 ? "" : "s"})`;
  const counts = ["created", "updated", "unchanged"].map((k) => `${result[k]} ${k}`).join(", ");
  return `${result.documents.length} documents: ${counts}`;
}

async function followJob(accepted, show) {
  for (;;) {
    const job = await requestJson("GET", accepted.status_url);
    show(`${job.stage}: ${job.done}/${job.total} documents`, job.stage === "failed" ? "error" : "info");
    if (["done", "failed", "cancelled"].includes(job.stage)) {
      const errors = job.errors.length ? `; ${job.errors.length} failed: ${job.errors[0]}` : "";
      const kind = job.stage === "done" && !job.errors.length ? "ok" : "error";
      show(`${job.stage}: ${job.created} created, ${job.updated} updated, ${job.unchanged} unchanged${errors}`, kind);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
  }
}

async function uploadAll(files) {
  if (files.length === 0) {
    say("Choose or drop files first (.txt .md .html .pdf .docx .xlsx .pptx .eml .csv .jsonl).", "error");
    return;
  }
  uploadButton.disabled = true;
  progress.replaceChildren();
  say(`Adding ${files.length} file${files.length === 1 ? "" : "s"}…`);
  let failed = 0;
  for (const file of files) {
    const show = fileLine(file.name);
    if (!SUPPORTED.test(file.name)) {
      show("skipped: not a supported type (.txt .md .html .pdf .docx .xlsx .pptx .eml .csv .jsonl)", "error");
      failed += 1;
      continue;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      show(`skipped: larger than ${MAX_UPLOAD_BYTES / 1_000_000} MB`, "error");
      failed += 1;
      continue;
    }
    show("uploading…");
    try {
      const result = await uploadFile(file);
      if (result.job_id) await followJob(result, show);
      else show(describe(result), "ok");
    } catch (error) {
      show(`failed: ${error.message}`, "error");
      failed += 1;
    }
  }
  say(failed ? `${files.length - failed} of ${files.length} files added.` : `Added ${files.length} file${files.length === 1 ? "" : "s"}.`, failed ? "error" : "info");
  form.reset();
  uploadButton.disabled = false;
  await refreshDocuments();
  changed();
}

function initDropZone() {
  for (const name of ["dragenter", "dragover"]) {
    dropZone.addEventListener(name, (event) => {
      event.preventDefault();
      dropZone.classList.add("dragging");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    dropZone.addEventListener(name, () => dropZone.classList.remove("dragging"));
  }
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    uploadAll([...(event.dataTransfer?.files || [])]);
  });
}

export function initDocuments() {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    uploadAll([...fileInput.files]);
  });
  initDropZone();
  refreshDocuments();
}
