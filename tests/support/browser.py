"""Driving Debian's Chromium with Playwright: launch it, open the chat page, watch for trouble."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.scripted_llm import ScriptedLLM

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch_chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield browser
        browser.close()


@dataclass
class Ui:
    """A page on the chat, with everything it reported that a test must not ignore."""

    page: Page
    llm: ScriptedLLM
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ask(self, question: str) -> None:
        self.page.fill("#question", question)
        self.page.press("#question", "Enter")

    def assert_clean(self) -> None:
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"
        assert self.errors == [], f"the page reported errors: {self.errors}"


def open_ui(
    browser: Browser,
    url: str,
    llm: ScriptedLLM,
    width: int,
    height: int,
    ready: str = "scripted-model",  # what the header says once the page has reached the service
) -> Iterator[Ui]:
    llm.replies.clear()
    llm.requests.clear()
    llm.hang_ups = 0
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    ui = Ui(page, llm)
    page.on("dialog", lambda dialog: (ui.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: ui.errors.append(str(error)))
    page.on(
        "console",
        lambda message: ui.errors.append(message.text) if message.type == "error" else None,
    )
    page.goto(url)
    expect(page.locator("#service-status")).to_contain_text(ready)
    yield ui
    context.close()
