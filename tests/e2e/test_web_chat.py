"""The chat page as people expect it (issue 16), in Debian's Chromium against real servers:
uploads of every format, safe Markdown, conversations kept across a reload, copy and
retry, example questions, and a topic change answered as if asked alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from service.core.ports import Embedder
from tests.support.browser import Ui, open_ui
from tests.support.client_docs import (
    ANSWER_WORDS,
    FOLLOW_UP,
    OTHER_QUESTION,
    QUESTION,
    write_library,
)
from tests.support.files import (
    ARTICLE_HTML,
    CORRUPT_PDF,
    docx_bytes,
    pdf_bytes,
    pptx_bytes,
    xlsx_bytes,
)
from tests.support.live_server import serve, with_scripted_llm
from tests.support.scripted_llm import ScriptedLLM

expect.set_options(timeout=20_000)
HOSTILE_MARKDOWN = (
    "# Harbour <script>alert(1)</script> notes\n\n"
    "The Varnholm harbour crane lifts **40 tonnes** <img src=x onerror=alert(2)>.\n"
    "[click](javascript:alert(3)) `rm -rf` <b onmouseover=alert(4)>bold</b>\n"
)


@pytest.fixture(scope="module")
def llm_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("web-chat-llm")
    settings = with_scripted_llm(llm, timeout_s=5.0)
    yield from serve(root / "data", minilm, seeds_dir=write_library(root / "docs"), **settings)


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory, minilm: Embedder) -> Iterator[str]:
    """No LLM: extractive answers and the heuristic follow-up rewrite."""
    root = tmp_path_factory.mktemp("web-chat")
    yield from serve(root / "data", minilm, seeds_dir=write_library(root / "docs"))


@pytest.fixture
def ui(browser: Browser, llm_server: str, llm: ScriptedLLM) -> Iterator[Ui]:
    yield from open_ui(browser, llm_server, llm, 1280, 800)


@pytest.fixture
def plain_ui(browser: Browser, plain_server: str, llm: ScriptedLLM) -> Iterator[Ui]:
    yield from open_ui(browser, plain_server, llm, 1280, 800, ready="Extractive answers")


def passages_in_header(ui: Ui) -> int:
    match = re.search(r"(\d+) passages", ui.page.locator("#service-status").inner_text())
    assert match
    return int(match.group(1))


WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FARES_XLSX = xlsx_bytes(
    [("Fares", '<row><c t="inlineStr"><is><t>Route</t></is></c><c t="inlineStr"><is><t>Adult'
      '</t></is></c></row><row><c t="inlineStr"><is><t>Night</t></is></c><c><v>8.75</v></c></row>')]
)  # fmt: skip
POINTS_SLIDE = (
    "<p:sp><p:txBody><a:p><a:r><a:t>Fares rise in May</a:t></a:r></a:p></p:txBody></p:sp>"
)
UPLOADED = (
    "dam.pdf", "bridge.html", "notes.md", "ferry.txt", "minutes.docx", "fares.xlsx",
    "review.pptx", "hours.csv", "news.eml",
)  # fmt: skip


def test_upload_every_format_several_at_once_and_by_drop(plain_ui: Ui, plain_server: str) -> None:
    page = plain_ui.page
    expect(page.locator("#doc-list .doc")).to_have_count(2)
    before = passages_in_header(plain_ui)
    files = [
        ("dam.pdf", "application/pdf", pdf_bytes(["The Orsa dam makes 80 megawatts."], "Orsa dam")),
        ("bridge.html", "text/html", ARTICLE_HTML.encode()),
        ("notes.md", "text/markdown", b"# Orchard notes\n\nThe orchard grows 14 apple kinds."),
        ("ferry.txt", "text/plain", b"Ferry timetable\n\nThe ferry leaves every 40 minutes."),
        ("minutes.docx", WORD, docx_bytes("<w:p><w:r><w:t>The board met.</w:t></w:r></w:p>")),
        ("fares.xlsx", EXCEL, FARES_XLSX),
        ("review.pptx", SLIDES, pptx_bytes([POINTS_SLIDE])),
        ("hours.csv", "text/csv", b"Day,Opens\nMonday,9 am\n"),
        ("news.eml", "message/rfc822", b"Subject: Pier news\n\nThe pier reopens on Friday.\n"),
        ("broken.pdf", "application/pdf", CORRUPT_PDF),
    ]
    page.set_input_files(
        "#upload-file", [{"name": n, "mimeType": t, "buffer": b} for n, t, b in files]
    )
    page.click("#upload-button")
    for name in UPLOADED:
        expect(page.locator(f'#upload-progress li[data-file="{name}"]')).to_contain_text("created")
    broken = page.locator('#upload-progress li[data-file="broken.pdf"]')
    expect(broken).to_contain_text("failed: broken.pdf is not a readable PDF")
    expect(page.locator("#docs-message")).to_contain_text("9 of 10 files added")
    titles = ["Orsa dam", "The old bridge reopens", "Orchard notes", "Ferry timetable", "fares"]
    for title in [*titles, "The board met.", "Fares rise in May", "hours", "Pier news"]:
        exact = re.compile(f"^{re.escape(title)}$")
        expect(page.locator(".doc-title", has_text=exact)).to_be_visible()
    expect(page.locator("#service-status")).not_to_contain_text(f" {before} passages")

    # Drag and drop: a file dropped on the zone is uploaded as a file.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["Dropped note\\n\\nThe pier is 300 metres long."],
                                    "dropped.md", { type: "text/markdown" }));
            const zone = document.getElementById("drop-zone");
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true }));
        }"""
    )
    expect(page.locator('#upload-progress li[data-file="dropped.md"]')).to_contain_text("created")
    expect(page.locator('.doc[data-doc-id="dropped.md"]')).to_be_visible()
    # The browser logs the corrupt PDF's refusal (422) as a failed resource: expected here.
    assert sum("status of 422" in e for e in plain_ui.errors) == 1
    plain_ui.errors[:] = [e for e in plain_ui.errors if "status of 422" not in e]
    # A PDF's citation names its page.
    plain_ui.ask("How many megawatts does the Orsa dam make?")
    source = page.locator(".turn.assistant .sources li").first
    expect(source.locator(".source-date")).to_have_text(re.compile(r"^ · \S+ · p\. 1$"))
    plain_ui.assert_clean()
    for doc_id in (*UPLOADED, "dropped.md"):
        httpx.delete(f"{plain_server}/v1/documents/{doc_id}", timeout=30).raise_for_status()


def test_a_large_file_runs_as_a_job_with_progress(plain_ui: Ui, plain_server: str) -> None:
    page = plain_ui.page
    lines = [
        json.dumps({"id": f"note-{i}", "title": f"Note {i}", "text": f"Pier note {i} of 30."})
        for i in range(30)
    ]  # more documents than QA_SYNC_MAX_DOCUMENTS (20): a background job
    page.set_input_files(
        "#upload-file",
        {
            "name": "notes.jsonl",
            "mimeType": "application/x-ndjson",
            "buffer": "\n".join(lines).encode(),
        },
    )
    page.click("#upload-button")
    line = page.locator('#upload-progress li[data-file="notes.jsonl"]')
    expect(line).to_contain_text("done: 30 created, 0 updated, 0 unchanged")
    expect(page.locator(".doc-title", has_text="Note 29")).to_be_visible()
    plain_ui.assert_clean()
    for i in range(30):
        httpx.delete(f"{plain_server}/v1/documents/note-{i}", timeout=30).raise_for_status()


def test_markdown_renders_and_a_hostile_document_executes_nothing(ui: Ui, llm_server: str) -> None:
    page = ui.page
    upload = {"file": ("harbour.md", HOSTILE_MARKDOWN.encode(), "text/markdown")}
    httpx.post(f"{llm_server}/v1/documents", files=upload, timeout=60).raise_for_status()
    page.reload()  # lists the new document
    expect(page.locator('.doc[data-doc-id="harbour.md"]')).to_be_visible()
    reply = (
        "The Varnholm harbour crane lifts **40 tonnes** [1].\n\n"
        "- The crane lifts `40 tonnes` [1]\n"
        "- *The Varnholm harbour crane lifts 40 tonnes* <img src=x onerror=alert(5)> [1]"
    )
    ui.llm.enqueue(reply)
    ui.ask("How much can the Varnholm harbour crane lift?")
    answer = page.locator(".turn.assistant").last.locator(".answer")
    expect(answer.locator("strong")).to_have_text("40 tonnes")
    expect(answer.locator("ul li")).to_have_count(2)
    expect(answer.locator("code")).to_have_text("40 tonnes")
    expect(answer.locator("em")).to_contain_text("harbour crane")
    expect(answer.locator(".chip").first).to_be_visible()
    answer.locator(".chip").first.click()
    expect(page.locator("#passage-text")).to_contain_text("<img src=x onerror=alert(2)>")
    page.click("#passage-full")
    expect(page.locator("#passage-text")).to_contain_text("<script>alert(1)</script>")
    page.keyboard.press("Escape")
    page.locator('.doc[data-doc-id="harbour.md"]').get_by_role(
        "button", name=re.compile("^Read")
    ).click()
    expect(page.locator("#passage-text")).to_contain_text("javascript:alert(3)")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)  # give any injected handler the chance to fire
    assert page.locator("img").count() == 0 and page.locator("a[href^=javascript]").count() == 0
    assert page.locator("script").count() == 1  # the page's own module script
    ui.assert_clean()
    httpx.delete(f"{llm_server}/v1/documents/harbour.md", timeout=30).raise_for_status()


def test_a_conversation_survives_a_reload(ui: Ui) -> None:
    page = ui.page
    ui.llm.enqueue("The Coastal Heritage Fund paid for the restoration [1].")
    ui.ask(QUESTION)
    expect(page.locator(".turn.assistant .sources li")).to_have_count(1)
    page.reload()
    expect(page.locator(".turn.user")).to_have_text([QUESTION])
    expect(page.locator(".turn.assistant .answer")).to_contain_text("Coastal Heritage Fund")
    expect(page.locator(".turn.assistant .answer .chip")).to_have_count(1)
    expect(page.locator('#chat-list .chat-item[aria-current="true"]')).to_have_text(QUESTION)

    ui.llm.enqueue("How many steps does the Varnholm lighthouse have?")  # the rewrite
    ui.llm.enqueue("The lighthouse has 143 steps [1].")
    ui.ask(FOLLOW_UP)
    expect(page.locator(".turn.assistant").nth(1).locator(".answer")).to_contain_text("143")
    history = ui.llm.requests[-1]["messages"][1:3]
    assert history[0] == {"role": "user", "content": QUESTION}

    page.click("#new-chat")
    expect(page.locator(".turn")).to_have_count(0)
    expect(page.locator("#examples li")).to_have_count(2)
    page.locator("#chat-list .chat-item", has_text=QUESTION).click()
    expect(page.locator(".turn.assistant")).to_have_count(2)
    ui.assert_clean()


def test_a_refusal_shows_the_closest_passages_apart(ui: Ui) -> None:
    page = ui.page
    ui.llm.enqueue("The documents do not contain an answer to this question.")
    ui.ask(QUESTION)
    turn = page.locator(".turn.assistant").last
    expect(turn.locator(".flag.warn")).to_have_text("Not found in the documents")
    expect(turn.locator(".sources").first).to_be_hidden()  # no citations
    closest = turn.locator(".closest")
    expect(closest.locator(".closest-note")).to_contain_text("not an answer")
    expect(closest.locator("li")).to_have_count(1)  # the orchard passage is not close
    expect(closest.locator("li").first).to_contain_text(ANSWER_WORDS)
    closest.locator(".chip").first.click()
    expect(page.locator("#passage-text mark")).to_contain_text(ANSWER_WORDS)
    page.keyboard.press("Escape")
    page.reload()  # kept with the conversation
    expect(page.locator(".turn.assistant .closest li").first).to_contain_text(ANSWER_WORDS)
    ui.assert_clean()


def test_copy_and_retry(ui: Ui) -> None:
    page = ui.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ui.llm.enqueue("The Coastal Heritage Fund paid for it [1].")
    ui.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    answer.get_by_role("button", name="Copy the answer").click()
    expect(answer.get_by_role("button", name="Copy the answer")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("The Coastal Heritage Fund paid for it [1].\n\nSources:\n[1] ")

    ui.llm.enqueue("The restoration was paid for by the Coastal Heritage Fund [1].")
    answer.get_by_role("button", name="Ask this question again").click()
    expect(page.locator(".turn.assistant")).to_have_count(1)
    expect(page.locator(".turn.assistant .answer")).to_contain_text("The restoration was paid")
    ui.assert_clean()


def test_example_questions_on_the_empty_page(plain_ui: Ui) -> None:
    page = plain_ui.page
    examples = page.locator("#examples .example")
    expect(examples).to_have_count(2)
    examples.first.click()
    expect(page.locator(".turn.assistant")).to_have_count(1)
    expect(page.locator("#examples")).to_be_hidden()
    expect(page.locator(".turn.assistant .meta")).to_contain_text("extractive")
    plain_ui.assert_clean()


def test_a_topic_change_is_answered_as_if_asked_alone(plain_ui: Ui, plain_server: str) -> None:
    page = plain_ui.page
    alone = httpx.post(f"{plain_server}/v1/ask", json={"question": OTHER_QUESTION}, timeout=60)
    plain_ui.ask(QUESTION)
    expect(page.locator(".turn.assistant .sources li")).not_to_have_count(0)
    plain_ui.ask(OTHER_QUESTION)
    second = page.locator(".turn.assistant").nth(1)
    expect(second.locator(".meta")).to_contain_text("extractive")
    quotes = [c["quote"] for c in alone.json()["citations"]]
    expect(second.locator(".sources .source-quote")).to_have_text(quotes)  # the same answer
    expect(second.locator(".answer")).to_contain_text("58")
    expect(second.locator(".searched")).to_be_hidden()  # searched as asked
    plain_ui.ask(FOLLOW_UP)
    third = page.locator(".turn.assistant").nth(2)
    expect(third.locator(".searched")).to_contain_text(
        "Searched for: How many steps does it have? ("
    )
    plain_ui.assert_clean()
