"""PDF with WeasyPrint, from the print templates in exports/templates/.

WeasyPrint fetches nothing a user supplied: the URL fetcher serves data: URIs (our QR codes) and
files under exports/templates/ (the stylesheet), and refuses file:, http(s): and anything else.
"""
from __future__ import annotations

import mimetypes
import re
from datetime import date, datetime
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts, layout, verify
from .content import ApplicationForm, Letter, Stamp, Summary, cn_heading

TEMPLATES = Path(__file__).resolve().parent / "templates"
BASE_URL = "kczg-print:///"

env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                         autoescape=jinja2.select_autoescape(["html"]),
                         undefined=jinja2.StrictUndefined)
env.globals["cn_heading"] = cn_heading


def css_string(text: str) -> str:
    """Text as a quoted CSS string (for page margin boxes): no way out of the quotes."""
    escaped = "".join(f"\\{ord(ch):06x}" if ch in '"\\<>&' or ord(ch) < 32 else ch
                      for ch in str(text))
    return f'"{escaped}"'


env.filters["css_string"] = css_string


def print_cell(value) -> str:
    """A table cell as printed: times to the minute, dates as dates, numbers as they are."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


CODE = re.compile(r"^[0-9A-Z]{18}$|^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$")


def cell_kind(value) -> str:
    """`code` for codes that must not break (USCC, verification codes), `num` for numbers and
    times."""
    if isinstance(value, (int, float, date)):
        return "num"
    return "code" if isinstance(value, str) and CODE.match(value) else ""


env.filters["print_cell"] = print_cell
env.filters["cell_kind"] = cell_kind


class RefusedURL(ValueError):
    pass


class LocalOnlyFetcher(URLFetcher):
    """Serves data: URIs and our own print assets; refuses every other URL."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(BASE_URL):
            path = (TEMPLATES / url.removeprefix(BASE_URL)).resolve()
            if TEMPLATES in path.parents and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise RefusedURL(f"refused to fetch {url!r}: documents load only their own assets")


_fonts = FontConfiguration()
_css: list[CSS] | None = None


def metrics_css() -> str:
    """The letter's grid from exports/layout.py: one line of 3号 text every 225/22 mm, and the
    two-character indent at the 28-per-line pitch."""
    pitch = layout.BLOCK_WIDTH_PT / layout.CHARS_PER_LINE
    return (f".letter p, .letter h1 {{ line-height: {layout.LINE_PT}pt; }}\n"
            f".letter p {{ height: {layout.LINE_PT}pt; }}\n"
            # most lines keep the pitch; only the others carry a style of their own (each style
            # attribute is a stylesheet to parse: 5 % of a letter's render)
            f".letter p {{ letter-spacing: {layout.PITCH_SPACING_PT}pt; }}\n"
            f".letter p.i {{ padding-left: {2 * pitch:.3f}pt; }}\n"
            f".letter p.d {{ padding-right: {layout.DATE_RIGHT_EM * pitch:.2f}pt; }}\n")


def _stylesheets() -> list[CSS]:
    global _css
    if _css is None:
        _css = [CSS(string=fonts.css() + "\n" + metrics_css(), font_config=_fonts),
                CSS(filename=str(TEMPLATES / "print.css"), font_config=_fonts,
                    url_fetcher=LocalOnlyFetcher())]
    return _css


def render_html(html: str) -> bytes:
    doc = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
    return doc.write_pdf(stylesheets=_stylesheets(), font_config=_fonts)


def _html(template: str, stamp: Stamp, **context) -> str:
    return env.get_template(template).render(stamp=stamp, qr=verify.qr_data_uri(stamp.url),
                                             **context)


def letter_html(letter: Letter, stamp: Stamp) -> str:
    return _html("letter.html", stamp, letter=letter, lines=layout.letter_lines(letter),
                 pitch=layout.BLOCK_WIDTH_PT / layout.CHARS_PER_LINE,
                 pitch_spacing=layout.PITCH_SPACING_PT, date_right=layout.DATE_RIGHT_EM)


def letter_pdf(letter: Letter, stamp: Stamp) -> bytes:
    return render_html(letter_html(letter, stamp))


def _page_texts(document) -> list[str]:
    """Each laid-out page's own text (its margin boxes left out), for its page code."""
    def walk(box, out):
        if isinstance(box, boxes.MarginBox):
            return
        if isinstance(box, boxes.TextBox):
            out.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child, out)

    texts = []
    for page in document.pages:
        out: list[str] = []
        walk(page._page_box, out)
        texts.append(verify.page_text("".join(out)))
    return texts


def _paged(template: str, page_name: str, stamp: Stamp, pages_out: list | None,
           **context) -> bytes:
    """A document whose every page carries its own code (document code, page number, a digest
    of that page's text) in the bottom right margin: laid out once to read each page's text,
    then again with the codes, which sit in the margin and move nothing."""
    html = env.get_template(template).render(stamp=stamp, qr=verify.qr_data_uri(stamp.url),
                                             **context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
    texts = _page_texts(document.render(stylesheets=_stylesheets(), font_config=_fonts))
    rules = "\n".join(
        f"@page {page_name}:nth({n}) {{ @bottom-right {{ content: "
        f"{css_string('页码核验 ' + verify.page_code(stamp.code, n, text))} !important; "
        f"font-size: 8pt; color: #555; }} }}"
        for n, text in enumerate(texts, 1))
    final = document.render(stylesheets=_stylesheets() + [CSS(string=rules,
                                                                font_config=_fonts)],
                            font_config=_fonts)
    if pages_out is not None:
        pages_out[:] = texts
    return final.write_pdf()


def form_pdf(form: ApplicationForm, stamp: Stamp, draft: bool = False,
             pages_out: list | None = None) -> bytes:
    """`draft`: a preview, marked 草稿 across every page and carrying no verification code.
    `pages_out` receives each page's text (the page codes are made from it)."""
    if draft:
        html = env.get_template("form.html").render(stamp=stamp, qr="", form=form, draft=True)
        return render_html(html)
    return _paged("form.html", "form", stamp, pages_out, form=form, draft=False)


def summary_pdf(summary: Summary, stamp: Stamp, pages_out: list | None = None) -> bytes:
    return _paged("summary.html", "summary", stamp, pages_out, summary=summary)
