"""A real service process on loopback for benchmarks, and latency statistics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServiceProcess:
    def __init__(self, data: Path, synthetic: bool, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "bench.serve", "--data", str(data)]
        command += ["--port", str(self.port)] + (["--synthetic"] if synthetic else [])
        started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_s = self._wait_ready(started)

    def _wait_ready(self, started: float, limit_s: float = 900) -> float:
        while time.perf_counter() - started < limit_s:
            if self.process.poll() is not None:
                raise RuntimeError("the service process exited during start-up")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError("the service did not become ready")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    values = np.asarray(samples_ms)
    return {
        "n": len(samples_ms),
        "p50": round(float(np.percentile(values, 50)), 2),
        "p95": round(float(np.percentile(values, 95)), 2),
        "p99": round(float(np.percentile(values, 99)), 2),
    }


def time_requests(url: str, path: str, bodies: list[dict[str, Any]]) -> dict[str, float]:
    samples = []
    with httpx.Client(timeout=60) as client:
        client.post(url + path, json=bodies[0])  # warm-up
        for body in bodies:
            started = time.perf_counter()
            response = client.post(url + path, json=body)
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return percentiles(samples)
