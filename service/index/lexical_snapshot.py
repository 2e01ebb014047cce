"""The lexical index saved to disk at shutdown, so the next start need not rebuild it.

Rebuilding BM25 means reading every chunk back from Chroma and tokenising it
again (about 40 s for 100k chunks on a 2-core machine); reading a snapshot
takes a few seconds. A snapshot records the store's change marker at the time
it was written, and the library uses it only while that marker still holds
(see Library.load). Reading one deletes it: a process that then dies without a
clean shutdown leaves none behind, and the next start rebuilds from the store
and removes whatever that crash left half-written.

Format: one .npz file (no pickles) with the per-slot arrays, the postings of all
terms concatenated, and a JSON member holding the chunk records and the terms.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from service.core.records import ChunkRecord
from service.index.lexical import LexicalState

log = logging.getLogger(__name__)

VERSION = 2  # 2: words in any script are indexed (service.core.text)


@dataclass(frozen=True)
class Snapshot:
    generation: str
    state: LexicalState


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    """Write atomically: a reader sees the old file, the new one or none, never half of one."""
    state = snapshot.state
    terms = list(state.postings)
    sizes = [len(state.postings[t][0]) for t in terms]
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    empty = np.zeros(0, dtype=np.int64)
    slots = np.concatenate([state.postings[t][0] for t in terms] or [empty]).astype(np.int32)
    counts = np.concatenate([state.postings[t][1] for t in terms] or [empty]).astype(np.int32)
    meta = {
        "version": VERSION,
        "generation": snapshot.generation,
        "terms": terms,
        "records": [None if r is None else list(astuple(r)) for r in state.records],
    }
    encoded = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                meta=encoded,
                lengths=state.lengths,
                alive=state.alive,
                offsets=offsets,
                slots=slots,
                counts=counts,
            )
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def take_snapshot(path: Path) -> Snapshot | None:
    """Read the snapshot at `path` and delete the file; None if there is none or it is unusable."""
    if not path.is_file():
        return None
    try:
        return _read(path)
    except Exception:  # a damaged or foreign file: the caller rebuilds from the store
        log.warning("ignoring unreadable lexical snapshot %s", path, exc_info=True)
        return None
    finally:
        path.unlink(missing_ok=True)


def _read(path: Path) -> Snapshot | None:
    with np.load(path, allow_pickle=False) as arrays:
        meta: dict[str, Any] = json.loads(arrays["meta"].tobytes())
        if meta.get("version") != VERSION:
            return None
        offsets, slots, counts = arrays["offsets"], arrays["slots"], arrays["counts"]
        lengths, alive = arrays["lengths"], arrays["alive"]
    slots, counts = slots.astype(np.int64), counts.astype(np.int64)
    postings = {
        term: (slots[offsets[i] : offsets[i + 1]], counts[offsets[i] : offsets[i + 1]])
        for i, term in enumerate(meta["terms"])
    }
    records = [None if row is None else ChunkRecord(*row) for row in meta["records"]]
    if not len(records) == len(lengths) == len(alive):
        raise ValueError("snapshot arrays disagree in length")
    return Snapshot(str(meta["generation"]), LexicalState(records, lengths, alive, postings))
