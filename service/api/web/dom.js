// DOM building with text nodes only: document text and answers never pass through HTML parsing.

import { renderMarkdown } from "./markdown.js";

export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs || {})) {
    node.setAttribute(name, value);
  }
  if (options.onClick) node.addEventListener("click", options.onClick);
  node.append(...children);
  return node;
}

// The answer text, Markdown rendered safely (markdown.js), with each [n] that names a
// citation turned into a button ("chip").
export function renderCited(container, text, citations, onOpen) {
  renderMarkdown(container, text, (n) => {
    const citation = citations.get(n);
    return citation ? chip(n, citation, onOpen) : `[${n}]`;
  });
}

export function chip(n, citation, onOpen) {
  return el("button", {
    className: "chip",
    text: String(n),
    attrs: {
      type: "button",
      "data-n": String(n),
      "aria-label": `Source ${n}: ${citation.title}`,
      title: `${citation.title}${citation.date ? ` (${citation.date})` : ""}`,
    },
    onClick: () => onOpen(citation),
  });
}

// Text with the span [start, end) wrapped in <mark>; returns the mark (or null).
export function renderHighlighted(container, text, start, end) {
  container.replaceChildren();
  if (start < 0 || end <= start || end > text.length) {
    container.append(text);
    return null;
  }
  const mark = el("mark", { text: text.slice(start, end) });
  container.append(text.slice(0, start), mark, text.slice(end));
  return mark;
}
