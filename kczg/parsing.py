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
