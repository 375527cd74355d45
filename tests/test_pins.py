"""What depends on a library's internals runs only on the version it was written against:
pyproject.toml pins those libraries exactly, and the installed version is the pinned one."""
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# library -> the modules of ours that use its internals
INTERNALS = {"peewee": "kczg/models/compiled.py", "WTForms": "forms/fast_html.py"}


@pytest.mark.parametrize("library", sorted(INTERNALS))
def test_libraries_whose_internals_we_use_are_pinned(library):
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if re.match(rf"{library}\b", d, re.I))
    pinned = re.fullmatch(rf"{library}==([\w.]+)", spec, re.I)
    assert pinned, f"{spec!r}: {INTERNALS[library]} uses its internals, pin it exactly"
    assert version(library) == pinned.group(1)


def test_no_module_of_ours_assigns_to_a_library():
    """No `wtforms.x = …`, `core.html_params = …`, `SomeLibraryClass.attr = …` in our code."""
    libraries = r"(wtforms|peewee|playhouse|flask|werkzeug|jinja2|markupsafe|core|widgets|" \
                r"choices|weasyprint|docx|openpyxl|huey|pyhanko)"
    pattern = re.compile(rf"^\s*{libraries}\.[A-Za-z_.]+\s*=[^=]", re.M)
    found = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
             for package in ("kczg", "forms", "exports")
             for path in (ROOT / package).rglob("*.py")
             for m in pattern.finditer(path.read_text())]
    assert not found, found
