"""Dates: a document's date as given (ISO), and a date as a page writes it out."""

from __future__ import annotations

import re
from datetime import date, datetime

from service.core.errors import InvalidInput

# The months' names as a text writes them, in lower case: written out or cut short.
MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

# An ISO 8601 date, or a date and time ("2026-03-04T09:30:00Z", as feeds and news APIs give
# publication times): the date is kept as written, whatever the time zone.
_ISO_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}.*)?")


def parse_date(value: str) -> str:
    """The date (YYYY-MM-DD) of an ISO date or date-time; InvalidInput for anything else."""
    match = _ISO_DATE_TIME.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        if match.group(0) != match.group(1):
            datetime.fromisoformat(match.group(0))  # the time must be valid too
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError as exc:
        raise InvalidInput(
            f"invalid date {value[:100]!r}: expected YYYY-MM-DD (or an ISO 8601 date and time)"
        ) from exc


def date_number(iso_date: str | None) -> int:
    """YYYYMMDD as an int (0 when unknown), so the vector store can range-filter dates."""
    return int(iso_date.replace("-", "")) if iso_date else 0


# A time of day with a dateline's date ("Updated 3:45 p.m. ET Nov. 12, 2026", "March 10,
# 2026 at 09:30 GMT"): not part of the date.
_TIME = re.compile(
    r"(?:\bat\s+)?\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?(?:\s+[A-Z]{2,4}\b)?",
    re.IGNORECASE,
)
_DATE_FORMATS = tuple(
    weekday + day
    for weekday in ("", "%A, ", "%a, ", "%A ", "%a ")
    for day in ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%b %d %Y", "%d %b %Y")
) + ("%Y-%m-%d", "%Y/%m/%d")


def written_date(value: str) -> str | None:
    """The ISO date of a date written out ("March 10, 2026", "Tue 10 Mar 2026", "2026/03/10"),
    perhaps with a time of day."""
    value = " ".join(_TIME.sub(" ", value).replace(".", " ").split())
    value = re.sub(r"\s+,", ",", value).strip(" ,")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return None
