"""Line layout of a 公文 body after GB/T 9704-2012, done here rather than by the renderer.

WeasyPrint justifies only at spaces, and Chinese has none, so a browser-style layout leaves lines
ragged wherever a punctuation mark may not start a line. We break the letter's paragraphs into
lines of 28 characters ourselves (with the usual 禁则: no closing punctuation at a line's start,
no opening one at its end), then spread each full line over the whole text block with a little
letter-spacing. Widths come from the body face's own metrics (FandolFang); the same breaks serve
the PDF, and the title's breaks serve the DOCX too, so both copies read alike.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

from . import fonts

# GB/T 9704-2012 7.1 / 5.2.2: text block 156 × 225 mm, 3号 (16 pt) body, 28 characters a line,
# 22 lines a page.
MM = 72 / 25.4
BLOCK_WIDTH_MM = 156.0
BLOCK_HEIGHT_MM = 225.0
BODY_PT = 16.0
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
BLOCK_WIDTH_PT = BLOCK_WIDTH_MM * MM
# a hair under 225/22 mm so that 22 lines always fit the block, whatever rounding the renderer does
LINE_PT = round(BLOCK_HEIGHT_MM * MM / LINES_PER_PAGE - 0.04, 2)
BLOCK_WIDTH_EM = BLOCK_WIDTH_PT / BODY_PT   # 27.6 em: 28 characters need a little squeezing
TITLE_PT = 22.0                              # 2号
TITLE_MAX_EM = int(BLOCK_WIDTH_PT / TITLE_PT)  # 20 characters at most on a title line

NO_START = set("，。、；：？！”’）》」』〕】〉…—％‰·．,.;:?!)]}%")  # may not begin a line
NO_END = set("“‘（《「『〔【〈([{")                               # may not end a line


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


@functools.lru_cache(maxsize=1)
def _advances() -> dict[int, float] | None:
    """The body face's advance widths in em, by code point; None when it is not installed."""
    path = None
    if shutil.which("fc-match"):
        path = subprocess.run(["fc-match", "-f", "%{file}", fonts.BODY.pdf[0]],
                              capture_output=True, text=True, timeout=20).stdout.strip()
    if not path or fonts.BODY.pdf[0] not in path:
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    upm, hmtx = font["head"].unitsPerEm, font["hmtx"]
    return {cp: hmtx[glyph][0] / upm for cp, glyph in font.getBestCmap().items()}


def em_width(text: str) -> float:
    """Width of `text` in the body face, in em (CJK characters are 1 em)."""
    advances = _advances()
    total = 0.0
    for ch in text:
        if advances is not None and ord(ch) in advances:
            total += advances[ord(ch)]
        else:  # the fallback face: full width for CJK, about half for the rest
            total += 1.0 if _is_wide(ch) else 0.5
    return total


@dataclass
class Line:
    text: str
    indent: bool          # the paragraph's first line, indented two characters
    justify: bool         # spread over the whole line (every line but a paragraph's last)
    spacing_pt: float     # letter-spacing that makes it fill the block exactly


def _spacing(text: str, indent: bool, justify: bool) -> float:
    if not text:
        return 0.0
    room = BLOCK_WIDTH_EM - (2 if indent else 0)
    natural = em_width(text)
    if justify or natural > room:
        # n characters each followed by the same spacing fill the room exactly (minus a hair)
        return round((room - natural) * BODY_PT / len(text) - 0.002, 3)
    # a paragraph's last line keeps the 28-per-line pitch of the lines above it
    return min(0.0, round((BLOCK_WIDTH_EM - CHARS_PER_LINE) * BODY_PT / CHARS_PER_LINE - 0.002, 3))


def break_paragraph(text: str, indent: bool = True) -> list[Line]:
    """Lines of at most 28 full-width characters (the first two narrower by the indent), with
    closing punctuation never at a line's start and opening punctuation never at its end."""
    lines: list[Line] = []
    rest, first = text, indent
    while rest:
        room = CHARS_PER_LINE - (2 if first else 0)
        width, cut = 0.0, 0
        while cut < len(rest) and width + em_width(rest[cut]) <= room + 1e-6:
            width += em_width(rest[cut])
            cut += 1
        if cut < len(rest):
            # keep a run of Latin letters or digits together (a number, a code, a URL part)
            back = cut
            while back > 0 and rest[back - 1].isascii() and rest[back - 1].isalnum() \
                    and rest[back].isascii() and rest[back].isalnum():
                back -= 1
            if back > 0 and back != cut:
                cut = back
            # 禁则: pull a character down rather than start a line with closing punctuation
            while 1 < cut < len(rest) and rest[cut] in NO_START:
                cut -= 1
            while cut > 1 and rest[cut - 1] in NO_END:
                cut -= 1
        piece, rest = rest[:cut], rest[cut:]
        lines.append(Line(piece, first, bool(rest), 0.0))
        first = False
    for line in lines:
        line.spacing_pt = _spacing(line.text, line.indent, line.justify)
    return lines


def balanced_title(segments: list[str], max_em: float = TITLE_MAX_EM) -> list[str]:
    """Title lines broken only between the given segments (so no word is split), as few lines
    as fit, then as even as possible (GB/T 9704 7.3.1: 词意完整，排列对称，长短适宜)."""
    segments = [s for s in segments if s]
    n = len(segments)
    widths = [em_width(s) for s in segments]
    best: tuple | None = None
    for mask in range(1 << max(n - 1, 0)):
        lines, current, width = [], "", 0.0
        line_widths = []
        for i, seg in enumerate(segments):
            current += seg
            width += widths[i]
            if i == n - 1 or mask & (1 << i):
                lines.append(current)
                line_widths.append(width)
                current, width = "", 0.0
        if max(line_widths) > max_em + 1e-6:
            continue
        # fewer lines first; then the most even; a longer first line on a tie (a pyramid)
        key = (len(lines), max(line_widths) - min(line_widths), -line_widths[0])
        if best is None or key < best[0]:
            best = (key, lines)
    if best is None:  # a segment longer than a line: let the renderer wrap it
        return ["".join(segments)]
    return best[1]


def signature_offsets(signer: str, date: str) -> tuple[float, float]:
    """Right indents (em) of the unit's name and the date: the date four characters from the
    right, the name centred over the date (GB/T 9704 7.3.5.1); a name wider than the date keeps
    its centre over the date's centre as far as the block allows."""
    date_w, name_w = em_width(date), em_width(signer)
    date_right = 4.0
    name_right = max(0.0, date_right + (date_w - name_w) / 2)
    return name_right, date_right
