"""A number of an Excel cell written as the sheet shows it, by its number format.

A workbook stores every number, date and time as a number; its style's number format
(a built-in id, or a format code such as `#,##0.00 "€"` or `d mmm yyyy`) says how it is
shown. A date or time is written out in words ("4 March 2026", "14:30", as a dated
news text writes it, so a question's "March 4" meets it); a percentage, a currency
symbol, decimals and thousands separators as the code asks; any other code (General
among them) shortest, as Excel shows it ("0.3", not "0.30000000000000004").
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal

# Excel's built-in number formats that are not General (ECMA-376, 18.8.30); 27-36 and
# 50-58, dates of particular locales, are read as dates.
BUILT_IN = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    14: "yyyy-mm-dd",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "yyyy-mm-dd h:mm",
    37: "#,##0 ;(#,##0)",
    38: "#,##0 ;(#,##0)",
    39: "#,##0.00;(#,##0.00)",
    40: "#,##0.00;(#,##0.00)",
    45: "mm:ss",
    46: "h:mm:ss",
    47: "mm:ss",
    **{n: "yyyy-mm-dd" for n in (*range(27, 37), *range(50, 59))},
}
_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.')  # quoted text, an escaped, padding or fill char
_BRACKET = re.compile(r"\[[^\]]*\]")
_CURRENCY_TAG = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")  # [$€-407]: "€"
_TOKEN = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]|[0#?.,]+|.')
_DIGITS = re.compile(r"[0#?.,]*[0#?][0#?.,]*")
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # serial 0 with Excel's 1900 leap-year slip
_MAC_EPOCH = datetime.datetime(1904, 1, 1)
_MONTHS = "January February March April May June July August September October November December"


def format_code(num_fmt_id: int, custom: dict[int, str]) -> str:
    """The format code of a style's number format id ("General" for an unknown one)."""
    return custom.get(num_fmt_id) or BUILT_IN.get(num_fmt_id, "General")


def shown(value: str, code: str, date1904: bool = False) -> str:
    """The number `value` (as stored) as a cell of format `code` shows it."""
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    section = code.split(";")[0]
    plain = _BRACKET.sub("", _LITERAL.sub("", section)).lower()
    if "general" not in plain and re.search(r"[dmyhs]", plain):
        return _date_or_time(number, plain, date1904) or _general(number)
    if "0" not in plain and "#" not in plain or "e" in plain:  # General, text, scientific
        return _general(number)
    prefix, suffix = _affixes(section)
    figure = _fixed(number * 100 if "%" in plain else number, plain)
    return f"{prefix}{figure}{suffix}".strip()


def _general(number: float) -> str:
    return f"{number:.15g}" if abs(number) >= 1e-9 else "0"


def _fixed(number: float, plain: str) -> str:
    """`number` with as many decimals as the code's digits after its point, rounded half
    up as Excel rounds, grouped in thousands where the code has a comma among its digits."""
    places = len(re.findall(r"[0#?]", plain.split(".", 1)[1])) if "." in plain else 0
    grouped = "," in plain.split(".", 1)[0].strip(",")
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded:,f}" if grouped else f"{rounded:f}"


def _affixes(section: str) -> tuple[str, str]:
    """The text a format code shows before its first digit and after its last: quoted
    text, escaped characters, currency symbols (`[$€-407]` shows "€"), the percent sign."""
    shown_text: list[str | None] = []  # None marks a run of digit placeholders
    for token in _TOKEN.findall(section):
        if _DIGITS.fullmatch(token):
            shown_text.append(None)
        elif token.startswith('"'):
            shown_text.append(token.strip('"'))
        elif token.startswith("\\"):
            shown_text.append(token[1:])
        elif token.startswith("["):
            tag = _CURRENCY_TAG.fullmatch(token)
            shown_text.append(tag.group(1) if tag else "")
        elif token[0] not in "_*":  # _x: a space as wide as x; *x: a fill; neither shown
            shown_text.append(token)
    digits = [i for i, text in enumerate(shown_text) if text is None]
    if not digits:
        return "", ""
    prefix = "".join(t for t in shown_text[: digits[0]] if t)
    suffix = "".join(t for t in shown_text[digits[-1] + 1 :] if t)
    return prefix, suffix


def _date_or_time(number: float, plain: str, date1904: bool) -> str | None:
    epoch = _MAC_EPOCH if date1904 else _EXCEL_EPOCH
    try:
        moment = epoch + datetime.timedelta(days=number)
    except OverflowError:
        return None
    moment = (moment + datetime.timedelta(milliseconds=500)).replace(microsecond=0)
    has_time = bool(re.search(r"[hs]", plain))
    has_day = bool(re.search(r"[dy]", plain)) or ("m" in plain and not has_time)
    parts = []
    if has_day:
        month = _MONTHS.split()[moment.month - 1]
        day = f"{moment.day} " if "d" in plain or "y" not in plain else ""
        year = f" {moment.year}" if "y" in plain or "d" not in plain else ""
        parts.append(f"{day}{month}{year}")
    if has_time:
        seconds = f":{moment.second:02d}" if "s" in plain else ""
        parts.append(f"{moment.hour:02d}:{moment.minute:02d}{seconds}")
    return " ".join(parts)
