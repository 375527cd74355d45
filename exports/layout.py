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


# the spacing after each character that sets them at the 28-per-line pitch (a hair less)
PITCH_SPACING_PT = min(0.0, round((BLOCK_WIDTH_EM - CHARS_PER_LINE) * BODY_PT / CHARS_PER_LINE
                                  - 0.002, 3))


def _spacing(text: str, indent: bool, justify: bool) -> float:
    if not text:
        return 0.0
    room = BLOCK_WIDTH_EM - (2 if indent else 0)
    natural = em_width(text)
    if justify or natural > room:
        # n characters each followed by the same spacing fill the room exactly (minus a hair)
        return round((room - natural) * BODY_PT / len(text) - 0.002, 3)
    # a paragraph's last line keeps the 28-per-line pitch of the lines above it
    return PITCH_SPACING_PT


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
    _no_lone_character(lines)
    for line in lines:
        line.spacing_pt = _spacing(line.text, line.indent, line.justify)
    return lines


def _no_lone_character(lines: list[Line]) -> None:
    """A paragraph's last line never holds one character alone (“司”): one or two more come
    down from the line above, keeping the 禁则 at the new break."""
    if len(lines) < 2 or len(lines[-1].text) != 1:
        return
    above = lines[-2].text
    k = 1
    while k < 3 and k < len(above) - 1 and (above[-k] in NO_START or above[-k - 1] in NO_END):
        k += 1
    if len(above) - k < 2:
        return
    lines[-2].text, lines[-1].text = above[:-k], above[-k:] + lines[-1].text


@dataclass
class PrintLine:
    """One printed line of a letter, as both the PDF and the DOCX writer print it."""

    kind: str               # docnum, title, blank, text, sig
    text: str = ""
    indent: bool = False    # the two-character first-line indent
    spacing_pt: float = 0.0
    right_em: float = 0.0   # sig: right indent, in characters of the 28-per-line pitch
    para_start: bool = True  # the first line of a paragraph (or of its part on a new page)
    page_break: bool = False  # the first line of a new page


def _page_capacity(first: bool, letterhead_mm: float) -> int:
    line_mm = LINE_PT / MM
    room = BLOCK_HEIGHT_MM - (letterhead_mm if first else 0)
    return max(4, int(room / line_mm + 1e-6))


def letter_lines(letter) -> list[PrintLine]:
    """Every printed line of a letter and where its pages break (GB/T 9704-2012): 发文字号,
    two blank lines, the title, a blank line, the addressee, the body (28 characters a line),
    two blank lines for the seal, the unit's name centred over the date, the 附注.

    Pages hold 22 lines. A paragraph split over two pages leaves at least two lines on each;
    the signature never stands on a page without body text (§7.3.5): when it does not fit
    after the last body line, one blank line of the seal's room goes, or else the last lines
    of the body (two, or its whole last paragraph when that is shorter than four lines) go
    over with it."""
    head: list[PrintLine] = []
    if letter.doc_number:
        head += [PrintLine("docnum", letter.doc_number), PrintLine("blank"), PrintLine("blank")]
    head += [PrintLine("title", text, para_start=i == 0)
             for i, text in enumerate(letter.title_lines)]
    head.append(PrintLine("blank"))
    body: list[list[PrintLine]] = []
    texts = [(f"{letter.addressee}：", False), (letter.opening, True)] + \
        [(text, True) for text in letter.item_lines()] + [(t, True) for t in letter.closing]
    for text, indent in texts:
        body.append([PrintLine("text", ln.text, ln.indent, ln.spacing_pt, para_start=i == 0)
                     for i, ln in enumerate(break_paragraph(text, indent))])
    name_right, date_right = signature_offsets(letter.signer, letter.date)
    seal = [PrintLine("blank"), PrintLine("blank")]
    signature = [PrintLine("sig", letter.signer, spacing_pt=PITCH_SPACING_PT, right_em=name_right),
                 PrintLine("sig", letter.date, spacing_pt=PITCH_SPACING_PT, right_em=date_right)]
    note = [PrintLine("text", ln.text, ln.indent, ln.spacing_pt, para_start=i == 0)
            for i, ln in enumerate(break_paragraph(letter.note))] if letter.note else []

    # the head and the body, page by page: a paragraph never leaves one line alone
    pages: list[list[PrintLine]] = [[]]
    cap = [_page_capacity(True, letter.letterhead_mm)]

    def room() -> int:
        return cap[-1] - len(pages[-1])

    def new_page() -> None:
        pages.append([])
        cap.append(_page_capacity(False, 0))

    pages[-1].extend(head)
    for para in body:
        rest = list(para)
        while rest:
            if room() <= 0:
                new_page()
            take = min(room(), len(rest))
            if take < len(rest):  # split: two lines at least on each side
                if len(rest) - take < 2:
                    take = len(rest) - 2
                if take < 2 and pages[-1]:
                    take = 0
            if take == 0:
                new_page()
                continue
            pages[-1].extend(rest[:take])
            rest = rest[take:]
    # the signature with body text on its page
    block = seal + signature + note
    if len(block) > room() and len(block) - 1 <= room():
        block = block[1:]  # one line of the seal's room is enough
    elif len(block) > room():
        last = pages[-1]
        start = next((i for i in range(len(last) - 1, -1, -1)
                      if last[i].kind == "text" and last[i].para_start), len(last))
        para_len = len(last) - start  # the last paragraph's lines on this page
        move = para_len if para_len < 4 else 2
        moved = last[len(last) - move:]
        del last[len(last) - move:]
        new_page()
        pages[-1].extend(moved)  # (its first line starts the new page: marked below)
    pages[-1].extend(block)
    out: list[PrintLine] = []
    for number, page in enumerate(pages):
        for i, line in enumerate(page):
            if i == 0 and number > 0:
                line.page_break = True
                line.para_start = True
            out.append(line)
    return out


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


DATE_RIGHT_EM = 4.0  # the date ends four characters from the right edge


def signature_offsets(signer: str, date: str) -> tuple[float, float]:
    """Right indents (em) of the unit's name and the date: the date four characters from the
    right, the name centred over the date (GB/T 9704 7.3.5.1); a name wider than the date keeps
    its centre over the date's centre as far as the block allows."""
    date_w, name_w = em_width(date), em_width(signer)
    date_right = DATE_RIGHT_EM
    name_right = max(0.0, date_right + (date_w - name_w) / 2)
    return name_right, date_right
