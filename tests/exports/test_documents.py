"""The paper copies: what the unit typed is in every PDF and DOCX, in Chinese, with an embedded
CJK font and a QR code that decodes to the verify page; codes change with the content."""
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
import zxingcpp
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from kczg.demo_data import sample
from kczg.models import DocumentRecord, Nomination
from tests.conftest import csrf_token, login, new_nomination, post_nomination

pytestmark = pytest.mark.usefixtures("collection_open")
BASE = "https://kczg.example.org"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(client, code, domain=None, **overrides):
    nid = new_nomination(client, code, domain)
    data = sample(code, **overrides)
    if domain:
        data["domain"] = domain
    r = post_nomination(client, nid, data, "submit")
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]
    return nid


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(cell.text for cell in row.cells)
    for s in d.sections:
        parts.extend(p.text for p in s.header.paragraphs)
    return "\n".join(parts)


def qr_urls(pdf: bytes, tmp_path) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "page")],
                   check=True)
    urls = []
    for png in sorted(tmp_path.glob("page-*.png")):
        urls += [b.text for b in zxingcpp.read_barcodes(Image.open(png))]
    return urls


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def keep_png(pdf: bytes, name: str) -> None:
    """Page 1 as PNG at 60 dpi under tests/artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(ARTIFACTS / name)], check=True)


def embedded_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


def test_application_form_pdf_and_docx(unit_a, db, tmp_path):
    nid = submit(unit_a, "xdjs", "dzxx", tech_name="量子<b>粗体</b>芯片技术")
    r = unit_a.get(f"/unit/documents/nominations/{nid}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = flat(pdf_text(r.data))
    for typed in ("量子<b>粗体</b>芯片技术", "北京示例微电子科技有限公司", "91110108551385082Q", "张伟",
                  "稀疏计算单元与编译器协同优化", "ZL201910000001.X", "2020年6月18日",
                  "TRL7实际环境中原型演示", "18500.50", "该成果创新性突出", "推荐单位（盖章）",
                  "2021“科创中国”先导技术榜申报书", "先导技术榜-电子信息-01", "第1页共",
                  "一、基本信息", "二、主要完成人"):
        assert flat(typed) in text, typed
    fonts = embedded_fonts(r.data, tmp_path)
    for face in ("FandolFang", "FandolHei", "FandolKai", "KCZG-Title-Heavy"):  # 仿宋 黑体 楷体 小标宋
        assert re.search(face + r"\s+CID Type 0C.*yes\s+yes", fonts), (face, fonts)
    keep_png(r.data, "application-form")
    code = DocumentRecord.get(DocumentRecord.nomination == nid).code
    assert f"验证码{code}" in text
    assert qr_urls(r.data, tmp_path) == [f"{BASE}/verify/{code}"]

    r = unit_a.get(f"/unit/documents/nominations/{nid}.docx")
    assert r.status_code == 200
    text = docx_text(r.data)
    for typed in ("量子<b>粗体</b>芯片技术", "张伟", "稀疏计算单元与编译器协同优化", "ZL201910000001.X",
                  "该成果创新性突出", f"验证码 {code}", "先导技术榜申报书"):
        assert typed in text, typed
    d = docx.Document(io.BytesIO(r.data))
    fonts = d.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "仿宋_GB2312"
    images = [p for p in d.part.package.parts if p.partname.endswith(".png")]
    decoded = [b.text for img in images
               for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(img.blob)))]
    assert decoded == [f"{BASE}/verify/{code}"]


def test_letter_follows_the_official_layout(unit_a, db, tmp_path):
    submit(unit_a, "xdjs", "dzxx")
    submit(unit_a, "xdjs", "dzxx", tech_name="第二项电子信息技术")
    r = unit_a.get("/unit/documents/letters/xdjs/dzxx.pdf")
    assert r.status_code == 200
    reader = PdfReader(io.BytesIO(r.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == \
        (210, 297)
    text = flat(pdf_text(r.data))
    for expected in ("关于推荐2项技术参加2021年“科创中国”先导技术榜（电子信息领域）遴选的函",
                     "中国科协信息科技学会联合体：", "面向边缘计算的低功耗人工智能芯片架构", "第二项电子信息技术",
                     "未违反科研诚信要求", "中国电子学会", "2021年10月20日", "—1—"):
        assert flat(expected) in text, expected
    fonts = embedded_fonts(r.data, tmp_path)
    assert "FandolFang" in fonts and "KCZG-Title-Heavy" in fonts, fonts
    keep_png(r.data, "letter")
    code = DocumentRecord.get(DocumentRecord.kind == "letter").code
    assert qr_urls(r.data, tmp_path) == [f"{BASE}/verify/{code}"]
    r = unit_a.get("/unit/documents/letters/xdjs/dzxx.docx")
    text = docx_text(r.data)
    assert "中国科协信息科技学会联合体：" in text and "第二项电子信息技术" in text
    # no submitted nomination for that list or domain: nothing to print
    assert unit_a.get("/unit/documents/letters/xdjs/swyy.pdf").status_code == 404
    assert unit_a.get("/unit/documents/letters/kycx.pdf").status_code == 404
    assert unit_a.get("/unit/documents/letters/xdjs.pdf").status_code == 404


def test_summary_xlsx_types_and_no_formulas(unit_a, db):
    submit(unit_a, "xrqy", company_name="=HYPERLINK(\"http://evil\",\"点我\")")
    submit(unit_a, "kycx")
    r = unit_a.get("/unit/documents/summary.xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb.active
    header = [c.value for c in ws[3]]
    assert header[:4] == ["序号", "榜单", "领域", "名称"] and ws.freeze_panes == "A4"
    rows = {row[1].value: row for row in ws.iter_rows(min_row=4)}
    evil = rows["新锐企业榜"][3]
    assert evil.value == '=HYPERLINK("http://evil","点我")' and evil.data_type == "s"
    assert isinstance(rows["新锐企业榜"][0].value, int)
    assert rows["新锐企业榜"][9].is_date
    assert ws.column_dimensions["D"].width >= 40
    r = unit_a.get("/unit/documents/summary.pdf")
    assert "=HYPERLINK" in flat(pdf_text(r.data)) and "开源创新榜" in flat(pdf_text(r.data))


def test_verify_page_and_superseded_codes(unit_a, client, db):
    nid = submit(unit_a, "kjtz")
    unit_a.get(f"/unit/documents/nominations/{nid}.pdf")
    old = DocumentRecord.get(DocumentRecord.nomination == nid)
    # downloading again without a change keeps the code
    unit_a.get(f"/unit/documents/nominations/{nid}.docx")
    assert DocumentRecord.select().where(DocumentRecord.nomination == nid).count() == 1
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "该文件由本平台生成，且为最新版本" in page and "示例科技创业投资管理有限公司" in page
    assert "中国电子学会" in page
    # the key content, to compare with the paper: a forged copy reusing this code shows up
    facts = flat(re.sub(r"<[^>]+>", " ", page.split("文件主要内容")[1]))
    for expected in ("名称示例科技创业投资管理有限公司", "统一社会信用代码/仓库地址91350100M000100Y43",
                     "推荐单位中国电子学会", "推荐编号科技创业投资机构榜-01", "提交时间2021-"):
        assert expected in facts, expected
    # change the nomination: a new code, the old one says it was superseded
    unit_a.post(f"/unit/nominations/{nid}/reopen", data={"csrf_token": csrf_token(unit_a, "/unit/")})
    post_nomination(unit_a, nid, sample("kjtz", aum="99"), "submit")
    unit_a.get(f"/unit/documents/nominations/{nid}.pdf")
    new = DocumentRecord.get(DocumentRecord.nomination == nid, DocumentRecord.id != old.id)
    assert new.code != old.code
    # typed off paper in lower case, or without hyphens: the same page
    for typed in (old.code.lower(), old.code.replace("-", ""), old.code.replace("-", " ")):
        r = client.get(f"/verify/{typed}")
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/verify/{old.code}")
        r = client.get("/verify", query_string={"code": typed}, follow_redirects=True)
        assert "该文件已被新版本替代" in r.get_data(as_text=True)
    page = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "该文件已被新版本替代" in page and new.code in page
    r = client.get("/verify/NOPE-NOPE-NOPE")
    assert r.status_code == 404 and "验证码“NOPE-NOPE-NOPE”不存在" in r.get_data(as_text=True)
    assert client.get(f"/verify?code={new.code}").status_code == 302


def test_who_may_download_documents(as_user, client, db):
    as_user("unit-a")
    nid = submit(client, "xdjs", "dzxx")
    draft = new_nomination(client, "xrqy")
    assert client.get(f"/unit/documents/nominations/{draft}.pdf").status_code == 404
    assert client.get(f"/unit/documents/nominations/{nid}.exe").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})

    def get(username, url):
        login(client, username)
        r = client.get(url)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        return r.status_code

    assert get("unit-b", f"/unit/documents/nominations/{nid}.pdf") == 404
    assert get("unit-b", "/unit/documents/letters/xdjs/dzxx.pdf") == 404  # its own: none
    assert get("review-gei", f"/review/documents/nominations/{nid}.pdf") == 404
    assert get("review-it", f"/review/documents/nominations/{nid}.docx") == 200
    assert get("secretariat", f"/secretariat/documents/nominations/{nid}.pdf") == 200


def test_prerender_on_submit_fills_the_cache(unit_a, app, db):
    from pathlib import Path

    app.config["KCZG_PRERENDER_DOCUMENTS"] = True
    nid = submit(unit_a, "cxyrt")
    cache = Path(app.instance_path) / "documents"
    codes = {r.code for r in DocumentRecord.select()}
    assert len(codes) == 2  # the 申报书 and the letter
    assert {p.name.split("-")[:3] == c.split("-") and p.suffix for p in cache.iterdir()
            for c in codes if p.name.startswith(c)} == {".pdf", ".docx"}
    assert len(list(cache.iterdir())) == 4
    assert Nomination.get_by_id(nid).status == "submitted"


def test_documents_follow_the_base_url(unit_a, app, db, tmp_path):
    """A document rendered before KCZG_BASE_URL was set is not served with the old address in
    its QR code: the cache is per address; the verification code stays."""
    nid = submit(unit_a, "cxyrt")
    r = unit_a.get(f"/unit/documents/nominations/{nid}.pdf")
    code = DocumentRecord.get(DocumentRecord.nomination == nid).code
    assert qr_urls(r.data, tmp_path / "a") == [f"{BASE}/verify/{code}"]
    app.config["KCZG_BASE_URL"] = "https://kczg.cast.org.cn"
    r = unit_a.get(f"/unit/documents/nominations/{nid}.pdf")
    assert qr_urls(r.data, tmp_path / "b") == [f"https://kczg.cast.org.cn/verify/{code}"]
    assert f"https://kczg.cast.org.cn/verify/{code}" in flat(pdf_text(r.data))
    # an ASCII name for browsers that ignore filename*, instead of ---.pdf
    assert f'filename="kczg-form-{code}.pdf"' in r.headers["Content-Disposition"]


def test_loopback_base_url_is_reported_in_production():
    from kczg.config import base_url_problem

    demo = {"KCZG_BASE_URL": "http://127.0.0.1:5000", "DATABASE_URL": "sqlite:///x.sqlite3"}
    assert base_url_problem(demo) is None  # the demo on one machine
    production = dict(demo, DATABASE_URL="postgresql://db/kczg", FILES_SHARED=True)
    assert "KCZG_BASE_URL" in base_url_problem(production)
    assert base_url_problem(dict(production, KCZG_BASE_URL="https://kczg.cast.org.cn")) is None
