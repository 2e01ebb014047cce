"""Write a folder of small generated news-like documents, for timing bulk ingestion.

    python bench/generate_docs.py /tmp/docs10k --count 10000
    time python -m service ingest /tmp/docs10k -q   # first run: embeds everything
    time python -m service ingest /tmp/docs10k -q   # second run: embeds nothing

Each document is a .txt file with a `date` header and 3-6 sentences (about
60-120 words, one chunk), spread over 100 subfolders. The same seed writes the
same folder, so a second run over it finds every document unchanged.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

PLACES = ["Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Quebec", "Tbilisi", "Perth", "Accra"]
SUBJECTS = [
    "The city council", "The port authority", "A local school", "The rail operator",
    "The hospital board", "A fishing cooperative", "The weather service", "The museum",
]  # fmt: skip
VERBS = ["announced", "postponed", "approved", "reported", "criticised", "celebrated", "reviewed"]
OBJECTS = [
    "a new budget", "repairs to the old bridge", "longer opening hours", "a water shortage",
    "record visitor numbers", "a strike by drivers", "plans for a solar farm", "flood defences",
]  # fmt: skip
DETAILS = [
    "Officials expect the work to take {n} weeks.",
    "About {n} residents attended the meeting.",
    "The cost is estimated at {n} million.",
    "Critics said {n} jobs were at risk.",
    "A spokesperson said a decision would follow within {n} days.",
]


def document(rng: random.Random, index: int) -> str:
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    place = rng.choice(PLACES)
    lines = [f"date {day.isoformat()}", f"# {place} bulletin {index}", ""]
    sentences = [
        f"{rng.choice(SUBJECTS)} in {place} {rng.choice(VERBS)} {rng.choice(OBJECTS)} on "
        f"{day.strftime('%A')}."
    ]
    for _ in range(rng.randint(2, 5)):
        sentences.append(rng.choice(DETAILS).format(n=rng.randint(2, 900)))
    lines.append(" ".join(sentences))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        target = args.folder / f"part{i % 100:02d}" / f"doc{i:05d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document(rng, i), encoding="utf-8")
    print(f"wrote {args.count} documents under {args.folder}")


if __name__ == "__main__":
    main()
