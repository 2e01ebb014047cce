"""Regenerate the chat page screenshots in docs/ (desktop and phone width).

    .venv/bin/python docs/screenshots.py      # or: make screenshots

Starts the service (`python -m service serve`, seeds only, no LLM) on a free
loopback port with a temporary data dir, asks the seed questions in Debian's
Chromium and saves PNGs next to this file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

DOCS = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTIONS = ["Which country is mediating with Hamas?", "How many prisoners does it want freed?"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_service(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_"))}
    env.update(QA_DATA_DIR=data_dir, QA_HOST="127.0.0.1", QA_PORT=str(port))
    return subprocess.Popen([sys.executable, "-m", "service", "serve"], cwd=DOCS.parent, env=env)


def wait_ready(url: str, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the service did not become ready")


def converse(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#service-status")).to_contain_text("passages")
    for i, question in enumerate(QUESTIONS):
        page.fill("#question", question)
        page.press("#question", "Enter")
        answer = page.locator(".turn.assistant").nth(i)
        expect(answer.locator(".sources li").first).to_be_visible(timeout=60_000)
    page.locator("#question").blur()


def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        service = start_service(data_dir, port)
        try:
            wait_ready(url)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                desktop = browser.new_page(viewport={"width": 1280, "height": 800})
                converse(desktop, url)
                desktop.screenshot(path=DOCS / "chat-desktop.png")
                desktop.locator(".turn.assistant .answer .chip").first.click()
                expect(desktop.locator("#passage-text mark")).to_be_visible()
                desktop.screenshot(path=DOCS / "chat-passage.png")
                phone = browser.new_page(viewport={"width": 390, "height": 844})
                converse(phone, url)
                phone.screenshot(path=DOCS / "chat-phone.png")
                browser.close()
        finally:
            service.terminate()
            service.wait(timeout=30)
    print("wrote", ", ".join(f"docs/chat-{n}.png" for n in ("desktop", "passage", "phone")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
