"""DOCX with python-docx. Chinese needs its East Asian font set through w:eastAsia, the theme
font attributes removed and the language set (shared/FINDINGS.md); `_cjk` does that for styles
and runs alike. The faces are the office's own 公文 fonts from exports/fonts.py (仿宋_GB2312,
方正小标宋简体, 黑体, 楷体_GB2312), with Windows' own names as w:altName in the font table.

The letter follows GB/T 9704 as the PDF does: 28 characters a line through the document grid,
22 lines a page at an exact line pitch, the title broken where the PDF breaks it, page numbers
outside and 7 mm below the block, and the QR code in the footer beside them (in a paragraph with
automatic line spacing, so Word draws all of it)."""
from __future__ import annotations

import io
import math
import unicodedata

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import fonts, layout, verify
from .content import ApplicationForm, FieldTable, Letter, RowTable, Stamp, cn_heading

BODY_FONT = fonts.BODY.docx         # 仿宋_GB2312
TITLE_FONT = fonts.TITLE.docx       # 方正小标宋简体
HEADING_FONT = fonts.HEADING.docx   # 黑体
SUBHEADING_FONT = fonts.SUBHEADING.docx  # 楷体_GB2312
LATIN_FONT = fonts.LATIN


def _cjk(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set fonts on a style's or run's rPr: w:eastAsia included, theme fonts removed."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc) -> None:
    """Declare the 公文 faces in word/fontTable.xml with Windows' own name as w:altName (a
    machine without 仿宋_GB2312 uses 仿宋) and the GB 2312 character set."""
    from lxml import etree

    part = next(p for p in doc.part.package.parts if p.partname.endswith("fontTable.xml"))
    root = etree.fromstring(part.blob)
    for face in fonts.FACES:
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), face.docx)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), face.docx_alt)
        for tag, val in (("w:charset", "86"), ("w:family", "auto"), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _document(size_pt: float, margins_mm: tuple[float, float, float, float],
              landscape: bool = False) -> Document:
    doc = Document()
    faces = {"Title": TITLE_FONT, "Heading 1": HEADING_FONT, "Heading 2": SUBHEADING_FONT}
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        style = doc.styles[name]
        _cjk(style.element, faces.get(name, BODY_FONT))
        if name == "Normal":
            style.font.size = Pt(size_pt)
    _font_table(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = \
        (Mm(m) for m in margins_mm)
    return doc


def _run(paragraph, text: str, font: str = BODY_FONT, size: float | None = None,
         bold: bool = False, latin: str = LATIN_FONT):
    """A run in `font` (its digits and Latin letters in `latin`)."""
    run = paragraph.add_run(text)
    _cjk(run._element, font, latin)
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


def _auto_spacing(paragraph) -> None:
    """Single, automatic line spacing: a picture in the line gets all the height it needs
    (an exact pitch would clip it to one line)."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)


def _qr(paragraph, stamp: Stamp, size_mm: float = 20) -> None:
    _auto_spacing(paragraph)
    paragraph.add_run().add_picture(io.BytesIO(verify.qr_png(stamp.url)), width=Mm(size_mm))


def _stamp_text(cell_or_doc, stamp: Stamp, first=None) -> None:
    lines = [(f"验证码 {stamp.code}", HEADING_FONT, 9, True),
             ("扫描二维码或访问以下网址核验本文件真伪：", BODY_FONT, 8, False),
             (stamp.url, BODY_FONT, 8, False)]
    for i, (text, font, size, bold) in enumerate(lines):
        p = first if (i == 0 and first is not None) else cell_or_doc.add_paragraph()
        _auto_spacing(p)
        _run(p, text, font, size, bold=bold)


def _stamp(doc, stamp: Stamp) -> None:
    """The QR code and code at the end of a document: a borderless two-cell row, the picture in
    a paragraph with automatic spacing, kept together."""
    table = doc.add_table(rows=1, cols=2)
    _fixed_widths(table, (24, 120))
    qr_cell, text_cell = table.rows[0].cells
    _qr(qr_cell.paragraphs[0], stamp)
    _stamp_text(text_cell, stamp, first=text_cell.paragraphs[0])
    text_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _cant_split(table.rows[0])


_UNUSED_PARTS = ("stylesWithEffects", "thumbnail", "customXml", "webSettings")


def _lean(doc) -> None:
    """What python-docx's default template carries and no office needs: the Word 2010
    stylesWithEffects copy, the thumbnail, the latent-style table, and every style the
    document does not use (26 of a 41 KB 申报书 were these). Kept: the styles used, what they
    are based on, and the defaults."""
    for rels in (doc.part.package.rels, doc.part.rels):
        for rId, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                rels.pop(rId)
    styles = doc.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    elements = [part.element for part in doc.part.package.iter_parts()
                if hasattr(part, "element") and part.element is not styles]
    used = {el.get(qn("w:val")) for root in elements
            for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for el in root.iter(qn(tag))}
    by_id = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))}
    keep: set = set()
    todo = list(used) + [sid for sid, st in by_id.items()
                         if st.get(qn("w:default")) in ("1", "true")]
    while todo:
        st = by_id.get(todo.pop())
        if st is None or st.get(qn("w:styleId")) in keep:
            continue
        keep.add(st.get(qn("w:styleId")))
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = st.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in keep:
                todo.append(ref.get(qn("w:val")))
    for sid, st in by_id.items():
        if sid not in keep:
            styles.remove(st)


def _save(doc) -> bytes:
    _lean(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _no_grid(section) -> None:
    """No document grid: the exact line spacing gives 22 lines a page. (A character grid,
    linesAndChars, spread 13 characters over a line in LibreOffice, and a line grid made it put
    a 2号 title line on two grid lines; the 28 characters come from `_pitch` instead.)"""
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        for attr in ("w:type", "w:charSpace"):
            grid.attrib.pop(qn(attr), None)


def _pitch(style_or_run, size_pt: float, chars_per_line: int, width_pt: float) -> None:
    """Condense the character spacing (w:spacing, in twentieths of a point, rounded down) so
    that `chars_per_line` characters of `size_pt` fill `width_pt` and one more does not fit."""
    twips = math.floor((width_pt / chars_per_line - size_pt) * 20)
    _set_spacing(style_or_run.get_or_add_rPr(), twips)


# w:rPr's children after w:spacing, in the schema's order (Word and LibreOffice ignore a
# w:spacing placed after them)
_AFTER_SPACING = tuple(qn(f"w:{t}") for t in (
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"))


def _set_spacing(rpr, twips: int) -> None:
    spacing = rpr.find(qn("w:spacing"))
    if spacing is not None:
        rpr.remove(spacing)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    after = next((child for child in rpr if child.tag in _AFTER_SPACING), None)
    if after is not None:
        after.addprevious(spacing)
    else:
        rpr.append(spacing)


def _even_and_odd(doc) -> None:
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))


def _page_number(paragraph, outer: str) -> None:
    """4号 半角 "— 1 —", one character in from the outer edge."""
    _auto_spacing(paragraph)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if outer == "right" else WD_ALIGN_PARAGRAPH.LEFT
    if outer == "right":
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    _run(paragraph, "— ", "宋体", size=14)
    _field(paragraph, "PAGE", "宋体", size=14)
    _run(paragraph, " —", "宋体", size=14)


def _letter_footer(footer, stamp: Stamp, outer: str) -> None:
    """Footer row: the QR code and code on the inner side, the page number on the outer side,
    both hanging from the row's top, which sits 7 mm below the text block."""
    footer.is_linked_to_previous = False
    table = footer.add_table(rows=1, cols=3, width=Mm(156))
    cells = table.rows[0].cells
    if outer == "right":
        _fixed_widths(table, (22, 88, 46))
        qr_cell, text_cell, number_cell = cells
    else:
        _fixed_widths(table, (46, 22, 88))
        number_cell, qr_cell, text_cell = cells
    _cell_margins(table, 0, 0)  # so the number sits one character in from the block's edge
    _page_number(number_cell.paragraphs[0], outer)
    _qr(qr_cell.paragraphs[0], stamp, 18)
    _stamp_text(text_cell, stamp, first=text_cell.paragraphs[0])
    for p in footer.paragraphs:  # the empty paragraph Word requires after a table: no height
        _auto_spacing(p)
        p.paragraph_format.line_spacing = Pt(1)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY


def letter_docx(letter: Letter, stamp: Stamp) -> bytes:
    doc = _document(layout.BODY_PT, (37, 26, 35, 28))
    section = doc.sections[0]
    # the footer row (18 mm QR) hangs from 7 mm below the block: 35 - 7 - 18 mm from the edge
    section.footer_distance = Mm(10)
    section.header_distance = Mm(15)
    _no_grid(section)
    _pitch(doc.styles["Normal"].element, layout.BODY_PT, layout.CHARS_PER_LINE,
           layout.BLOCK_WIDTH_PT)
    pitch = layout.BLOCK_WIDTH_PT / layout.CHARS_PER_LINE
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing, normal.space_after, normal.space_before = \
        Pt(layout.LINE_PT), Pt(0), Pt(0)
    normal.widow_control = False  # GB/T 9704 fills every line of a page
    body = doc.paragraphs[0] if doc.paragraphs else None
    # the PDF's own lines (exports/layout.letter_lines): explicit line and page breaks, each
    # line's character spacing, digits in the line's own face, no automatic CJK-Latin spaces
    _cjk(doc.styles["Normal"].element, BODY_FONT, latin=BODY_FONT)
    _no_auto_space(doc.styles["Normal"].element)
    current = signature_box = None
    first = True
    printed = layout.letter_lines(letter)
    signatures = [line for line in printed if line.kind == "sig"]
    for line in printed:
        if line.kind == "title":
            if line.para_start:
                current = doc.add_paragraph()
                current.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                current.runs[-1].add_break()
            # the title's digits in its own face
            run = _run(current, line.text, TITLE_FONT, layout.TITLE_PT, latin=TITLE_FONT)
            _pitch(run._element, layout.TITLE_PT, 1, layout.TITLE_PT)  # no condensing
        elif line.kind == "sig":
            if signature_box is None:
                signature_box = _signature_box(doc, signatures, pitch)
            box_pt = signature_box.columns[0].width.pt
            if line is signatures[-1] or _printed_pt(line) + 2 < box_pt:  # centred in the box
                current = signature_box.cell(0, 0).add_paragraph()
                current.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:  # a name wider than the box: flush right above it, as in the PDF
                current = doc.add_paragraph()
                current.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                signature_box._tbl.addprevious(current._p)
            _set_spacing(_run(current, line.text, latin=BODY_FONT)._element.get_or_add_rPr(),
                         math.floor(line.spacing_pt * 20 + 1e-6))
        elif line.para_start or line.kind in ("blank", "docnum"):
            current = doc.add_paragraph()
            current.alignment = WD_ALIGN_PARAGRAPH.RIGHT if line.kind == "docnum" \
                else WD_ALIGN_PARAGRAPH.LEFT
            if line.indent:
                current.paragraph_format.first_line_indent = Pt(2 * pitch)
            if line.text:
                _spaced(_run(current, line.text, latin=BODY_FONT), line.spacing_pt)
        else:
            current.runs[-1].add_break()
            _spaced(_run(current, line.text, latin=BODY_FONT), line.spacing_pt)
        if first and letter.letterhead_mm:
            current.paragraph_format.space_before = Mm(letter.letterhead_mm)
        first = False
        if line.page_break and line.para_start:
            current.paragraph_format.page_break_before = True
    if body is not None:
        body._element.getparent().remove(body._element)
    if signature_box is not None and signature_box._tbl.getnext() is not None and \
            signature_box._tbl.getnext().tag == qn("w:sectPr"):
        # Word ends a document with a paragraph: a hairline one, which adds no line to the page
        tail = doc.add_paragraph()
        tail.paragraph_format.line_spacing = Pt(1)
        _run(tail, "", size=1)
    _even_and_odd(doc)
    _letter_footer(section.footer, stamp, "right")
    _letter_footer(section.even_page_footer, stamp, "left")
    return _save(doc)


def _printed_pt(line) -> float:
    """A line's printed width: its characters and the spacing after each."""
    return layout.em_width(line.text) * layout.BODY_PT + len(line.text) * line.spacing_pt


def _signature_box(doc, signatures, pitch: float):
    """The unit's name and the date centred in one borderless cell whose centre is the date's
    (four characters from the right, GB/T 9704 7.3.5.1): every renderer then centres the name
    over the date it draws, whatever width it gives the digits (LibreOffice spaces them out)."""
    date = signatures[-1]
    width_pt = 2 * date.right_em * pitch + _printed_pt(date)
    table = doc.add_table(rows=1, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    _fixed_widths(table, [width_pt / 72 * 25.4])
    _cell_margins(table, 0, 0)
    cell = table.cell(0, 0)
    cell._tc.remove(cell.paragraphs[0]._p)  # the cell's paragraphs are the two lines
    return table


def _autospaces(text: str) -> int:
    """Where LibreOffice puts its Asian/Western space (1/5 em) in a line: between a Chinese
    character and a Latin letter or digit, either way round (not beside punctuation). It
    ignores w:autoSpaceDE="0", which Word and WPS honour."""
    def ideograph(ch):
        return unicodedata.category(ch) == "Lo" and unicodedata.east_asian_width(ch) in "WF"

    def western(ch):
        return ch.isascii() and ch.isalnum()

    return sum(1 for a, b in zip(text, text[1:])
               if (ideograph(a) and western(b)) or (western(a) and ideograph(b)))


def _spaced(run, spacing_pt: float) -> None:
    """Character spacing after every character (CSS letter-spacing), in whole twentieths of
    a point, rounded down so a full line never wraps; less by LibreOffice's Asian/Western
    spaces in the line, so that its render keeps the PDF's lines too (Word and WPS, which add
    none, print such a line a few points short of the margin)."""
    text = run.text
    if text:  # (and a point and a half of slack: LibreOffice rounds each advance to twips)
        spacing_pt -= (_autospaces(text) * 0.2 * layout.BODY_PT + 1.5) / len(text)
    _set_spacing(run._element.get_or_add_rPr(), math.floor(spacing_pt * 20 + 1e-6))


def _no_auto_space(style_element) -> None:
    """No space added between Chinese and Latin letters or digits (LibreOffice's “推荐 5 家”):
    the lines' widths are the PDF's."""
    ppr = style_element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = ppr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            ppr.append(el)
        el.set(qn("w:val"), "0")


def _fixed_widths(table, widths_mm) -> None:
    """Column widths Word and LibreOffice keep: w:tblLayout fixed, w:gridCol and every w:tcW."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout_el = tbl_pr.find(qn("w:tblLayout"))
    if layout_el is None:
        layout_el = OxmlElement("w:tblLayout")
        tbl_pr.append(layout_el)
    layout_el.set(qn("w:type"), "fixed")
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(OxmlElement("w:tblHeader"))


FORM_WIDTH_MM = 168          # the 申报书's text block (margins 22/20 mm), as in print.css
LABEL_MM = 45                # label column; the value takes the rest
NUMBER_MM = 14               # 序号 column of repeating rows (two characters and the padding)


FORM_PT = 12.0               # the 申报书's text (小四), as in print.css
FORM_LINE_PT = 20.0          # and its exact line pitch: the PDF and the DOCX fill pages alike


def _cell_margins(table, top_mm: float, side_mm: float) -> None:
    """The table's cell margins, above and below, left and right."""
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", top_mm), ("left", side_mm), ("bottom", top_mm), ("right", side_mm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _table(doc, rows: list[list[str]], header: list[str] | None = None, widths=None,
           size: float = 10.5, split: bool = False):
    """A bordered table with fixed widths (default: equal shares of the block, 序号 narrow),
    rows never split across pages (but a long text's, `split`), the header row repeated on
    each page."""
    cols = len(rows[0]) if rows else len(header or [1])
    if widths is None:
        if header and header[0] == "序号" and cols > 1:
            rest = (FORM_WIDTH_MM - NUMBER_MM) / (cols - 1)
            widths = (NUMBER_MM, *([rest] * (cols - 1)))
        else:
            widths = (FORM_WIDTH_MM / cols,) * cols
    table = doc.add_table(rows=0, cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(([header] if header else []) + rows):
        row = table.add_row()
        if not split:
            _cant_split(row)
        if header and r == 0:
            _repeat_header(row)
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            para = cell.paragraphs[0]
            label = (header and r == 0) or (widths[0] == LABEL_MM and c == 0)
            _run(para, str(value), HEADING_FONT if label else BODY_FONT, size)
    _fixed_widths(table, widths)
    return table


def _heading(doc, text: str, font: str, size: float, before: float = 10):
    """A heading kept on the page of what follows it."""
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.keep_with_next = True
    _run(p, text, font, size)
    return p


def form_docx(form: ApplicationForm, stamp: Stamp) -> bytes:
    doc = _document(FORM_PT, (25, 20, 22, 22))
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing, normal.space_after, normal.space_before = Pt(FORM_LINE_PT), Pt(0), Pt(0)
    header = doc.sections[0].header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(header, f"{form.running_header} · {form.organisation}", HEADING_FONT, 9)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "第 ", size=9)
    _field(footer, "PAGE", size=9)
    _run(footer, " 页 共 ", size=9)
    _field(footer, "NUMPAGES", size=9)
    _run(footer, f" 页　验证码 {stamp.code}", size=9)

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(22 * 1.4)  # print.css .form h1
    p.paragraph_format.space_before, p.paragraph_format.space_after = Mm(4), Mm(2)
    _run(p, form.heading, TITLE_FONT, 22)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Mm(6)
    _run(p, form.title, size=14)
    info = [["榜单", form.list_name]] + ([["所属领域", form.domain_name]] if form.domain_name
                                        else []) + \
        [["推荐单位", form.organisation], ["推荐编号", form.number], ["提交时间", form.submitted]]
    pair = (LABEL_MM, FORM_WIDTH_MM - LABEL_MM)

    def table(rows, split=False, **kw):
        t = _table(doc, rows, size=FORM_PT, split=split, **kw)
        _cell_margins(t, 1.6, 2)  # print.css: padding 1.6mm 2mm
        gap = doc.add_paragraph()  # print.css: 2 mm below each table (and no merged tables)
        gap.paragraph_format.line_spacing = Mm(2)
        return t

    def heading(text, font, size, before_mm, after_mm):  # print.css h2, h3
        p = _heading(doc, text, font, size, before=before_mm * 72 / 25.4)
        p.paragraph_format.space_after = Mm(after_mm)
        return p

    table(info, widths=pair)
    for i, section in enumerate(form.sections, 1):
        heading(f"{cn_heading(i)}{section.title}", HEADING_FONT, 14, 6, 2)
        for block in section.blocks:
            if isinstance(block, RowTable):
                if block.label != section.title:
                    heading(block.label, SUBHEADING_FONT, 12, 3, 1)
                rows = [[str(n), *row] for n, row in enumerate(block.rows, 1)] or \
                    [["无"] + [""] * len(block.headers)]
                table(rows, header=["序号", *block.headers])
            elif isinstance(block, FieldTable):
                table([[row.label, row.value] for row in block.rows], widths=pair)
            else:  # a long text may run over pages, as in the PDF
                before = doc.paragraphs[-1]
                if before.paragraph_format.keep_with_next:  # LibreOffice would keep the heading
                    before.paragraph_format.keep_with_next = False  # with the whole long row
                table([[block.label], [block.value]], split=True, widths=(FORM_WIDTH_MM,))
    heading(f"{cn_heading(len(form.sections) + 1)}推荐单位意见", HEADING_FONT, 14, 6, 2)
    table([[row.label, row.value] for row in form.contact], widths=pair)
    opinion = table([["推荐意见"], [form.opinion]], widths=(FORM_WIDTH_MM,))
    cell = opinion.rows[1].cells[0]
    for text in ("", "", f"推荐单位（盖章）：{form.organisation}", "", "年　　月　　日"):
        para = cell.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(para, text)
    _run(doc.add_paragraph(), form.pledge)
    _stamp(doc, stamp)
    return _save(doc)
