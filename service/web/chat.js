// The conversation: questions in, answers streamed from /v1/ask with citation chips.

import { streamAnswer } from "./api.js";
import { chip, el, renderCited } from "./dom.js";
import { openPassage } from "./passage.js";

const MAX_HISTORY = 20; // messages sent along; the service's default limit
const list = document.getElementById("conversation");
const scroller = document.getElementById("conversation-scroll");
const hint = document.getElementById("empty-hint");
const form = document.getElementById("composer");
const input = document.getElementById("question");
const sendButton = document.getElementById("send");
const stopButton = document.getElementById("stop");
const newChatButton = document.getElementById("new-chat");

let history = [];
let controller = null;

// One assistant answer as it streams in, then as the service finally states it.
class Turn {
  constructor(question) {
    this.question = question;
    this.text = "";
    this.citations = new Map();
    this.state = "streaming";
    this.flags = el("p", { className: "flags" });
    this.searched = el("p", { className: "searched" });
    this.answer = el("div", { className: "answer" }, [
      el("span", { className: "pending", text: "Searching the documents…" }),
    ]);
    this.error = el("p", { className: "failure", attrs: { role: "alert" } });
    this.sources = el("ol", { className: "sources", attrs: { "aria-label": "Sources" } });
    this.meta = el("p", { className: "meta" });
    this.node = el("li", { className: "turn assistant", attrs: { "aria-busy": "true" } }, [
      el("div", { className: "bubble" }, [
        this.flags, this.searched, this.answer, this.error, this.sources, this.meta,
      ]),
    ]);
    list.append(el("li", { className: "turn user" }, [el("p", { className: "bubble", text: question })]));
    list.append(this.node);
  }

  handle(name, data) {
    if (name === "citations") {
      this.citations = new Map(data.map((c) => [c.n, c]));
    } else if (name === "delta") {
      this.text += data.text;
      renderCited(this.answer, this.text, this.citations, openPassage);
    } else if (name === "done") {
      this.finish(data);
    } else if (name === "error") {
      this.fail(`The answer broke off: ${data.message}`);
    }
  }

  finish(answer) {
    this.state = "done";
    this.text = answer.answer;
    this.citations = new Map(answer.citations.map((c) => [c.n, c]));
    renderCited(this.answer, this.text, this.citations, openPassage);
    this.renderSources(answer.citations);
    if (!answer.grounded) this.flag("Not found in the documents", "warn");
    if (answer.degraded) {
      this.flag("Degraded: the language model is unavailable; this answer is quoted from the passages", "warn");
    }
    if (answer.standalone_question && answer.standalone_question !== this.question) {
      this.searched.textContent = `Searched for: ${answer.standalone_question}`;
    }
    const mode = answer.mode === "llm" ? `LLM ${answer.model || ""}`.trim() : "extractive";
    this.meta.textContent = `${mode} · ${Math.round(answer.timings_ms.total || 0)} ms`;
    this.settle();
  }

  renderSources(citations) {
    for (const citation of citations) {
      this.sources.append(el("li", {}, [
        chip(citation.n, citation, openPassage),
        el("div", { className: "source-body" }, [
          el("span", { className: "source-title", text: citation.title }),
          el("span", { className: "source-date", text: ` · ${citation.date || "undated"}` }),
          el("q", { className: "source-quote", text: citation.quote }),
        ]),
      ]));
    }
  }

  fail(message) {
    this.state = "failed";
    this.flag("Request failed", "error");
    this.error.textContent = message;
    this.settle();
  }

  stop() {
    this.state = "stopped";
    this.flag("Stopped", "muted");
    this.settle();
  }

  flag(text, kind) {
    this.flags.append(el("span", { className: `flag ${kind}`, text }));
  }

  settle() {
    this.node.removeAttribute("aria-busy");
    this.answer.querySelector(".pending")?.remove();
  }
}

function setBusy(busy) {
  sendButton.disabled = busy;
  stopButton.hidden = !busy;
  if (!busy && document.activeElement === document.body) input.focus();
}

function nearBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
}

async function ask(question) {
  hint.hidden = true;
  const turn = new Turn(question);
  scroller.scrollTop = scroller.scrollHeight;
  const sent = history.slice(-MAX_HISTORY);
  controller = new AbortController();
  setBusy(true);
  try {
    await streamAnswer({ question, history: sent }, {
      signal: controller.signal,
      onEvent: (name, data) => {
        const follow = nearBottom();
        turn.handle(name, data);
        if (follow) scroller.scrollTop = scroller.scrollHeight;
      },
    });
    if (turn.state === "streaming") turn.fail("The answer stream ended before the answer was complete.");
  } catch (error) {
    if (error.name === "AbortError") turn.stop();
    else turn.fail(error.message || "The request failed.");
  } finally {
    controller = null;
    setBusy(false);
  }
  if (turn.state === "done") {
    history.push({ role: "user", content: question }, { role: "assistant", content: turn.text });
  }
}

export function initChat() {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || controller) return;
    input.value = "";
    ask(question);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape" && controller) {
      controller.abort();
    }
  });
  stopButton.addEventListener("click", () => {
    controller?.abort();
    input.focus();
  });
  newChatButton.addEventListener("click", () => {
    controller?.abort();
    history = [];
    list.replaceChildren();
    hint.hidden = false;
    input.focus();
  });
}
