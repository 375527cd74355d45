"""WeasyPrint fetches nothing a user supplied: only data: URIs and our own print assets."""
import logging

import pytest

from exports import pdf


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png",
                                 "https://example.org/a.css", "kczg-print:///../../etc/passwd",
                                 "ftp://example.org/x"])
def test_fetcher_refuses(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.LocalOnlyFetcher().fetch(url)


def test_fetcher_serves_data_and_own_assets():
    assert pdf.LocalOnlyFetcher().fetch("data:text/plain,hi").read() == b"hi"
    assert b"@page" in pdf.LocalOnlyFetcher().fetch("kczg-print:///print.css").read()


def test_a_rendered_page_does_not_load_external_resources(caplog):
    html = ('<html lang="zh-CN"><body><p>测试</p><img src="file:///etc/passwd">'
            '<img src="http://127.0.0.1:9/track.png"></body></html>')
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = pdf.render_html(html)
    assert data.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert len(refused) == 2


def test_css_strings_cannot_escape():
    assert pdf.css_string('a"}</style><script>') == \
        '"a\\000022}\\00003c/style\\00003e\\00003cscript\\00003e"'
