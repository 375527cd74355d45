"""Verification codes and QR codes printed on every document."""
from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
import unicodedata

import segno

# Crockford-like alphabet: no 0/O, 1/I/L, so a code read off paper is typed back right
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAGE_CODE = re.compile(rf"([{ALPHABET}]{{12}})(\d{{1,3}})([{ALPHABET}]{{4}})")


def new_code() -> str:
    return _hyphenated("".join(secrets.choice(ALPHABET) for _ in range(12)))


def _typed(code: str) -> str:
    """What was typed off paper, letters and digits only: any case, with or without hyphens
    or spaces (full-width ones included)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "").upper() if ch.isalnum())


def _hyphenated(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    """A code as typed off paper -> ABCD-EFGH-JKMN."""
    raw = _typed(code)
    return _hyphenated(raw) if len(raw) == 12 else raw[:20]


def page_text(text: str) -> str:
    """A page's text as it is compared: no whitespace, full-width forms folded (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def page_digest(text: str) -> str:
    """Four characters of the alphabet above from the SHA-256 of a page's text."""
    number = int.from_bytes(hashlib.sha256(page_text(text).encode()).digest()[:4], "big")
    out = ""
    for _ in range(4):
        number, digit = divmod(number, len(ALPHABET))
        out += ALPHABET[digit]
    return out


def page_code(code: str, number: int, text: str) -> str:
    """The code printed on one page: the document's, the page number, the page's digest."""
    return f"{code}-{number}-{page_digest(text)}"


def parse_page_code(typed: str) -> tuple[str, int, str] | None:
    """(document code, page number, digest) of a page code as typed off paper, or None."""
    m = PAGE_CODE.fullmatch(_typed(typed))
    return (_hyphenated(m.group(1)), int(m.group(2)), m.group(3)) if m else None


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def qr_data_uri(url: str) -> str:
    """The QR as a PNG of one pixel per module (about 300 bytes), for a PDF: print.css draws it
    without interpolation (image-rendering: pixelated), so its edges print as sharp as a vector
    drawing, and it costs a PDF neither the SVG's path nor its drawing time."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()
