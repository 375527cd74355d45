"""The paper copies measured as printed: text block position and width, characters a line,
lines a page, page count and fonts, read back from the PDFs with poppler (pdftotext's word boxes,
pdffonts, and table rules found in a 300 dpi render)."""
import io
import re
import subprocess
from dataclasses import dataclass
from html import unescape

import pytest
from PIL import Image
from pypdf import PdfReader

from exports import content as c
from exports import layout, pdf
from kczg.models import DocumentRecord
from tests.conftest import csrf_token
from tests.exports.test_documents import keep_png, submit

pytestmark = pytest.mark.usefixtures("collection_open")
MM = 72 / 25.4
TOL = 0.5  # mm
STAMP = c.Stamp("ABCD-EFGH-JKMN", "https://kczg.example.org/verify/ABCD-EFGH-JKMN")
PITCH_MM = 156 / 28
LINE_MM = layout.LINE_PT / MM


@dataclass
class Line:
    x0: float  # mm from the page's left edge
    y0: float  # mm from the top: the glyph box's top
    x1: float
    y1: float
    text: str


def lines(data: bytes, tmp_path, page: int) -> list[Line]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page),
                          str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">(.*?)</line>', out, re.S):
        text = "".join(unescape(w) for w in re.findall(r">([^<]*)</word>", m.group(5)))
        found.append(Line(*(float(m.group(i)) / MM for i in range(1, 5)), text))
    return found


def pages(data: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


def line_top(line: Line) -> float:
    """Top of the line box of a 3号 仿宋 body line: FandolFang's glyph box is exactly one em
    (ascent 0.88 + descent 0.12), centred in the line by the half-leading."""
    return line.y0 - (layout.LINE_PT - layout.BODY_PT) / 2 / MM


def body_lines(found: list[Line]) -> list[Line]:
    """The lines inside the text block (not the page number or the QR note below it)."""
    return [ln for ln in found if ln.y1 < 37 + 225 + 0.5]


def letter(items: list[tuple[str, str]], signer="中国电子学会") -> c.Letter:
    n = len(items)
    segments = [f"关于推荐{n}项技术", "参加", "2021年“科创中国”", "先导技术榜", "（电子信息领域）",
                "遴选的函"]
    return c.Letter(
        title="".join(segments), title_lines=layout.balanced_title(segments),
        addressee="中国科协信息科技学会联合体",
        opening=f"根据《中国科协办公厅关于征集遴选2021“科创中国”榜单的通知》，现推荐以下{n}项技术"
                "参加2021年“科创中国”先导技术榜（电子信息领域）遴选：",
        items=[c.LetterItem(t, u) for t, u in items],
        closing=["以上材料经本单位审核，真实准确，无知识产权纠纷，未违反科研诚信要求；"
                 "纸质材料由本单位留存备查。特此函告。"],
        signer=signer, date="2021年10月20日", note="（联系人：张三，联系电话：010-68283463）")


LONG = "面向新一代信息基础设施的超大规模数据中心液冷散热系统与智能运维调度平台关键技术研究及产业化应用示范"


def test_letter_geometry_after_gbt_9704(tmp_path):
    data = pdf.letter_pdf(letter([(LONG, "清华大学")] + [(f"第{i}项电子信息技术", "中国科学院")
                                                     for i in range(2, 51)]), STAMP)
    assert pages(data, tmp_path) >= 3
    first = body_lines(lines(data, tmp_path, 1))
    # the title: two lines, centred, 2号 on the 28.95 pt grid
    assert [ln.text for ln in first[:2]] == ["关于推荐50项技术参加2021年“科创中国”",
                                             "先导技术榜（电子信息领域）遴选的函"]
    for ln in first[:2]:
        assert abs((ln.x0 + ln.x1) / 2 - (28 + 78)) < TOL, ln
    # 主送 flush left on the fourth grid line (title 2 lines, one blank): block top 37 mm
    addressee = first[2]
    assert addressee.text == "中国科协信息科技学会联合体："
    assert abs(addressee.x0 - 28) < TOL, addressee
    assert abs(line_top(addressee) - (37 + 3 * LINE_MM)) < TOL, line_top(addressee)
    # the long item: its second line is a full line of 28 Chinese characters, edge to edge
    item = next(i for i, ln in enumerate(first) if ln.text.startswith("1．"))
    full = first[item + 1]
    assert len(full.text) == 28 and re.fullmatch(r"[\u4e00-\u9fff\uff08\uff09]{28}", full.text), full.text
    assert abs(full.x0 - 28) < TOL and abs(full.x1 - 184) < TOL, full
    # an indented first line starts two characters in and also ends on the right edge
    assert abs(first[item].x0 - (28 + 2 * PITCH_MM)) < TOL and abs(first[item].x1 - 184) < TOL
    # page 2 is all body text: 22 lines, the first at the block's top, one every 225/22 mm
    second = body_lines(lines(data, tmp_path, 2))
    assert len(second) == 22, [ln.text for ln in second]
    assert abs(line_top(second[0]) - 37) < TOL, line_top(second[0])
    assert abs(line_top(second[-1]) + LINE_MM - (37 + 225)) < TOL
    for ln in second:
        assert abs(ln.x0 - 28) < TOL or abs(ln.x0 - (28 + 2 * PITCH_MM)) < TOL, ln
        assert ln.x1 < 184 + TOL, ln
    # page numbers: 4号 "— 2 —", 7 mm below the block, one character in from the outer edge
    number = next(ln for ln in lines(data, tmp_path, 2) if ln.text == "—2—")
    assert abs(number.y0 - (37 + 225 + 7)) < TOL and abs(number.x0 - (28 + 14 / MM)) < TOL
    number = next(ln for ln in lines(data, tmp_path, 1) if ln.text == "—1—")
    assert abs(number.y0 - 269) < TOL and abs(number.x1 - (184 - 14 / MM)) < TOL
    # the 仿宋 and 小标宋 stand-ins are embedded, as subsets
    used = fonts(data, tmp_path)
    for face in ("FandolFang", "KCZG-Title-Heavy"):
        assert re.search(r"[A-Z]{6}\+" + face + r"\s.*yes\s+yes", used), (face, used)


def test_letter_signature_block(tmp_path):
    data = pdf.letter_pdf(letter([("面向6G的太赫兹通信关键技术", "清华大学")]), STAMP)
    found = body_lines(lines(data, tmp_path, 1))
    date = next(ln for ln in found if ln.text == "2021年10月20日")
    name = next(ln for ln in found if ln.text == "中国电子学会")
    assert abs((184 - date.x1) - 4 * PITCH_MM) < TOL  # the date four characters from the right
    assert abs((name.x0 + name.x1) / 2 - (date.x0 + date.x1) / 2) < TOL  # the name centred over it
    assert abs(date.y0 - name.y0 - LINE_MM) < TOL
    note = found[found.index(date) + 1]  # 附注 on the line under the date, indented two characters
    assert note.text.startswith("（联系人：张三") and abs(note.x0 - (28 + 2 * PITCH_MM)) < TOL
    last_text = found[found.index(name) - 1]
    assert name.y0 - last_text.y0 > 2.5 * LINE_MM  # two blank lines: room for the seal


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_letters_of_up_to_five_items_fit_one_page(count, unit_a, db, tmp_path):
    """Through the unit's own download: 新锐企业榜 takes five per unit (推荐5家企业)."""
    names = ["北京示例微电子科技有限公司", "深圳市智能网联汽车电子电气架构技术有限公司",
             "杭州云端数据中心液冷散热系统科技股份有限公司", "上海示例生物医药研发有限公司",
             "合肥量子精密测量与量子通信设备制造有限公司"]
    for i in range(count):
        submit(unit_a, "xrqy", company_name=names[i],
               uscc=["91110108551385082Q", "91440300MA5F00001A", "91330100MA2B00003E",
                     "91310000MA1K00004J", "91340100MA2T00006J"][i])
    r = unit_a.get("/unit/documents/letters/xrqy.pdf")
    assert r.status_code == 200
    assert pages(r.data, tmp_path) == 1
    text = "".join(ln.text for ln in lines(r.data, tmp_path, 1))
    assert f"关于推荐{count}家企业参加" in text and names[count - 1] in text
    code = DocumentRecord.get(DocumentRecord.kind == "letter").code
    assert code in text  # the QR's code in the bottom margin of that one page
    if count == 5:
        keep_png(r.data, "letter-5-items")


def rules(data: bytes, tmp_path, page: int) -> tuple[list[float], list[float]]:
    """Table rules on a page, in mm: x of vertical rules, y of horizontal ones (300 dpi)."""
    path = tmp_path / "rules.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-gray", "-r", "300", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(tmp_path / "rules")], check=True)
    img = Image.open(tmp_path / "rules.pgm")
    w, h = img.size
    px = img.load()
    per_mm = 300 / 25.4
    # a vertical rule: a column dark over at least 12 mm (no glyph stack is that tall)
    xs = [x / per_mm for x in range(w)
          if sum(px[x, y] < 128 for y in range(0, h, 2)) * 2 > 12 * per_mm]
    ys = [y / per_mm for y in range(h)
          if sum(px[x, y] < 128 for x in range(0, w, 4)) > w / 4 / 2]
    return xs, ys


def test_form_block_and_fonts(tmp_path):
    """申报书: block 168 mm at left 22 mm, top 25 mm (a table continued on page 2 repeats its
    header row at the block's top); 小标宋 title, 黑体 headings, 楷体 subheadings, 仿宋 text."""
    people = c.RowTable("主要完成人", ["姓名", "单位", "职称", "贡献"],
                        [[f"完成人{i}", "中国科学院计算技术研究所", "研究员", "总体设计与关键算法"]
                         for i in range(1, 61)])
    form = c.ApplicationForm(
        heading="2021“科创中国”先导技术榜申报书", running_header="2021“科创中国”榜单 · 先导技术榜",
        title="测试技术", list_name="先导技术榜", domain_name="电子信息", organisation="中国电子学会",
        number="先导技术榜-电子信息-01",
        sections=[c.Section("基本情况", [c.FieldTable([c.FieldRow("技术名称", "测试技术")])]),
                  c.Section("完成人情况", [people])],
        opinion="同意推荐。", contact=[c.FieldRow("联系人", "张三")], pledge="本单位承诺……",
        submitted="2021-10-20 10:00", first_unit="清华大学", code="91110108551385082Q")
    data = pdf.form_pdf(form, STAMP)
    assert pages(data, tmp_path) >= 3
    xs, ys = rules(data, tmp_path, 2)
    assert abs(min(xs) - 22) < TOL and abs(max(xs) - (210 - 20)) < TOL, (min(xs), max(xs))
    body = [y for y in ys if y > 24]  # the running header's rule sits at 25 mm too
    assert abs(min(body) - 25) < TOL, min(body)
    page2 = [ln.text for ln in lines(data, tmp_path, 2)]
    assert "序号" in page2[1] or "序号" in "".join(page2[:3])  # the header row repeated
    used = fonts(data, tmp_path)
    for face in ("KCZG-Title-Heavy", "FandolHei", "FandolKai", "FandolFang"):
        assert face in used, (face, used)


def test_summary_geometry_and_cells(unit_a, db, tmp_path):
    """汇总表: landscape, block between 12 mm margins, header row repeated; times to the minute,
    headers and codes on one line; the unit's summary ends with its 填表人/日期/盖章 line."""
    submit(unit_a, "xrqy", uscc="91110108551385082Q")
    submit(unit_a, "kycx")
    r = unit_a.get("/unit/documents/summary.pdf")
    data = r.data
    xs, _ = rules(data, tmp_path, 1)
    assert abs(min(xs) - 12) < TOL and abs(max(xs) - (297 - 12)) < TOL, (min(xs), max(xs))
    found = lines(data, tmp_path, 1)
    text = [ln.text for ln in found]
    for header in ("序号", "榜单", "领域", "名称", "推荐单位", "单位类型", "联系人", "联系电话", "提交时间",
                   "申报书验证码"):
        assert header in text, (header, text)  # each header whole on one line
    assert "91110108551385082Q" in text
    times = [t for t in text if re.fullmatch(r"2021-\d\d-\d\d\d\d:\d\d", t)]
    assert times and not any(re.search(r":\d\d:\d\d|\.\d{3}", t) for t in text)
    assert any(t.startswith("填表人") for t in text) and "（推荐单位盖章）" in text
    keep_png(data, "summary")


def test_summary_xlsx_prints_on_one_page_width(unit_a, db):
    import io

    from openpyxl import load_workbook

    submit(unit_a, "xrqy")
    r = unit_a.get("/unit/documents/summary.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    setup = ws.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    cells = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "填表人：" in cells and "（推荐单位盖章）" in cells


def test_unit_sets_letter_number_and_letterhead(unit_a, db, tmp_path):
    """发文字号 printed right-aligned above the title; letterhead room moves the title down."""
    submit(unit_a, "xrqy")
    token = csrf_token(unit_a, "/unit/")
    r = unit_a.post("/unit/letters/xrqy/settings", data={
        "csrf_token": token, "number": "中电学函〔2021〕15号", "letterhead_mm": "40"})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    data = unit_a.get("/unit/documents/letters/xrqy.pdf").data
    found = lines(data, tmp_path, 1)
    number = next(ln for ln in found if ln.text == "中电学函〔2021〕15号")
    assert abs(number.x1 - 184) < TOL
    assert abs(line_top(number) - (37 + 40)) < TOL
    assert pages(data, tmp_path) == 1
    bad = unit_a.post("/unit/letters/xrqy/settings", data={
        "csrf_token": token, "number": "x" * 300, "letterhead_mm": "九十"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "请输入0—80之间的整数" in page and "发文字号" in page


def test_summary_block_top_on_continued_pages(tmp_path):
    """A long 汇总表 continues on page 2 with its header row at the block's top (15 mm)."""
    rows = [[i, "先导技术榜", "电子信息", f"第{i}项技术", "中国电子学会", "全国学会", "91110108551385082Q",
             "王明", "010-68283463", "2021-10-20 10:00", "ABCD-EFGH-JKMN"] for i in range(1, 80)]
    summary = c.Summary("中国电子学会推荐汇总表", "全国学会 · 共79项",
                        ["序号", "榜单", "领域", "名称", "推荐单位", "单位类型", "统一社会信用代码/仓库地址",
                         "联系人", "联系电话", "提交时间", "申报书验证码"], rows,
                        [4, 12, 6, 22, 16, 10, 20, 6, 12, 10, 13])
    data = pdf.summary_pdf(summary, STAMP)
    assert pages(data, tmp_path) >= 2
    xs, ys = rules(data, tmp_path, 2)
    assert abs(min(ys) - 15) < TOL, min(ys)
    assert abs(min(xs) - 12) < TOL and abs(max(xs) - 285) < TOL
    assert "序号" in [ln.text for ln in lines(data, tmp_path, 2)]


@pytest.mark.parametrize("rows,signoff", [(10, False), (12, False), (13, True), (30, False)])
def test_summary_qr_shares_the_last_page_with_the_table(rows, signoff, tmp_path):
    """The QR and code sit in the bottom margin of the table's last page: never a page of
    their own, whatever the number of rows."""
    columns = ["序号", "榜单", "名称", "推荐单位", "统一社会信用代码", "联系人", "联系电话", "验证码"]
    summary = c.Summary("推荐汇总表", "初评材料", columns,
                        [[i, "先导技术榜", f"面向边缘计算的低功耗人工智能芯片架构{i}", "中国电子学会",
                          "91110108551385082Q", "王明", "010-68283463", f"ROW{i:02d}-CODE"]
                         for i in range(1, rows + 1)], [4, 8, 24, 14, 18, 6, 12, 14],
                        signoff=signoff)
    data = pdf.summary_pdf(summary, STAMP)
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    count = len(PdfReader(io.BytesIO(data)).pages)
    last = subprocess.run(["pdftotext", "-f", str(count), "-l", str(count), str(path), "-"],
                          capture_output=True, text=True).stdout
    stamp = re.compile(r"验证码\s*" + STAMP.code + r"(?!-)")  # not a page's own code
    assert f"ROW{rows:02d}-CODE" in last and stamp.search(last), (count, last[-300:])
    earlier = subprocess.run(["pdftotext", "-l", str(max(count - 1, 1)), str(path), "-"],
                             capture_output=True, text=True).stdout if count > 1 else ""
    assert not stamp.search(earlier)
