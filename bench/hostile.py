"""Hostile uploads (issue 17): /healthz and /v1/ask while 40 hostile files are read.

    .venv/bin/python -m bench.hostile [--pdfs 20] [--htmls 20] [--html big|quadratic]
    .venv/bin/python -m bench.hostile --llm local   # the default answer path, the local model

Starts `python -m service serve` on 127.0.0.1 (a temporary data directory, the
seeds, QA_LLM=none unless `--llm local`, rate limiting off, the default parsing
settings), measures `POST /v1/ask` unloaded (for `--baseline-s`), then fires the
uploads all at once (one connection each, from a process at nice 19:
`--uploader-nice`) while probing `GET /healthz`
and `POST /v1/ask` every 0.2 s until the last upload is answered, and stops the
server with SIGTERM. It prints the upload statuses, median and max of each
probe, the loaded asks against the unloaded ones, and how long the server took to
stop. The target: /healthz within 1 s, /v1/ask within 3 times its unloaded
latency. Exits non-zero when an upload gets a 5xx other than 503 or no answer.

The files: a PDF whose 300 pages share one content stream of 150,000 text
operators (pypdf reads it until the parse deadline, QA_PARSE_TIME_LIMIT_S,
default 20 s: 413), and an HTML page of 8 MB of short paragraphs (pure-Python
parsing for seconds, then 413: over QA_MAX_DOCUMENT_CHARS). `--html quadratic`
sends `<a` * 200,000 instead, markup that was quadratic before lexbor (read in
milliseconds now, 422).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import cast

import httpx

from service.core.config import PROJECT_ROOT
from tests.support.files import hostile_pdf
from tests.support.server_process import ServerProcess

QUESTION = {"question": "Who is mediating the hostage talks?"}
PROBE_EVERY_S = 0.2
File = tuple[str, bytes, str]


def big_html(megabytes: float) -> bytes:
    paragraph = b"<p>The ferry <b>runs</b> hourly &amp; leaves on time.</p>\n"
    count = int(megabytes * 2**20 / len(paragraph))
    return b"<html><body><article>" + paragraph * count + b"</article></body></html>"


class Prober:
    """Sends one request every PROBE_EVERY_S (or as soon as the previous one is answered)."""

    def __init__(self, send: httpx.Client, method: str, path: str, body: object = None) -> None:
        self.client, self.method, self.path, self.body = send, method, path, body
        self.waits: list[float] = []
        self.sent_at: list[float] = []  # seconds after start(), for each of waits
        self._started = 0.0
        self.failures: Counter[str] = Counter()
        self.modes: Counter[str] = Counter()  # the answers' `mode` (llm, extractive, degraded)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> Prober:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> Prober:
        self._stop.set()
        self._thread.join()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                response = self.client.request(self.method, self.path, json=self.body, timeout=60)
                if response.status_code == 200:
                    if self.method == "POST":
                        self.modes[str(response.json().get("mode"))] += 1
                    self.waits.append(time.monotonic() - started)
                    self.sent_at.append(started - self._started)
                else:
                    self.failures[str(response.status_code)] += 1
            except httpx.HTTPError as exc:
                self.failures[type(exc).__name__] += 1
            self._stop.wait(max(0.0, PROBE_EVERY_S - (time.monotonic() - started)))

    def slowest_sent_at(self, count: int) -> list[float]:
        order = sorted(range(len(self.waits)), key=lambda i: self.waits[i])
        return sorted(self.sent_at[i] for i in order[-count:])

    def summary(self) -> str:
        if not self.waits:
            return f"no answer, failures {dict(self.failures)}"
        line = (
            f"n {len(self.waits)}, median {statistics.median(self.waits):.3f} s, "
            f"max {max(self.waits):.3f} s (first {self.waits[0]:.3f} s); slowest sent at "
            + ", ".join(f"{t:.1f} s" for t in self.slowest_sent_at(3))
        )
        line += f", modes {dict(self.modes)}" if self.modes else ""
        return line + (f", failures {dict(self.failures)}" if self.failures else "")


def hostile_files(pdfs: int, htmls: int, html_kind: str, html_mb: float) -> list[File]:
    pdf = ("slow.pdf", hostile_pdf(300, 150_000), "application/pdf")
    markup = big_html(html_mb) if html_kind == "big" else b"<a" * 200_000
    html = ("page.html", markup, "text/html")
    files = [pdf, html] * min(pdfs, htmls)  # interleaved: both kinds get parsing slots
    return files + [pdf] * (pdfs - len(files) // 2) + [html] * (htmls - len(files) // 2)


def upload_all(url: str, args: argparse.Namespace, ready: Queue[object], go: Event) -> None:
    """In a process of its own, at `args.uploader_nice`: an attacker's client runs on its
    own machine, and here its work (40 bodies of up to 8 MB built and sent at once) would
    otherwise take the two cores from the server whose answers are being measured."""
    os.nice(args.uploader_nice)
    files = hostile_files(args.pdfs, args.htmls, args.html, args.html_mb)
    ready.put(len(files))
    go.wait()
    with ThreadPoolExecutor(len(files)) as pool:
        futures = [
            pool.submit(httpx.post, f"{url}/v1/documents", files={"file": f}, timeout=300)
            for f in files
        ]
        ready.put([outcome(f) for f in futures])


def outcome(future: Future[httpx.Response]) -> str:
    try:
        response = future.result()
    except httpx.HTTPError as exc:
        return type(exc).__name__
    code = response.json().get("error", {}).get("code", "") if response.status_code >= 400 else ""
    return f"{response.status_code} {code}".strip()


def spread(waits: list[float], unloaded: float) -> str:
    """The p95 and max of `waits` as multiples of the unloaded median, and the share within x3."""
    within = sum(wait <= 3 * unloaded for wait in waits) / len(waits)
    p95 = _p95(waits)
    return (
        f"p95 x{p95 / unloaded:.1f}, max x{max(waits) / unloaded:.1f}; "
        f"{within:.0%} of {len(waits)} probes within x3"
    )


def like_for_like(loaded: list[float], unloaded: list[float]) -> str:
    """Each of median, p95 and max of the loaded waits over the same of the unloaded ones."""

    def figures(waits: list[float]) -> tuple[float, float, float]:
        return statistics.median(waits), _p95(waits), max(waits)

    ratios = [a / b for a, b in zip(figures(loaded), figures(unloaded), strict=True)]
    return ", ".join(
        f"{name} x{r:.1f}" for name, r in zip(("median", "p95", "max"), ratios, strict=True)
    )


def _p95(waits: list[float]) -> float:
    return statistics.quantiles(waits, n=20)[-1] if len(waits) > 1 else waits[0]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--htmls", type=int, default=20)
    parser.add_argument("--html", choices=["big", "quadratic"], default="big")
    parser.add_argument("--html-mb", type=float, default=8.0)
    parser.add_argument(
        "--uploader-nice",
        type=int,
        default=19,
        help="the uploading process's nice (0: as the server)",
    )
    parser.add_argument(
        "--llm",
        choices=["none", "local"],
        default="none",
        help="the answer path: extractive (none) or the default local model",
    )
    parser.add_argument("--baseline-s", type=float, default=5.0, help="unloaded probing time")
    parser.add_argument("--server-log", type=Path, default=None, help="keep the server's log")
    args = parser.parse_args()
    print(f"before: {uptime()}")
    with tempfile.TemporaryDirectory(prefix="qa-hostile-") as folder:
        root = Path(folder)
        env = {"QA_SEEDS_DIR": str(PROJECT_ROOT / "seeds"), "QA_RATE_LIMIT_PER_MINUTE": "0"}
        log = args.server_log or root / "server.log"
        server = ServerProcess(root / "data", log, QA_LLM=args.llm, **env).start()
        try:
            with httpx.Client(base_url=server.url) as ask_client:
                for _ in range(3):  # warm-up
                    ask_client.post("/v1/ask", json=QUESTION, timeout=60).raise_for_status()
                baseline = Prober(ask_client, "POST", "/v1/ask", QUESTION).start()
                time.sleep(args.baseline_s)
                baseline.stop()
            with (
                httpx.Client(base_url=server.url) as health_client,
                httpx.Client(base_url=server.url) as ask_client,
            ):
                spawn = multiprocessing.get_context("spawn")
                ready: Queue[object] = spawn.Queue()
                go = spawn.Event()
                uploader = spawn.Process(target=upload_all, args=(server.url, args, ready, go))
                uploader.start()
                ready.get(timeout=120)
                started = time.monotonic()
                go.set()
                health = Prober(health_client, "GET", "/healthz").start()
                asks = Prober(ask_client, "POST", "/v1/ask", QUESTION).start()
                outcomes = cast(list[str], ready.get(timeout=600))
                took = time.monotonic() - started
                uploader.join()
                health.stop()
                asks.stop()
        finally:
            assert server.process is not None
            stopping = time.monotonic()
            server.stop()
            stop_s = time.monotonic() - stopping
    print(f"after: {uptime()}")
    statuses = Counter(outcomes)
    kinds = f"{args.pdfs} PDF, {args.htmls} HTML {args.html}"
    print(
        f"uploads: {len(outcomes)} ({kinds}) in {took:.1f} s, uploader at nice {args.uploader_nice}"
    )
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"ask unloaded: {baseline.summary()}")
    print(f"healthz loaded: {health.summary()}")
    print(f"ask loaded: {asks.summary()}")
    if baseline.waits and asks.waits:
        unloaded = statistics.median(baseline.waits)
        loaded = statistics.median(asks.waits)
        ratio = f"median x{loaded / unloaded:.1f}, {spread(asks.waits, unloaded)}"
        print(f"ask loaded / unloaded median: {ratio}")
        # The noise floor: how the unloaded probes themselves spread around their median.
        print(f"ask unloaded / unloaded median: {spread(baseline.waits, unloaded)}")
        print(f"ask loaded / unloaded, like for like: {like_for_like(asks.waits, baseline.waits)}")
    print(f"server stopped {stop_s:.1f} s after SIGTERM")
    bad = [s for s in statuses if not s[:1].isdigit() or (s[0] == "5" and not s.startswith("503"))]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
