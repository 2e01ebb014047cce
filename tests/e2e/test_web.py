"""The chat page in a real headless Chromium (Debian's package) against a real uvicorn server.

The server has the scripted OpenAI-compatible LLM configured, so answers
stream token by token. Chromium must be installed (`.ci/run` installs it):
without it these tests fail, they are not skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from service.core.ports import Embedder
from service.core.text import split_sentences
from tests.support.browser import Ui, open_ui
from tests.support.live_server import serve, with_scripted_llm
from tests.support.scripted_llm import LONG_REPLY, ScriptedLLM
from tests.support.waiting import wait_for

QUESTION = "Which country is mediating with Hamas?"
SEED_TITLE = "Qatari mediators have been engaging"
HOSTILE_TITLE = "<img src=x onerror=alert(1)> Lighthouse festival"
HOSTILE_TEXT = (
    f"date 2024-05-01\n{HOSTILE_TITLE}\n"
    "The Zanzibar lighthouse festival draws 4,000 visitors every June. "
    "<script>alert(2)</script> Organisers said the <b>lanterns</b> are made by hand."
)

expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    data = tmp_path_factory.mktemp("web") / "data"
    yield from serve(data, minilm, **with_scripted_llm(llm, timeout_s=5.0))


@pytest.fixture
def ui(browser: Browser, server: str, llm: ScriptedLLM) -> Iterator[Ui]:
    yield from open_ui(browser, server, llm, 1280, 800)


@pytest.fixture
def phone(browser: Browser, server: str, llm: ScriptedLLM) -> Iterator[Ui]:
    yield from open_ui(browser, server, llm, 390, 844)


@pytest.fixture(scope="module")
def checked_server(
    tmp_path_factory: pytest.TempPathFactory, minilm: Embedder, llm: ScriptedLLM
) -> Iterator[str]:
    """Answers held for the model's support check, as with the default local model."""
    data = tmp_path_factory.mktemp("web-checked") / "data"
    settings = with_scripted_llm(llm, timeout_s=5.0)
    yield from serve(data, minilm, llm_support_check="on", **settings)


@pytest.fixture
def checked_ui(browser: Browser, checked_server: str, llm: ScriptedLLM) -> Iterator[Ui]:
    yield from open_ui(browser, checked_server, llm, 1280, 800)


def supported_reply(server: str) -> tuple[list[str], str]:
    """A model reply whose sentences are taken from the passages they cite, so the
    service's claim check keeps every citation: two from passage 1, one from passage 2."""
    found = httpx.post(f"{server}/v1/search", json={"query": QUESTION}, timeout=60).json()
    results = found["results"]
    first = split_sentences(results[0]["text"])
    second = split_sentences(results[1]["text"])
    sentences = [first[0].text, first[1].text, second[-1].text]
    reply = f"{sentences[0]} [1] {sentences[1]} [1] {sentences[2]} [2]"
    return sentences, reply


def test_answer_streams_in_and_a_chip_opens_the_highlighted_quote(ui: Ui, server: str) -> None:
    page = ui.page
    sentences, reply = supported_reply(server)
    ui.llm.enqueue(reply, piece_delay_s=0.12, delay_s=1.0)
    ui.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    # Found passages, the model not yet writing: the page says what it waits for.
    expect(answer.locator(".pending")).to_have_text(re.compile(r"^Answering from \d+ passages?…$"))
    expect(answer.locator(".answer")).to_contain_text(sentences[0][:30])
    # Part of the answer is on screen while the rest is still streaming.
    assert answer.get_attribute("aria-busy") == "true"
    assert sentences[2][:30] not in answer.locator(".answer").inner_text()
    expect(page.locator("#stop")).to_be_visible()
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(answer.locator(".answer")).to_contain_text(sentences[2][:30])
    expect(page.locator("#stop")).to_be_hidden()
    expect(answer.locator(".answer .chip")).to_have_count(3)
    expect(answer.locator(".sources li")).to_have_count(2)

    quote = answer.locator(".sources li").first.locator(".source-quote").inner_text()
    answer.locator(".answer .chip").first.click()
    dialog = page.locator("#passage-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#passage-title")).to_contain_text(SEED_TITLE)
    expect(page.locator("#passage-meta")).to_contain_text("2023-10-09")
    expect(page.locator("#passage-meta")).to_contain_text("000_c2bd2ede05638a26.txt")
    mark = page.locator("#passage-text mark")
    expect(mark).to_have_text(quote)
    assert len(quote) > 20

    passage_chars = len(page.locator("#passage-text").inner_text())
    page.click("#passage-full")
    expect(page.locator("#passage-full")).to_have_text("Showing the whole document")
    expect(mark).to_have_text(quote)
    assert len(page.locator("#passage-text").inner_text()) > passage_chars
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    ui.assert_clean()


def test_follow_up_by_keyboard_alone_sends_the_history(ui: Ui) -> None:
    page = ui.page
    standalone = "How many Palestinian prisoners does Qatar want freed?"
    ui.llm.enqueue("Qatar is mediating with Hamas [1].")
    ui.llm.enqueue(standalone)
    ui.llm.enqueue("Qatar wants 36 Palestinian women and children freed [1].")

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "question"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator(".turn.assistant .sources li")).to_have_count(1)
    page.keyboard.type("How many prisoners does it want freed?")
    page.keyboard.press("Enter")
    second = page.locator(".turn.assistant").nth(1)
    expect(second.locator(".answer")).to_contain_text("36 Palestinian")
    expect(second.locator(".searched")).to_have_text(f"Searched for: {standalone}")
    history = ui.llm.requests[-1]["messages"][1:3]
    assert history == [
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": "Qatar is mediating with Hamas."},
    ]

    chip = second.locator(".answer .chip").first
    chip.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#passage-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#passage-dialog")).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('chip')")
    ui.assert_clean()


def test_degraded_not_grounded_and_broken_answers_are_marked(ui: Ui) -> None:
    page = ui.page
    ui.llm.enqueue(status=500)
    ui.ask(QUESTION)
    first = page.locator(".turn.assistant").nth(0)
    expect(first.locator(".flag")).to_contain_text("Degraded")
    expect(first.locator(".answer")).to_contain_text("Qatar")
    expect(first.locator(".meta")).to_contain_text("extractive")

    ui.ask("Who won the 2022 football World Cup final?")
    second = page.locator(".turn.assistant").nth(1)
    expect(second.locator(".flag")).to_have_text("Not found in the documents")
    expect(second.locator(".sources li")).to_have_count(0)

    page.click("#new-chat")  # no history, so no rewriting request reaches the LLM
    expect(page.locator(".turn")).to_have_count(0)
    ui.llm.enqueue("Qatar is mediating with Hamas in Doha [1].", cut_after=2)
    ui.ask(QUESTION)
    third = page.locator(".turn.assistant").last
    expect(third.locator(".flag")).to_have_text("Request failed")
    expect(third.locator(".failure")).to_contain_text("The answer broke off")
    ui.assert_clean()


@pytest.mark.parametrize(("verdict", "grounded"), [("yes", True), ("no", False)])
def test_a_held_answer_shows_as_a_draft_until_its_check_is_done(
    checked_ui: Ui, checked_server: str, verdict: str, grounded: bool
) -> None:
    page = checked_ui.page
    sentences, reply = supported_reply(checked_server)
    checked_ui.llm.enqueue(reply, piece_delay_s=0.1)
    checked_ui.llm.enqueue(verdict, delay_s=1.5)  # the support check
    checked_ui.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    # The model's text appears as it writes it, marked as not yet checked.
    draft = answer.locator(".answer.draft")
    expect(draft).to_contain_text(sentences[0][:30])
    expect(draft.locator(".checking")).to_have_text("Checking the answer against its passages…")
    assert answer.get_attribute("aria-busy") == "true"
    expect(draft).to_contain_text(sentences[2][:30])
    # Then the checked answer (or the refusal) takes its place.
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(answer.locator(".answer.draft")).to_have_count(0)
    expect(answer.locator(".checking")).to_have_count(0)
    if grounded:
        expect(answer.locator(".answer")).to_contain_text(sentences[2][:30])
        expect(answer.locator(".answer .chip")).to_have_count(3)
        expect(answer.locator(".flags")).to_have_text("")
    else:
        expect(answer.locator(".answer")).to_have_text(
            "The documents do not contain an answer to this question."
        )
        expect(answer.locator(".flag")).to_have_text("Not found in the documents")
        expect(answer.locator(".sources li")).to_have_count(0)
    checked_ui.assert_clean()


def test_a_stopped_draft_is_not_left_as_an_answer(checked_ui: Ui) -> None:
    page = checked_ui.page
    checked_ui.llm.enqueue(LONG_REPLY, piece_delay_s=0.2)
    checked_ui.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    expect(answer.locator(".answer.draft")).to_contain_text("Qatar")
    page.click("#stop")
    expect(answer.locator(".flag")).to_have_text("Stopped")
    expect(answer.locator(".answer")).to_have_text("")
    expect(answer.locator(".answer.draft")).to_have_count(0)
    wait_for(lambda: checked_ui.llm.hang_ups > 0, 10)
    assert checked_ui.llm.hang_ups == 1  # the service stopped reading from the model too
    checked_ui.assert_clean()


def test_stop_cancels_a_streaming_answer(ui: Ui) -> None:
    page = ui.page
    ui.llm.enqueue(LONG_REPLY, piece_delay_s=0.2)
    ui.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    expect(answer.locator(".answer")).to_contain_text("Qatar")
    page.click("#stop")
    expect(answer.locator(".flag")).to_have_text("Stopped")
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("#stop")).to_be_hidden()
    stopped_text = answer.locator(".answer").inner_text()
    page.wait_for_timeout(600)
    assert answer.locator(".answer").inner_text() == stopped_text
    wait_for(lambda: ui.llm.hang_ups > 0, 10)
    assert ui.llm.hang_ups == 1  # the service stopped reading from the model too
    ui.assert_clean()


def test_upload_and_delete_a_document(ui: Ui) -> None:
    page = ui.page
    expect(page.locator("#doc-list")).to_contain_text(SEED_TITLE)
    text = "date 2022-12-18\nCup final\nArgentina won the 2022 World Cup final on penalties."
    page.set_input_files(
        "#upload-file", {"name": "cup-final.txt", "mimeType": "text/plain", "buffer": text.encode()}
    )
    page.click("#upload-button")
    progress = page.locator('#upload-progress li[data-file="cup-final.txt"]')
    expect(progress).to_contain_text("created")
    item = page.locator('.doc[data-doc-id="cup-final.txt"]')
    expect(item).to_contain_text("Cup final")
    expect(item).to_contain_text("2022-12-18")

    # Read from the panel: the date is in the meta line, not a raw `date ...` line.
    item.get_by_role("button", name="Read Cup final").click()
    expect(page.locator("#passage-text")).to_contain_text("Argentina won")
    expect(page.locator("#passage-meta")).to_contain_text("Published 2022-12-18")
    expect(page.locator("#passage-text")).not_to_contain_text("date 2022")
    page.keyboard.press("Escape")

    # Markdown with front matter: its title and date are the document's, the block no text.
    notes = "---\ntitle: Cup notes\ndate: 2022-12-19T08:00:00Z\ntags: [cup]\n---\nFans met."
    page.set_input_files(
        "#upload-file", {"name": "notes.md", "mimeType": "text/markdown", "buffer": notes.encode()}
    )
    page.click("#upload-button")
    expect(page.locator('#upload-progress li[data-file="notes.md"]')).to_contain_text("created")
    page.locator('.doc[data-doc-id="notes.md"]').get_by_role(
        "button", name="Read Cup notes"
    ).click()
    expect(page.locator("#passage-meta")).to_contain_text("Published 2022-12-19")
    expect(page.locator("#passage-text")).to_have_text("Fans met.")
    page.keyboard.press("Escape")

    delete = item.get_by_role("button", name="Delete Cup final")
    delete.click()
    expect(delete).to_have_text("Confirm delete")
    delete.click()
    expect(item).to_have_count(0)
    expect(page.locator("#docs-message")).to_contain_text("Deleted")
    ui.assert_clean()


def test_hostile_document_renders_as_text(ui: Ui, server: str) -> None:
    page = ui.page
    page.set_input_files(
        "#upload-file",
        {"name": "hostile.txt", "mimeType": "text/plain", "buffer": HOSTILE_TEXT.encode()},
    )
    page.click("#upload-button")
    expect(page.locator(".doc-title", has_text=HOSTILE_TITLE)).to_be_visible()

    ui.llm.enqueue("The festival draws 4,000 visitors <img src=x onerror=alert(3)> [1].")
    ui.ask("How many visitors does the Zanzibar lighthouse festival draw?")
    answer = page.locator(".turn.assistant").last
    # The server strips markup from model replies (service/grounding/answer_format.py); what is left
    # is rendered as text.
    expect(answer.locator(".answer")).to_contain_text("The festival draws 4,000 visitors")
    expect(answer.locator(".answer")).not_to_contain_text("onerror")
    expect(answer.locator(".source-title")).to_have_text(HOSTILE_TITLE)
    answer.locator(".answer .chip").first.click()
    expect(page.locator("#passage-title")).to_contain_text(HOSTILE_TITLE)
    expect(page.locator("#passage-text")).to_contain_text("<script>alert(2)</script>")
    expect(page.locator("#passage-text")).to_contain_text("<b>lanterns</b>")
    page.wait_for_timeout(300)  # give any injected handler the chance to fire
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 1  # the page's own module script
    assert page.locator("b").count() == 0
    ui.assert_clean()
    httpx.delete(f"{server}/v1/documents/hostile.txt", timeout=30).raise_for_status()


def test_a_web_source_is_a_link_and_no_other_is(ui: Ui, server: str) -> None:
    """A document's source is untrusted: an http(s) address opens in a new tab, anything
    else ("javascript:...") stays text."""
    page = ui.page
    sources = {"web-src": "https://example.org/news/tides", "js-src": "javascript:alert(4)"}
    for doc_id, source in sources.items():
        body = {"id": doc_id, "title": f"Tides {doc_id}", "source": source, "text": "Tides rose."}
        httpx.post(f"{server}/v1/documents", json=body, timeout=60).raise_for_status()
    page.reload()
    for doc_id, source in sources.items():
        page.locator(f'.doc[data-doc-id="{doc_id}"]').get_by_role("button", name="Read").click()
        expect(page.locator("#passage-meta")).to_contain_text(f"Source: {source}")
        link = page.locator("#passage-meta a")
        if source.startswith("https:"):
            expect(link).to_have_attribute("href", source)
            expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
            expect(link).to_have_attribute("target", "_blank")
        else:
            expect(link).to_have_count(0)
        page.keyboard.press("Escape")
        httpx.delete(f"{server}/v1/documents/{doc_id}", timeout=30).raise_for_status()
    ui.assert_clean()


def test_page_has_a_strict_content_security_policy(server: str) -> None:
    policy = httpx.get(server, timeout=30).headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_phone_width(phone: Ui) -> None:
    page = phone.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#docs-panel")).to_be_hidden()
    phone.llm.enqueue("Qatar is mediating with Hamas [1].")
    phone.ask(QUESTION)
    answer = page.locator(".turn.assistant").last
    expect(answer.locator(".sources li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    answer.locator(".answer .chip").first.click()
    box = page.locator("#passage-dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.keyboard.press("Escape")

    page.click("#docs-toggle")
    expect(page.locator("#docs-panel")).to_be_visible()
    expect(page.locator("#question")).to_be_hidden()
    expect(page.locator("#doc-list")).to_contain_text(SEED_TITLE)
    page.click("#docs-toggle")
    expect(page.locator("#docs-toggle")).to_have_text("Documents")
    expect(page.locator("#question")).to_be_visible()
    phone.assert_clean()
