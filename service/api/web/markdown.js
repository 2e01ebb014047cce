// A small, safe Markdown renderer for answers: it builds DOM nodes and sets only
// textContent, so no text from documents or models is ever parsed as HTML.
// Covers what answers use: paragraphs, "-"/"*"/"1." lists, headings (shown bold),
// fenced code blocks, **bold**, *italic*/_italic_, `code`; [n] markers become chips.

import { el } from "./dom.js";

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;
const FENCE = /^\s*```/;
const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+?\*\*)|(__[^_\n]+?__)|(\*[^*\s][^*\n]*?\*)|(\b_[^_\s][^_\n]*?_\b)/;
const MARKER = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

// Renders `text` into `container`; `cite(n)` returns the node for marker [n].
export function renderMarkdown(container, text, cite) {
  container.replaceChildren();
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let paragraph = [];
  let list = null;

  const closeParagraph = () => {
    if (paragraph.length) {
      const p = el("p");
      renderInline(p, paragraph.join("\n"), cite);
      container.append(p);
      paragraph = [];
    }
  };
  const closeList = () => {
    list = null;
  };

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (FENCE.test(line)) {
      closeParagraph();
      closeList();
      const code = [];
      for (i += 1; i < lines.length && !FENCE.test(lines[i]); i += 1) code.push(lines[i]);
      container.append(el("pre", {}, [el("code", { text: code.join("\n") })]));
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      closeParagraph();
      const tag = bullet ? "ul" : "ol";
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = el(tag);
        container.append(list);
      }
      const item = el("li");
      renderInline(item, (bullet || numbered)[1], cite);
      list.append(item);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      closeParagraph();
      closeList();
      const p = el("p", { className: "md-heading" });
      renderInline(p, heading[1], cite);
      container.append(p);
      continue;
    }
    if (!line.trim()) {
      closeParagraph();
      closeList();
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // A continuation line of the last list item.
      const last = list.lastElementChild;
      last.append(" ");
      renderInline(last, line.trim(), cite);
      continue;
    }
    closeList();
    paragraph.push(line);
  }
  closeParagraph();
}

function renderInline(parent, text, cite) {
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) break;
    appendCited(parent, rest.slice(0, match.index), cite);
    const token = match[0];
    if (match[1]) {
      parent.append(el("code", { text: token.slice(1, -1) }));
    } else if (match[2] || match[3]) {
      const strong = el("strong");
      renderInline(strong, token.slice(2, -2), cite);
      parent.append(strong);
    } else {
      const em = el("em");
      renderInline(em, token.slice(1, -1), cite);
      parent.append(em);
    }
    rest = rest.slice(match.index + token.length);
  }
  appendCited(parent, rest, cite);
}

function appendCited(parent, text, cite) {
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    parent.append(text.slice(last, match.index));
    for (const part of match[1].split(",")) {
      parent.append(cite(Number.parseInt(part.trim(), 10)));
    }
    last = match.index + match[0].length;
  }
  parent.append(text.slice(last));
}
