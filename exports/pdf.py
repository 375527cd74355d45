"""PDF with WeasyPrint, from the print templates in exports/templates/.

WeasyPrint fetches nothing a user supplied: the URL fetcher serves data: URIs (our QR codes) and
files under exports/templates/ (the stylesheet), and refuses file:, http(s): and anything else.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import verify
from .content import ApplicationForm, Letter, Stamp, Summary

TEMPLATES = Path(__file__).resolve().parent / "templates"
BASE_URL = "kczg-print:///"

env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                         autoescape=jinja2.select_autoescape(["html"]),
                         undefined=jinja2.StrictUndefined)


def css_string(text: str) -> str:
    """Text as a quoted CSS string (for page margin boxes): no way out of the quotes."""
    escaped = "".join(f"\\{ord(ch):06x}" if ch in '"\\<>&' or ord(ch) < 32 else ch
                      for ch in str(text))
    return f'"{escaped}"'


env.filters["css_string"] = css_string


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
_css: CSS | None = None


def _stylesheet() -> CSS:
    global _css
    if _css is None:
        _css = CSS(filename=str(TEMPLATES / "print.css"), font_config=_fonts,
                   url_fetcher=LocalOnlyFetcher())
    return _css


def render_html(html: str) -> bytes:
    doc = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
    return doc.write_pdf(stylesheets=[_stylesheet()], font_config=_fonts)


def _page(template: str, stamp: Stamp, **context) -> bytes:
    html = env.get_template(template).render(stamp=stamp, qr=verify.qr_svg_data_uri(stamp.url),
                                             **context)
    return render_html(html)


def letter_pdf(letter: Letter, stamp: Stamp) -> bytes:
    return _page("letter.html", stamp, letter=letter)


def form_pdf(form: ApplicationForm, stamp: Stamp) -> bytes:
    return _page("form.html", stamp, form=form)


def summary_pdf(summary: Summary, stamp: Stamp) -> bytes:
    return _page("summary.html", stamp, summary=summary)
