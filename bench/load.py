"""The full load run: 100 concurrent clients mixing ask, search and ingest for 60 s
against a real uvicorn server on 127.0.0.1 (a fresh data directory, the seeds).

    .venv/bin/python -m bench.load [--seconds 60] [--clients 100]

Prints requests, statuses, errors, latency percentiles, acknowledged ingests
missing afterwards, and the server's RSS after warm-up, half-way and at the end.
Exits non-zero on any 5xx, transport error or missing document.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from service.core.config import PROJECT_ROOT
from tests.support.load_mix import LoadReport, missing_documents, run_load
from tests.support.server_process import ServerProcess


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--server-log", type=Path, default=None, help="keep the server's log")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as folder:
        root = Path(folder)
        env = {"QA_SEEDS_DIR": str(PROJECT_ROOT / "seeds"), "QA_RATE_LIMIT_PER_MINUTE": "0"}
        log = args.server_log or root / "server.log"
        server = ServerProcess(root / "data", log, QA_LOG_LEVEL="INFO", **env).start()
        try:
            asyncio.run(run_load(server.url, clients=args.clients, seconds=3, seed=1))
            rss = [server.rss_bytes()]
            halves = []
            for seed in (7, 8):  # two halves, to see whether memory keeps growing
                half = run_load(server.url, args.clients, args.seconds / 2, seed)
                halves.append(asyncio.run(half))
                rss.append(server.rss_bytes())
            report = merge(halves)
            missing = missing_documents(server.url, report)
        finally:
            server.stop()
    print(f"clients {args.clients}, seconds {args.seconds:.0f}, requests {report.requests}")
    print(f"statuses {dict(sorted(report.statuses.items()))}")
    print(
        f"5xx {report.server_errors}, failed without response {report.transport_errors}, "
        f"retried after no response {report.retries}"
    )
    for kind, count in report.error_kinds.items():
        print(f"  {count} x {kind}")
    print(
        f"latency p50 {report.percentile(0.5):.2f} s, p90 {report.percentile(0.9):.2f} s, "
        f"p99 {report.percentile(0.99):.2f} s"
    )
    print(f"ingests acknowledged {len(report.acknowledged)}, missing afterwards {len(missing)}")
    print("RSS MiB (after warm-up, half-way, end): " + ", ".join(f"{r / 2**20:.0f}" for r in rss))
    failed = report.server_errors or report.transport_errors or missing
    return 1 if failed else 0


def merge(reports: list[LoadReport]) -> LoadReport:
    merged = LoadReport()
    for report in reports:
        merged.requests += report.requests
        merged.statuses.update(report.statuses)
        merged.transport_errors += report.transport_errors
        merged.retries += report.retries
        merged.error_kinds.update(report.error_kinds)
        merged.acknowledged.update(report.acknowledged)
        merged.latencies += report.latencies
    return merged


if __name__ == "__main__":
    sys.exit(main())
