"""Make "KCZG Title", the 小标宋 stand-in our PDFs embed: Noto Serif CJK SC Black cut down to
GB 2312, ASCII and the punctuation of Chinese text, its glyphs numbered from 0; and with
--folio, "KCZG Folio": the 宋体 (FandolSong) digits, space and dash of the letters' page numbers
("— 1 —", GB/T 9704 7.5), a 3 KB face whose embedding costs next to nothing (the full FandolSong
made each letter 5 % slower to render, bench/documents.py).

Why: WeasyPrint subsets an embedded font keeping each glyph's number (HarfBuzz's RETAIN_GIDS),
so an embedded subset of a 65,000-glyph CJK font carries 65,000 empty CFF entries: 767 KB (144 KB
compressed) for a 20-character title. The same face with 7,600 glyphs costs a tenth of that, and
the full Noto face stays installed as the fallback for anything rarer (exports/fonts.py).

    .venv/bin/python scripts/title_font.py SOURCE.ttc FONT_NUMBER TARGET.otf
    .venv/bin/python scripts/title_font.py --folio FandolSong-Regular.otf 0 TARGET.otf
"""
from __future__ import annotations

import sys

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY, POSTSCRIPT = "KCZG Title", "KCZGTitle-Black"
FOLIO_FAMILY, FOLIO_POSTSCRIPT = "KCZG Folio", "KCZGFolio-Regular"
FOLIO_TEXT = "0123456789 —"


def characters() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)}      # CJK punctuation: 、。〈〉《》【】〔〕
    chars |= {chr(c) for c in range(0xFF01, 0xFF5F)}      # fullwidth forms: （），：；
    chars |= {chr(c) for c in range(0x2010, 0x2070)}      # “”‘’—…
    chars |= set("·×÷±°℃№")
    for hi in range(0xA1, 0xF8):                          # GB 2312, every row
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(sorted(chars))


def make(source: str, number: int, target: str, text: str, family: str, style: str,
         postscript: str) -> None:
    font = TTFont(source, fontNumber=number)
    options = subset.Options(retain_gids=False, desubroutinize=False, hinting=False,
                             layout_features=[], name_IDs=["*"], name_languages=["*"],
                             notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16, 21):
            names.setName(family, record.nameID, record.platformID, record.platEncID,
                          record.langID)
        elif record.nameID == 4:
            names.setName(f"{family} {style}", 4, record.platformID, record.platEncID,
                          record.langID)
        elif record.nameID == 6:
            names.setName(postscript, 6, record.platformID, record.platEncID, record.langID)
    cff = font["CFF "].cff
    cff.fontNames = [postscript]
    font.save(target)


if __name__ == "__main__":
    if sys.argv[1] == "--folio":
        make(sys.argv[2], int(sys.argv[3]), sys.argv[4], FOLIO_TEXT, FOLIO_FAMILY, "Regular",
             FOLIO_POSTSCRIPT)
    else:
        make(sys.argv[1], int(sys.argv[2]), sys.argv[3], characters(), FAMILY, "Black",
             POSTSCRIPT)
