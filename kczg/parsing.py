"""Reading what a browser sent: whole numbers, dates and text, the same way everywhere.

`str.isdigit()` is true for "²" and "٣", which `int()` then refuses, and `int()` takes numbers
of any size; a date in year 1 overflows when moved to UTC. These helpers answer None for
anything that is not what a form field means, so views can say so in Chinese instead of
failing.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

_INT = re.compile(r"-?[0-9]{1,12}")
# control characters but tab, line feed and carriage return; bidi overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def parse_int(value, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """An integer written in ASCII digits (an optional minus), within the bounds, or None."""
    text = (value if isinstance(value, str) else "").strip()
    if not _INT.fullmatch(text):
        return None
    number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def parse_score(value) -> int | None:
    """A score 0–100 as an expert types it, on a phone too: full-width digits (a Chinese
    keyboard's "９０") read as ASCII; anything else None."""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else "").strip()
    return parse_int(text, 0, 100)


def parse_datetime(value, fmt: str = "%Y-%m-%dT%H:%M", first_year: int = 2000,
                   last_year: int = 2100) -> datetime | None:
    """A date and time in `fmt` between the years given, or None."""
    text = (value if isinstance(value, str) else "").strip()
    if not text.isascii() or len(text) > 40:
        return None
    try:
        parsed = datetime.strptime(text, fmt)
    except ValueError:
        return None
    return parsed if first_year <= parsed.year <= last_year else None


_AMOUNT = re.compile(r"([-+]?[0-9]+(?:\.[0-9]+)?)\s*(亿元|万元|元|亿|万|%|％|人|个|项|家|名)?")
_SCALE = {"亿元": 10**8, "亿": 10**8, "万元": 10**4, "万": 10**4, "元": 1}


def parse_amount(text, unit: str = "", whole: bool = False) -> tuple[str | None, str]:
    """A number as a person writes it in a document ("1,800", "1800万元", "1.8亿元", "35%"),
    in the field's `unit` (万元, 亿元, %, or "" for a count): (the number as text, "") or
    (None, why not, in Chinese). Money in another unit of 元 is converted; a count must be
    whole when `whole`."""
    raw = (text if isinstance(text, str) else "").strip()
    compact = re.sub(r"[\s,，'＇]", "", unicodedata.normalize("NFKC", raw))
    m = _AMOUNT.fullmatch(compact)
    if not raw:
        return None, "没有填写"
    if not m:
        return None, f"“{raw[:40]}”不是数字" + (f"（请填写以{unit}为单位的数字）" if unit else "")
    number, written = Decimal(m.group(1)), m.group(2) or ""
    if written in _SCALE:
        if unit not in _SCALE:
            return None, f"“{raw[:40]}”带有金额单位，本项不是金额"
        number = number * _SCALE[written] / _SCALE[unit]
    elif written in ("%", "％") and unit not in ("%", "％"):
        return None, f"“{raw[:40]}”是百分数，本项不是百分比"
    if whole and number != number.to_integral_value():
        return None, f"“{raw[:40]}”不是整数"
    shown = format(number.normalize(), "f")
    return shown, ""


def clean_text(value, max_chars: int | None = None) -> str:
    """Text without NUL, other control characters and direction overrides, at most
    `max_chars` long."""
    text = _UNSAFE.sub("", value if isinstance(value, str) else "")
    return text[:max_chars] if max_chars is not None else text


def clean_filename(name: str, max_chars: int = 120) -> str:
    """A file name to show and to offer for download: no path, no control or direction
    characters, never empty."""
    name = unicodedata.normalize("NFC", clean_text(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    if len(name) > max_chars:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_chars - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 \
            else name[:max_chars]
    return name or "文件"


class CleanMultiDict(ImmutableMultiDict):
    """Query strings and form fields without NUL characters (PostgreSQL refuses them in text,
    and no form means one); uploaded files are left alone."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        super().__init__([(_no_nul(k), _no_nul(v)) for k, v in iter_multi_items(mapping)])


def _no_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class Request(FlaskRequest):
    parameter_storage_class = CleanMultiDict
