"""DOCX with python-docx. Chinese needs its East Asian font set through w:eastAsia, the theme
font attributes removed and the language set (shared/FINDINGS.md); `_cjk` does that for styles
and runs alike."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import verify
from .content import ApplicationForm, FieldTable, Letter, RowTable, Stamp

BODY_FONT = "仿宋"      # FangSong: the body face of official documents (GB/T 9704)
TITLE_FONT = "黑体"     # SimHei
LATIN_FONT = "Times New Roman"


def _cjk(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set fonts on a style's or run's rPr: w:eastAsia included, theme fonts removed."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _document(size_pt: float, margins_mm: tuple[float, float, float, float],
              landscape: bool = False) -> Document:
    doc = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        style = doc.styles[name]
        _cjk(style.element, TITLE_FONT if name.startswith(("Title", "Heading")) else BODY_FONT)
        if name == "Normal":
            style.font.size = Pt(size_pt)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = \
        (Mm(m) for m in margins_mm)
    return doc


def _run(paragraph, text: str, font: str = BODY_FONT, size: float | None = None,
         bold: bool = False):
    run = paragraph.add_run(text)
    _cjk(run._element, font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold
    return run


def _field(paragraph, instruction: str, font: str = BODY_FONT, size: float | None = None):
    """A Word field such as PAGE or NUMPAGES, updated when the document is opened."""
    run = _run(paragraph, "", font, size)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == instruction else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} " if text == instruction else text
        run._element.append(el)


def _stamp(doc, stamp: Stamp) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(18)
    p.add_run().add_picture(io.BytesIO(verify.qr_png(stamp.url)), width=Mm(20))
    p = doc.add_paragraph()
    _run(p, f"验证码 {stamp.code}", TITLE_FONT, 9, bold=True)
    p = doc.add_paragraph()
    _run(p, f"扫描二维码或访问 {stamp.url} 核验本文件真伪", BODY_FONT, 8)


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_docx(letter: Letter, stamp: Stamp) -> bytes:
    doc = _document(16, (37, 26, 35, 28))
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing, normal.space_after = Pt(28.9), Pt(0)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(28.9)
    _run(p, letter.title, TITLE_FONT, 22, bold=True)
    p = doc.add_paragraph()
    _run(p, f"{letter.addressee}：")
    for text in [letter.opening] + [f"{i}．{item}" for i, item in enumerate(letter.items, 1)] \
            + letter.closing:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        _run(p, text)
    doc.add_paragraph()
    doc.add_paragraph()  # room for the seal
    for text in (letter.signer, letter.date):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(64)
        _run(p, text)
    _stamp(doc, stamp)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", size=14)
    _field(footer, "PAGE", size=14)
    _run(footer, " —", size=14)
    return _save(doc)


def _table(doc, rows: list[list[str]], header: list[str] | None = None, widths=None):
    table = doc.add_table(rows=0, cols=len(rows[0]) if rows else len(header or [1]))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(([header] if header else []) + rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            para = cell.paragraphs[0]
            _run(para, str(value), TITLE_FONT if header and r == 0 else BODY_FONT, 10.5)
    if widths:
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Mm(w)
    return table


def form_docx(form: ApplicationForm, stamp: Stamp) -> bytes:
    doc = _document(10.5, (25, 20, 22, 22))
    header = doc.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(header, f"{form.running_header} · {form.organisation}", TITLE_FONT, 9)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "第 ", size=9)
    _field(footer, "PAGE", size=9)
    _run(footer, " 页 共 ", size=9)
    _field(footer, "NUMPAGES", size=9)
    _run(footer, f" 页　验证码 {stamp.code}", size=9)

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, form.heading, TITLE_FONT, 20, bold=True)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, form.title, size=12)
    info = [["榜单", form.list_name]] + ([["所属领域", form.domain_name]] if form.domain_name
                                        else []) + \
        [["推荐单位", form.organisation], ["推荐编号", form.number], ["提交时间", form.submitted]]
    _table(doc, info, widths=(45, 120))
    for i, section in enumerate(form.sections, 1):
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(10)
        _run(p, f"{i}．{section.title}", TITLE_FONT, 12, bold=True)
        for block in section.blocks:
            if isinstance(block, RowTable):
                if block.label != section.title:
                    _run(doc.add_paragraph(), block.label, TITLE_FONT, 10.5)
                rows = [[str(n), *row] for n, row in enumerate(block.rows, 1)] or \
                    [["无"] + [""] * len(block.headers)]
                _table(doc, rows, header=["序号", *block.headers])
            elif isinstance(block, FieldTable):
                _table(doc, [[row.label, row.value] for row in block.rows], widths=(45, 120))
            else:
                _table(doc, [[block.label], [block.value]])
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    _run(p, f"{len(form.sections) + 1}．推荐单位意见", TITLE_FONT, 12, bold=True)
    _table(doc, [[row.label, row.value] for row in form.contact], widths=(45, 120))
    table = _table(doc, [["推荐意见"], [form.opinion]])
    cell = table.rows[1].cells[0]
    for text in ("", "", f"推荐单位（盖章）：{form.organisation}", "", "年　　月　　日"):
        para = cell.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(para, text)
    _run(doc.add_paragraph(), form.pledge)
    _stamp(doc, stamp)
    return _save(doc)
