"""A one-line progress bar for bulk ingestion: files, documents, chunks, chunks/s, ETA."""

from __future__ import annotations

import time
from typing import TextIO

from service.ingest.bulk import BulkStats

WIDTH = 24


class ProgressBar:
    """Redrawn in place on a terminal; on a pipe or file, one line every `log_every_s`."""

    def __init__(
        self,
        stream: TextIO,
        total_files: int,
        stats: BulkStats,
        *,
        redraw_every_s: float = 0.2,
        log_every_s: float = 5.0,
    ) -> None:
        self._stream = stream
        self._total = total_files
        self._stats = stats
        self._tty = stream.isatty()
        self._every = redraw_every_s if self._tty else log_every_s
        self._last = 0.0
        self.files_done = 0

    def advance_file(self) -> None:
        self.files_done += 1
        self.draw()

    def draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self._every:
            return
        self._last = now
        self._stream.write(("\r" if self._tty else "") + self.line() + ("" if self._tty else "\n"))
        self._stream.flush()

    def print_above(self, text: str, out: TextIO) -> None:
        """Print a line to `out` without tearing the bar when both share a terminal."""
        if self._tty:
            self._stream.write("\r\033[K")
            self._stream.flush()
        print(text, file=out, flush=self._tty)
        if self._tty:
            self.draw(force=True)

    def finish(self) -> None:
        self.draw(force=True)
        if self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def line(self) -> str:
        stats = self._stats
        fraction = self.files_done / self._total if self._total else 1.0
        filled = round(WIDTH * fraction)
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.files_done}/{self._total} files"
            f"  {stats.documents} docs  {stats.chunks} chunks"
            f"  {stats.chunks_per_s:.1f} chunks/s  ETA {format_eta(self.eta_s())}"
        )

    def eta_s(self) -> float | None:
        if not self.files_done:
            return None
        remaining = self._total - self.files_done
        return self._stats.elapsed_s / self.files_done * remaining


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
