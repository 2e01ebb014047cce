"""Runs llama.cpp's OpenAI-compatible server (`llama_cpp.server`) as a supervised child.

The service talks to it through the `openai` client like to any other endpoint. The child
runs in its own process group on 127.0.0.1 at a free port chosen once (a restart keeps the
port, so the client's URL stays valid). A supervisor thread owns the process: it starts it,
waits until `/v1/models` answers, restarts it with backoff if it dies, and stops it (SIGTERM,
then SIGKILL) when the service closes or the interpreter exits. On Linux the child also gets
SIGKILL if the supervisor thread's process dies, so a killed service leaves no model behind.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_STOP_GRACE_S = 5.0
_HEALTHY_FOR_RESET_S = 60.0  # up this long after a restart: the backoff starts over


# How many turns of a wait loop llama.cpp's OpenMP threads spin at a barrier before they
# sleep (GOMP_SPINCOUNT; libgomp reckons ~100,000 turns a millisecond). Sleeping at once
# (OMP_WAIT_POLICY=PASSIVE, the setting before) slows every generated token on a quiet
# machine; spinning long (libgomp's 300,000) takes the cores from the other model server or
# any other busy process. Chosen by bench/llm_latency.py: bench/README.md, "How long the
# model's threads spin".
OPENMP_SPIN_TURNS = 1_000


def server_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The model server's environment: the service's, with a short OpenMP spin unless the
    operator set GOMP_SPINCOUNT (which libgomp lets override OMP_WAIT_POLICY)."""
    return {"GOMP_SPINCOUNT": str(OPENMP_SPIN_TURNS), **environ}


class LocalServerError(RuntimeError):
    """The local model server could not be started (or did not become healthy in time)."""


@dataclass(frozen=True)
class ServerSpec:
    model_path: Path
    model_alias: str  # the name the server reports, and the one the service shows
    threads: int
    ctx: int
    log_path: Path
    startup_timeout_s: float = 120.0
    host: str = "127.0.0.1"

    def command(self, port: int) -> list[str]:
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.model_alias,
            "--host", self.host,
            "--port", str(port),
            "--n_threads", str(self.threads),
            "--n_threads_batch", str(self.threads),
            "--n_ctx", str(self.ctx),
            # Logits for the last token only (its default keeps them for every prompt token,
            # for logprobs): a 490-token prompt reads in 10.5 s instead of 13.6 s on 2 cores,
            # and the process needs ~0.7 GB less. The support check reads the reply instead.
            "--logits_all", "False",
            # A new request must not cut off a running one (the queue in front decides).
            "--interrupt_requests", "False",
            "--verbose", "False",  # no per-request timings in the log; errors still show
            # Its SSE pings would keep a stream with no token yet alive past the client's read
            # timeout (QA_LLM_TIMEOUT_S), so a prompt that takes too long would never time out.
            "--disable_ping_events", "True",
            # No --chat_format: llama-cpp-python then applies the GGUF's own chat template.
        ]  # fmt: skip


class LocalModelServer:
    def __init__(
        self,
        spec: ServerSpec,
        backoff_s: tuple[float, float] = (1.0, 30.0),
        poll_s: float = 0.2,
    ) -> None:
        self.spec = spec
        self.port = _free_port(spec.host)
        self.restarts = 0
        self.startup_s: float | None = None  # the last start's time to healthy
        self._backoff = backoff_s
        self._poll_s = poll_s
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._first_start = threading.Event()
        self._start_error: LocalServerError | None = None
        self._thread: threading.Thread | None = None
        self._process_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://{self.spec.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> LocalModelServer:
        """Start the server and wait until it answers; raise LocalServerError if it does not."""
        self.spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.spec.log_path.write_bytes(b"")
        self._thread = threading.Thread(target=self._supervise, name="llm-supervisor", daemon=True)
        self._thread.start()
        atexit.register(self.stop)
        self._first_start.wait()
        if self._start_error is not None:
            self.stop()
            raise self._start_error
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._terminate()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=_STOP_GRACE_S + 5)
        atexit.unregister(self.stop)

    def healthy(self, timeout_s: float = 1.0) -> bool:
        try:
            return httpx.get(f"{self.base_url}/models", timeout=timeout_s).status_code == 200
        except httpx.HTTPError:
            return False

    def _supervise(self) -> None:
        """The thread that owns the child: the first start, then restart whenever it dies."""
        try:
            self._launch()
        except LocalServerError as error:
            self._start_error = error
            self._first_start.set()
            return
        self._first_start.set()
        delay = self._backoff[0]
        up_since = time.monotonic()
        while not self._stopping.is_set():
            process = self._process
            if process is not None and process.poll() is None:
                self._stopping.wait(self._poll_s)
                continue
            if time.monotonic() - up_since > _HEALTHY_FOR_RESET_S:
                delay = self._backoff[0]  # it had been running well: not a crash loop
            code = process.returncode if process is not None else None
            log.warning(
                "local model server exited (code %s); restarting in %.1f s. Log tail:\n%s",
                code, delay, self._log_tail(),
            )  # fmt: skip
            if self._stopping.wait(delay):
                break
            try:
                self._launch()
                self.restarts += 1
                log.info("local model server restarted in %.1f s", self.startup_s or 0.0)
            except LocalServerError as error:
                log.error("local model server restart failed: %s", error)
            up_since = time.monotonic()
            delay = min(delay * 2, self._backoff[1])

    def _launch(self) -> None:
        started = time.perf_counter()
        with self._process_lock:
            if self._stopping.is_set():
                return
            with self.spec.log_path.open("ab") as log_file:
                self._process = subprocess.Popen(
                    self.spec.command(self.port),
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stopped as one
                    preexec_fn=_die_with_parent(),
                    env=server_environment(os.environ),
                )
        deadline = time.monotonic() + self.spec.startup_timeout_s
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self._process.poll() is not None:
                raise LocalServerError(
                    f"the local model server exited with code {self._process.returncode} "
                    f"while starting; its log ({self.spec.log_path}) ends:\n{self._log_tail()}"
                )
            if self.healthy():
                self.startup_s = time.perf_counter() - started
                return
            time.sleep(self._poll_s)
        self._terminate()
        if self._stopping.is_set():
            return
        raise LocalServerError(
            f"the local model server did not answer within {self.spec.startup_timeout_s:g} s; "
            f"its log ({self.spec.log_path}) ends:\n{self._log_tail()}"
        )

    def _terminate(self) -> None:
        with self._process_lock:
            process = self._process
            if process is None or process.poll() is not None:
                return
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=_STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.spec.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # already gone


def _die_with_parent() -> Callable[[], None] | None:
    """Linux: have the kernel SIGKILL the child when the thread that started it dies."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    prctl = libc.prctl

    def set_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))

    return set_death_signal
