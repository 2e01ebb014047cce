// Wires the page together: service status, the documents panel toggle, the API key, chat.

import { apiKey, requestJson, setApiKey } from "./api.js";
import { initChat, showExamples } from "./chat.js";
import { initDocuments, refreshDocuments } from "./documents.js";

const layout = document.getElementById("layout");
const toggle = document.getElementById("docs-toggle");
const status = document.getElementById("service-status");
const keyForm = document.getElementById("key-form");
const keyInput = document.getElementById("api-key");
const clearKey = document.getElementById("clear-key");

function showDocuments(open) {
  layout.classList.toggle("docs-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  toggle.textContent = open ? "Hide documents" : "Documents";
}

async function showStatus() {
  try {
    const ready = await requestJson("GET", "/readyz");
    status.textContent = ready.llm
      ? `Answers by ${ready.llm}, cited · ${ready.chunks} passages`
      : `Extractive answers (no LLM configured) · ${ready.chunks} passages`;
    status.dataset.kind = "ok";
  } catch (error) {
    status.textContent = `Service unavailable: ${error.message}`;
    status.dataset.kind = "error";
  }
}

function initApiKey() {
  keyInput.value = apiKey();
  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    setApiKey(keyInput.value.trim());
    refreshDocuments();
    showStatus();
  });
  clearKey.addEventListener("click", () => {
    keyInput.value = "";
    setApiKey("");
    refreshDocuments();
  });
}

showDocuments(window.matchMedia("(min-width: 900px)").matches);
toggle.addEventListener("click", () => showDocuments(!layout.classList.contains("docs-open")));
initApiKey();
// An upload or a delete changes the passage count in the header and the examples.
document.addEventListener("documents-changed", () => {
  showStatus();
  showExamples();
});
initChat();
initDocuments();
showStatus();
