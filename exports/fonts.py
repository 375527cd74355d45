"""The fonts and libraries the documents need, checked at start-up (shared/FINDINGS.md)."""
from __future__ import annotations

import ctypes.util
import logging
import shutil
import subprocess

log = logging.getLogger(__name__)

SERIF = "Noto Serif CJK SC"   # body text (仿宋-style role)
SANS = "Noto Sans CJK SC"     # titles (小标宋/黑体-style role)


def missing() -> list[str]:
    problems = []
    if ctypes.util.find_library("harfbuzz-subset") is None:
        problems.append("libharfbuzz-subset0 is missing: WeasyPrint falls back to fontTools and "
                        "a one-page letter takes ~10 s instead of ~0.15 s")
    if shutil.which("fc-list"):
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True,
                                  timeout=20).stdout
        for family in (SERIF, SANS):
            if family not in families:
                problems.append(f"font {family!r} is missing (Debian fonts-noto-cjk): "
                                "Chinese would print as boxes")
    return problems


def check() -> None:
    for problem in missing():
        log.error("DOCUMENTS WILL BE WRONG OR SLOW: %s", problem)
