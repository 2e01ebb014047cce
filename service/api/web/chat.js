// The conversation: questions in, answers streamed from /v1/ask with citation chips;
// conversations kept in the browser (conversations.js), listed, copied and retried.

import { requestJson, streamAnswer } from "./api.js";
import { historyOf, loadConversations, newConversation, saveConversation } from "./conversations.js";
import { chip, el, renderCited } from "./dom.js";
import { openPassage } from "./passage.js";

const MAX_HISTORY = 20; // messages sent along; the service's default limit
const CLOSEST_NOTE = "Closest passages found (not an answer, not checked):";
const list = document.getElementById("conversation");
const scroller = document.getElementById("conversation-scroll");
const hint = document.getElementById("empty-hint");
const form = document.getElementById("composer");
const input = document.getElementById("question");
const sendButton = document.getElementById("send");
const stopButton = document.getElementById("stop");
const newChatButton = document.getElementById("new-chat");
const chatList = document.getElementById("chat-list");
const examples = document.getElementById("examples");

let conversation = newConversation();
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
    this.closest = el("div", { className: "closest" });
    this.closestQuotes = [];
    this.meta = el("p", { className: "meta" });
    this.actions = el("div", { className: "turn-actions" });
    this.node = el("li", { className: "turn assistant", attrs: { "aria-busy": "true" } }, [
      el("div", { className: "bubble" }, [
        this.flags, this.searched, this.answer, this.error, this.sources, this.closest, this.meta,
        this.actions,
      ]),
    ]);
    this.userNode = el("li", { className: "turn user" }, [el("p", { className: "bubble", text: question })]);
    list.append(this.userNode, this.node);
  }

  remove() {
    this.userNode.remove();
    this.node.remove();
  }

  // Copy (the answer and its sources as text) and, on the last answer, Retry.
  addActions(onRetry) {
    const copy = el("button", {
      className: "secondary small",
      text: "Copy",
      attrs: { type: "button", "aria-label": "Copy the answer" },
      onClick: async () => {
        try {
          await navigator.clipboard.writeText(this.plainText());
          copy.textContent = "Copied";
        } catch {
          copy.textContent = "Copy failed";
        }
        setTimeout(() => { copy.textContent = "Copy"; }, 2000);
      },
    });
    const retry = el("button", {
      className: "secondary small retry",
      text: "Retry",
      attrs: { type: "button", "aria-label": "Ask this question again" },
      onClick: onRetry,
    });
    this.actions.replaceChildren(copy, retry);
  }

  plainText() {
    const sources = [...this.citations.values()].map(sourceLine);
    const closest = this.closestQuotes.map(sourceLine);
    if (sources.length) return `${this.text}\n\nSources:\n${sources.join("\n")}`;
    if (closest.length) return `${this.text}\n\n${CLOSEST_NOTE}\n${closest.join("\n")}`;
    return this.text;
  }

  handle(name, data) {
    if (name === "citations") {
      this.citations = new Map(data.map((c) => [c.n, c]));
      const pending = this.answer.querySelector(".pending");
      if (pending && data.length) {
        // The search is done; the model reads these (and its answer is checked) before text comes.
        pending.textContent = `Answering from ${data.length} passage${data.length === 1 ? "" : "s"}…`;
      }
    } else if (name === "draft") {
      // The model's text as it writes it, held for the support check: shown apart, marked
      // as unchecked, until the checked answer (the first delta) replaces it.
      renderCited(this.answer, data.text, this.citations, openPassage);
      this.answer.classList.add("draft");
      this.answer.append(el("span", { className: "pending checking", text: "Checking the answer against its passages…" }));
    } else if (name === "delta") {
      this.dropDraft();
      this.text += data.text;
      renderCited(this.answer, this.text, this.citations, openPassage);
    } else if (name === "done") {
      this.finish(data);
    } else if (name === "error") {
      this.fail(`The answer broke off: ${data.message}`);
    }
  }

  // A draft is never left standing as an answer: the checked text replaces it, and a
  // failure or a stop removes it.
  dropDraft() {
    if (!this.answer.classList.contains("draft")) return;
    this.answer.classList.remove("draft");
    this.answer.replaceChildren();
  }

  finish(answer) {
    this.dropDraft();
    this.state = "done";
    this.text = answer.answer;
    this.citations = new Map(answer.citations.map((c) => [c.n, c]));
    renderCited(this.answer, this.text, this.citations, openPassage);
    this.renderSources(answer.citations);
    this.renderClosest(answer.closest || []); // answers stored before it have none
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
    this.sources.append(...citations.map(sourceItem));
  }

  // With an answer that is not grounded: the closest passages, set apart from sources and
  // said not to be an answer, so that the reader can judge them.
  renderClosest(closest) {
    this.closestQuotes = closest;
    if (!closest.length) {
      this.closest.replaceChildren();
      return;
    }
    this.closest.replaceChildren(
      el("p", { className: "closest-note", text: CLOSEST_NOTE }),
      el("ol", { className: "closest-list", attrs: { "aria-label": "Closest passages" } }, closest.map(sourceItem)),
    );
  }

  fail(message) {
    this.dropDraft();
    this.state = "failed";
    this.flag("Request failed", "error");
    this.error.textContent = message;
    this.settle();
  }

  stop() {
    this.dropDraft();
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

// A quoted passage in a list of sources: its chip (opens it), title, date, page (of a PDF
// or a presentation) and quote.
function sourceItem(citation) {
  const page = citation.page ? ` · p. ${citation.page}` : "";
  return el("li", {}, [
    chip(citation.n, citation, openPassage),
    el("div", { className: "source-body" }, [
      el("span", { className: "source-title", text: citation.title }),
      el("span", { className: "source-date", text: ` · ${citation.date || "undated"}${page}` }),
      el("q", { className: "source-quote", text: citation.quote }),
    ]),
  ]);
}

function sourceLine(citation) {
  const page = citation.page ? `, p. ${citation.page}` : "";
  return `[${citation.n}] ${citation.title} (${citation.date || "undated"}${page}) — "${citation.quote}"`;
}

function setBusy(busy) {
  sendButton.disabled = busy;
  stopButton.hidden = !busy;
  if (!busy && document.activeElement === document.body) input.focus();
}

function nearBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
}

function showEmpty(empty) {
  hint.hidden = !empty;
  examples.hidden = !empty;
}

async function ask(question) {
  showEmpty(false);
  list.querySelectorAll(".retry").forEach((button) => button.remove());
  const turn = new Turn(question);
  scroller.scrollTop = scroller.scrollHeight;
  const sent = historyOf(conversation).slice(-MAX_HISTORY);
  const asked = conversation;
  let answer = null;
  controller = new AbortController();
  setBusy(true);
  try {
    await streamAnswer({ question, history: sent, drafts: true }, {
      signal: controller.signal,
      onEvent: (name, data) => {
        const follow = nearBottom();
        turn.handle(name, data);
        if (name === "done") answer = data;
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
  if (asked !== conversation) return; // another conversation was opened meanwhile
  if (turn.state === "done" && answer) {
    conversation.turns.push({ question, answer });
    saveConversation(conversation);
    renderChatList();
  }
  turn.addActions(() => retry(turn, question, turn.state === "done"));
}

// Ask the last question again, in place of its answer.
function retry(turn, question, stored) {
  if (controller) return;
  if (stored) conversation.turns.pop();
  turn.remove();
  ask(question);
}

function show(selected) {
  controller?.abort();
  conversation = selected;
  list.replaceChildren();
  conversation.turns.forEach(({ question, answer }, i) => {
    const turn = new Turn(question);
    turn.finish(answer);
    if (i === conversation.turns.length - 1) {
      turn.addActions(() => retry(turn, question, true));
    }
  });
  showEmpty(conversation.turns.length === 0);
  renderChatList();
  scroller.scrollTop = scroller.scrollHeight;
}

function renderChatList() {
  const conversations = loadConversations();
  chatList.replaceChildren();
  if (conversations.length === 0) {
    chatList.append(el("li", { className: "doc-empty", text: "No conversations yet." }));
  }
  for (const stored of conversations) {
    const current = stored.id === conversation.id;
    chatList.append(el("li", {}, [
      el("button", {
        className: "chat-item",
        text: stored.title || "Untitled",
        attrs: { type: "button", ...(current ? { "aria-current": "true" } : {}) },
        onClick: () => show(stored),
      }),
    ]));
  }
}

// Example questions for the empty state, from the titles of the first documents.
export async function showExamples() {
  try {
    const body = await requestJson("GET", "/v1/documents?limit=3");
    examples.replaceChildren(...(body.documents || []).map((doc) => {
      const subject = doc.title.length > 70 ? `${doc.title.slice(0, 67).replace(/\s+\S*$/, "")}…` : doc.title;
      const question = `What does “${subject}” say?`;
      return el("li", {}, [
        el("button", { className: "example", text: question, attrs: { type: "button" }, onClick: () => ask(question) }),
      ]);
    }));
  } catch {
    examples.replaceChildren(); // no examples: the hint still says what to do
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
    show(newConversation());
    input.focus();
  });
  const [latest] = loadConversations();
  show(latest || newConversation());
  showExamples();
}
