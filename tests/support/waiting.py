"""Waiting for something another thread or process does, within a limit."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], limit_s: float) -> None:
    """Until `condition` holds or `limit_s` has passed (the assertion after it decides)."""
    deadline = time.monotonic() + limit_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
