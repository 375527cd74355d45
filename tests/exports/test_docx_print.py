"""The Word copies print as the PDFs do: the QR picture in a paragraph that can hold it, tables
with fixed widths, repeated headers and rows kept whole, the office's 公文 fonts named; and
LibreOffice (Debian's, headless) turns each DOCX and the summary XLSX into pages whose QR code
decodes and whose layout matches (one-page letter, same title breaks, every column on page 1)."""
import io
import re
import subprocess
import zipfile

import docx
import pytest
import zxingcpp
from docx.oxml.ns import qn
from PIL import Image

from exports import layout
from kczg.models import DocumentRecord
from tests.exports.test_documents import BASE, submit
from tests.exports.test_print_geometry import lines, pages

pytestmark = pytest.mark.usefixtures("collection_open")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def picture_paragraphs(part_element):
    return [p for p in part_element.iter(qn("w:p")) if p.findall(".//" + qn("w:drawing"))]


def line_rule(paragraph, styles) -> tuple[str, int]:
    """The paragraph's effective spacing rule and line value (its own, else its style's)."""
    spacing = paragraph.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None and spacing.get(qn("w:lineRule")):
        return spacing.get(qn("w:lineRule")), int(spacing.get(qn("w:line")))
    normal = styles["Normal"].paragraph_format
    if normal.line_spacing_rule is not None and "EXACT" in str(normal.line_spacing_rule):
        return "exact", int(normal.line_spacing.pt * 20)
    return "auto", 240


def test_letter_docx_qr_fonts_and_footer(unit_a, db):
    submit(unit_a, "xdjs", "dzxx")
    d = docx.Document(io.BytesIO(unit_a.get("/unit/documents/letters/xdjs/dzxx.docx").data))
    section = d.sections[0]
    footers = [section.footer, section.even_page_footer]
    for footer in footers:
        found = picture_paragraphs(footer._element)
        assert len(found) == 1
        rule, _ = line_rule(found[0], d.styles)
        assert rule == "auto"  # never an exact pitch below the picture's 18 mm
        text = "".join(t.text for t in footer._element.iter(qn("w:t")))
        assert "验证码" in text and "— 1 —" in text.replace("— 1 —", "— 1 —")
    # page numbers outside: odd pages right, even pages left (evenAndOddHeaders on)
    assert d.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    # the body: 3号 with an exact 225/22 mm pitch, condensed to 28 characters a line
    normal = d.styles["Normal"]
    assert normal.font.size.pt == 16 and round(normal.paragraph_format.line_spacing.pt, 2) == \
        layout.LINE_PT
    spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert 28 * (16 + spacing) <= layout.BLOCK_WIDTH_PT < 29 * (16 + spacing)
    # the office's faces named first, Windows' own names as fallbacks in the font table
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title_runs = [r for r in d.paragraphs[0].runs]
    assert title_runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    table = zipfile.ZipFile(io.BytesIO(unit_a.get("/unit/documents/letters/xdjs/dzxx.docx")
                                       .data)).read("word/fontTable.xml").decode()
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', table)
    # the title breaks where the PDF's does
    breaks = [len(r._element.findall(qn("w:br"))) for r in title_runs]
    assert sum(breaks) == 1 and title_runs[0].text.rstrip() == "关于推荐1项技术参加2021年“科创中国”"


def test_form_docx_tables(unit_a, db):
    nid = submit(unit_a, "xdjs", "dzxx")
    d = docx.Document(io.BytesIO(unit_a.get(f"/unit/documents/nominations/{nid}.docx").data))
    tables = d.tables
    assert len(tables) > 5
    for t in tables[:-1]:  # every table but the borderless QR row at the end
        tbl_pr = t._tbl.tblPr
        assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        # a long text runs on over pages, as in the PDF (推荐意见 with its seal stays whole)
        long_text = len(t.columns) == 1 and t.rows[0].cells[0].text != "推荐意见"
        for row in t.rows:
            kept = row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert kept != long_text  # other rows are kept whole
            for cell in row.cells:
                assert cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:type")) == "dxa"
    fields = tables[0]
    widths = [round(c.width.mm) for c in fields.rows[0].cells]
    assert widths == [45, 123]  # the PDF's 45 mm label column, the rest of the 168 mm block
    rows = [t for t in tables if t.rows[0].cells[0].text == "序号"]
    assert rows and all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in rows)
    headings = [p for p in d.paragraphs if re.match(r"[一二三四五六七八九十]+、", p.text)]
    for p in headings:  # kept with what follows (LibreOffice would move a whole long text)
        follower = p._p.getnext()
        long_text = follower.tag == qn("w:tbl") and len(follower.findall(qn("w:tblGrid") + "/" +
                                                                        qn("w:gridCol"))) == 1
        assert p.paragraph_format.keep_with_next != long_text, p.text
    assert [p.text for p in headings][:2] == ["一、基本信息", "二、主要完成人"]  # a Chinese form's
    assert headings[-1].text.endswith("推荐单位意见")
    qr = picture_paragraphs(d.element.body)
    assert len(qr) == 1 and line_rule(qr[0], d.styles)[0] == "auto"


def soffice(files: list, out, tmp_path) -> None:
    """LibreOffice headless with its own profile (two test runs at once do not share one)."""
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=240)


def qr_codes(pdf_path, tmp_path) -> list[str]:
    prefix = tmp_path / f"{pdf_path.stem}-png"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf_path), str(prefix)], check=True)
    return [b.text for png in sorted(tmp_path.glob(f"{prefix.name}-*.png"))
            for b in zxingcpp.read_barcodes(Image.open(png))]


def test_libreoffice_prints_the_docx_and_xlsx_like_the_pdf(unit_a, db, tmp_path):
    nid = submit(unit_a, "xdjs", "dzxx")
    submit(unit_a, "xrqy")
    files = {"letter.docx": "/unit/documents/letters/xdjs/dzxx.docx",
             "letter.pdf": "/unit/documents/letters/xdjs/dzxx.pdf",
             "form.docx": f"/unit/documents/nominations/{nid}.docx",
             "summary.xlsx": "/unit/documents/summary.xlsx"}
    src = tmp_path / "src"
    src.mkdir()
    for name, url in files.items():
        (src / name).write_bytes(unit_a.get(url).data)
    out = tmp_path / "lo"
    soffice([src / "letter.docx", src / "form.docx", src / "summary.xlsx"], out, tmp_path)
    letter_code = DocumentRecord.get(DocumentRecord.kind == "letter").code
    form_code = DocumentRecord.get(DocumentRecord.kind == "form").code
    # the QR codes Word would print decode (LibreOffice draws what the DOCX asks for)
    assert qr_codes(out / "letter.pdf", tmp_path) == [f"{BASE}/verify/{letter_code}"]
    assert f"{BASE}/verify/{form_code}" in qr_codes(out / "form.pdf", tmp_path)
    # the letter: one page, as the PDF, with the title broken at the same place
    word = (out / "letter.pdf").read_bytes()
    assert pages(word, tmp_path) == 1
    ours = [ln.text for ln in lines((src / "letter.pdf").read_bytes(), tmp_path, 1)][:2]
    theirs = [re.sub(r"\s", "", ln.text) for ln in lines(word, tmp_path, 1)][:2]
    assert theirs == ours, (theirs, ours)
    # its page number as the PDF's: 7 mm below the block, one character in from the right
    number = next(ln for ln in lines(word, tmp_path, 1) if re.sub(r"\s", "", ln.text) == "—1—")
    assert abs(number.y0 - 269) < 1 and abs(number.x1 - (184 - 14 / 72 * 25.4)) < 1, number
    used = subprocess.run(["pdffonts", str(out / "letter.pdf")], capture_output=True,
                          text=True).stdout
    assert "FandolFang" in used  # 仿宋_GB2312 resolved to the installed stand-in
    # the summary XLSX: every column on the first page's width
    first = " ".join(ln.text for ln in lines((out / "summary.pdf").read_bytes(), tmp_path, 1))
    for header in ("序号", "榜单", "领域", "名称", "推荐单位", "单位类型", "联系人", "联系电话", "提交时间",
                   "申报书验证码"):
        assert header in first, (header, first)
