"""The 申报书 in PDF and as LibreOffice prints its DOCX: the same number of pages, for a short
form and for one whose long texts are at their 2,000-character limit (they run on over pages
instead of leaving a page nearly empty); headings numbered 一、二、."""
import re
import subprocess

import pytest

from tests.conftest import login
from tests.exports.test_documents import submit
from tests.exports.test_docx_print import soffice

pytestmark = pytest.mark.usefixtures("collection_open")
PARA = "本技术提出一种存算一体的神经网络加速架构，在28纳米工艺下实现每瓦10万亿次运算，支持主流深度学习模型在端侧设备上的实时推理。"


def pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


@pytest.mark.parametrize("long", [False, True])
def test_pdf_and_docx_have_the_same_pages(client, db, tmp_path, long):
    login(client, "unit-a")
    texts = {k: (PARA * 40)[:2000] for k in ("summary", "innovations", "application")} \
        if long else {}
    nid = submit(client, "xdjs", "dzxx", **texts)
    for fmt in ("pdf", "docx"):
        r = client.get(f"/unit/documents/nominations/{nid}.{fmt}")
        assert r.status_code == 200
        (tmp_path / f"form.{fmt}").write_bytes(r.data)
    soffice([tmp_path / "form.docx"], tmp_path / "lo", tmp_path)
    ours, theirs = pages(tmp_path / "form.pdf"), pages(tmp_path / "lo" / "form.pdf")
    assert ours == theirs, (ours, theirs)
    assert ours == (7 if long else 3)
    text = subprocess.run(["pdftotext", str(tmp_path / "form.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "一、基本信息" in text and "六、推荐单位意见" in text
