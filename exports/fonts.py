"""The faces of a 公文 (GB/T 9704-2012) and where each comes from: one map for the PDF and the
DOCX writers, and the start-up check that they are installed (shared/FINDINGS.md).

- 小标宋 (titles, 2号): 方正小标宋简体 on office machines; our PDFs use Noto Serif CJK SC Black
  (fonts-noto-cjk-extra), the usual free stand-in, as "KCZG Title": the same face cut down to
  GB 2312 by scripts/title_font.py (an embedded subset of the full face weighs 144 KB however
  few its characters), the full face after it for anything rarer.
- 仿宋 (body, 3号): 仿宋_GB2312 (or 仿宋) on office machines; FandolFang in our PDFs.
- 黑体 (first-level headings): 黑体; FandolHei.
- 楷体 (second-level headings): 楷体_GB2312 (or 楷体); FandolKai.

The Fandol fonts cover GB 2312; Noto CJK follows each face for anything rarer. A DOCX names the
office faces first (with Windows' own name as w:altName); where a machine has neither, the
fontconfig aliases the set-up installs (deploy/fonts/65-kczg-gongwen.conf) print it with the
same stand-ins as the PDF.
"""
from __future__ import annotations

import ctypes.util
import logging
import shutil
import subprocess
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Face:
    role: str                   # 小标宋, 仿宋, 黑体, 楷体
    docx: str                   # the office font a DOCX names (w:eastAsia)
    docx_alt: str               # the name Windows itself ships (w:altName in the font table)
    pdf: tuple[str, ...]        # families for the PDF, first choice first (fallbacks after)
    weight: int = 400           # the PDF weight (900: the Black cut of Noto Serif CJK)
    embedded: str = ""          # the PostScript name pdffonts shows when the first face is used


TITLE = Face("小标宋", "方正小标宋简体", "宋体", ("KCZG Title", "Noto Serif CJK SC"), 900,
             "KCZG-Title-Heavy")
BODY = Face("仿宋", "仿宋_GB2312", "仿宋", ("FandolFang", "Noto Serif CJK SC"), 400,
            "FandolFang-Regular")
HEADING = Face("黑体", "黑体", "SimHei", ("FandolHei", "Noto Sans CJK SC"), 400,
               "FandolHei-Regular")
SUBHEADING = Face("楷体", "楷体_GB2312", "楷体", ("FandolKai", "Noto Serif CJK SC"), 400,
                  "FandolKai-Regular")
FACES = (TITLE, BODY, HEADING, SUBHEADING)
LATIN = "Times New Roman"       # digits and Latin letters in the DOCX

# what must be installed, with the Debian package that brings it
REQUIRED = {"FandolFang": "texlive-lang-chinese (Fandol, taken out by scripts/setup.sh)",
            "KCZG Title": "made by scripts/setup.sh from Noto Serif CJK SC Black",
            "KCZG Folio": "made by scripts/setup.sh from FandolSong (the page numbers)",
            "FandolHei": "texlive-lang-chinese (Fandol)",
            "FandolKai": "texlive-lang-chinese (Fandol)",
            "Noto Serif CJK SC Black": "fonts-noto-cjk-extra",
            "Noto Serif CJK SC": "fonts-noto-cjk", "Noto Sans CJK SC": "fonts-noto-cjk"}


def css_family(face: Face) -> str:
    return ", ".join(f'"{f}"' for f in face.pdf) + ", serif"


def css() -> str:
    """The font rules of every print template, from the map above."""
    rule = "font-family: {}; font-weight: {};"
    return "\n".join([
        # on html, not body: the page-margin boxes inherit it (shared/FINDINGS.md)
        f"html {{ {rule.format(css_family(BODY), BODY.weight)} }}",
        f".letter h1, .form h1, .summary h1 {{ {rule.format(css_family(TITLE), TITLE.weight)} }}",
        f".form h2, .form th, .form .long-label, .summary th "
        f"{{ {rule.format(css_family(HEADING), HEADING.weight)} }}",
        f".form h3 {{ {rule.format(css_family(SUBHEADING), SUBHEADING.weight)} }}",
    ])


def missing() -> list[str]:
    problems = []
    if ctypes.util.find_library("harfbuzz-subset") is None:
        problems.append("libharfbuzz-subset0 is missing: WeasyPrint falls back to fontTools and "
                        "a one-page letter takes ~10 s instead of ~0.15 s")
    if shutil.which("fc-list"):
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                                  timeout=20).stdout
        names = {name.strip() for line in families.splitlines() for name in line.split(",")}
        for family, package in REQUIRED.items():
            if family not in names:
                problems.append(f"font {family!r} is missing (Debian {package}): documents "
                                "print with the wrong face or as boxes")
    return problems


def check() -> None:
    for problem in missing():
        log.error("DOCUMENTS WILL BE WRONG OR SLOW: %s", problem)
