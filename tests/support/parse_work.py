"""Work for the parsing pool's tests: module-level, so that it pickles to a worker process."""

from __future__ import annotations

import os
import time
from pathlib import Path

from service.ingest.parsing_pool import Deadline


def cooperative(pid_file: Path, deadline: Deadline) -> None:
    """Writes the worker's pid, then loops checking its deadline (as the parsers do)."""
    pid_file.write_text(str(os.getpid()))
    while True:
        deadline.check("slow file")
        time.sleep(0.01)


def stubborn(pid_file: Path, deadline: Deadline) -> None:
    """Never checks its deadline: only killing the worker stops it."""
    pid_file.write_text(str(os.getpid()))
    time.sleep(600)


def crash(deadline: Deadline) -> None:
    os._exit(3)


def pid(deadline: Deadline) -> int:
    return os.getpid()
