"""The Word round trip: a list's form as a DOCX a unit fills offline (in Word or WPS, passed
round the unit for approval), and that file — or any 申报书 DOCX the platform produced — read
back into a draft.

Both are label | value tables (a long text: its label above its value; repeating rows: a table
whose header row names the row's fields). A file is read by meaning, not by table shape: each
label cell of the template carries a bookmark naming its field (kczg_<field name>), and every
label is also known by its text, and the value is the cell after it. Bookmarks and core
properties survive being saved again by LibreOffice (tested: tests/views/test_word_resaved.py),
which merges the template's tables; content controls (w:sdt) in table cells do not. The
document's subject says the list and year (kczg-form:<code>:<year>), so does its heading, so a
file of another list or year is refused. What is read is then validated as if typed.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table

from kczg.parsing import parse_amount

from . import docx as dx
from .content import cn_heading

SUBJECT = "kczg-form:"
IGNORED_LABELS = {"榜单", "推荐单位", "推荐编号", "提交时间", "序号"}
SEAL_LINES = re.compile(r"^(推荐单位（盖章）：.*|年\s*月\s*日)$")
CN_DATE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*$")
HINT_LINE = re.compile(r"^(必填|选填)(；|$)")     # the template's own hints, never a value
HEADING = re.compile(r"(\d{4})年?[“\"]科创中国[”\"](.+?)(?:申报书|推荐表)")
MARK = "kczg_"                                     # bookmark names: kczg_<field name>
ALIASES = {"诚信承诺": "pledge"}                    # labels that are not the field's own
AGREE = {"同意", "是", "√", "✓", "✔", "☑", "已阅读并同意", "承诺", "y", "yes", "Y"}
PLEDGE_HINT = "必填；{pledge}同意请在右侧填写“同意”（也可上传后在页面上勾选）"


class WordFormError(ValueError):
    """A file that cannot be read back (Chinese message for the unit)."""


def _hint(f) -> str:
    parts = ["必填" if f.flags.required else "选填"]
    limit = next((v.limit for v in f.validators if type(v).__name__ == "MaxChars"), None)
    if limit:
        parts.append(f"不超过{limit}字")
    if f.type == "SelectField":
        options = [str(label) for value, label in f.choices if value != ""]
        parts.append("填写其一：" + "、".join(options[:40]))
    if f.type == "DateField":
        parts.append("日期如 2021年10月20日")
    if f.description and not limit:
        parts.append(str(f.description))
    return "；".join(parts)


def mark(cell, name: str, number: int) -> None:
    """Put the field's bookmark (kczg_<name>) on a label cell's first paragraph."""
    paragraph = cell.paragraphs[0]._p
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), (MARK + name)[:40])
    end.set(qn("w:id"), str(number))
    paragraph.insert(1 if paragraph.pPr is not None else 0, start)
    paragraph.append(end)


def _label_cell(cell, label: str, hint: str, name: str, number: int) -> None:
    dx._run(cell.paragraphs[0], label, dx.HEADING_FONT, 10.5)
    mark(cell, name, number)
    p = cell.add_paragraph()
    run = dx._run(p, hint, dx.BODY_FONT, 8)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)


def template_docx(form, code: str, list_name: str, heading: str, year: int | str = "",
                  rows_each: int = 3) -> bytes:
    """The list's form as a DOCX to fill in: every field a labelled cell (with its limits as a
    hint), repeating groups as tables with empty rows (add more in Word as needed), the pledge
    last."""
    doc = dx._document(12, (25, 20, 22, 22))
    doc.core_properties.subject = f"{SUBJECT}{code}:{year}" if year else SUBJECT + code
    doc.core_properties.title = f"{heading}（Word填报模板）"
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dx._run(p, heading, dx.TITLE_FONT, 22)
    p = doc.add_paragraph()
    dx._run(p, "填写说明：请在每项右侧（长文本在其下方）的空白格中填写，不要修改左侧的项目名称；"
               "灰色的提示可以保留，也可以直接改写为所填内容；多行的表格可在Word中增加行。"
               "金额按项目名称中的单位填写（如“1800”或“1800万元”）。填好后在平台的推荐页面"
               "点击“上传Word填报”，平台读取后按网上填写的规则逐项检查。", dx.BODY_FONT, 10.5)
    number = 0
    pair = (dx.LABEL_MM, dx.FORM_WIDTH_MM - dx.LABEL_MM)
    for index, (title, names) in enumerate(form.sections(), 1):
        dx._heading(doc, f"{cn_heading(index)}{title}", dx.HEADING_FONT, 14)
        for name in names:
            f = form[name]
            number += 1
            if f.type == "BooleanField":
                table = dx._table(doc, [["", ""]], widths=pair)
                _label_cell(table.rows[0].cells[0], "诚信承诺",
                            PLEDGE_HINT.format(pledge=f.label.text), name, number)
                continue
            if f.type == "Rows":
                subs = list(f.entries[0].form)
                if str(f.label.text) != title:
                    dx._heading(doc, str(f.label.text), dx.SUBHEADING_FONT, 12, before=4)
                table = dx._table(doc, [[str(i)] + [""] * len(subs) for i in
                                        range(1, rows_each + 1)],
                                  header=["序号", *[str(s.label.text) for s in subs]])
                mark(table.rows[0].cells[0], name, number)
                for cell, sub in zip(table.rows[0].cells[1:], subs):
                    run = dx._run(cell.add_paragraph(), _hint(sub), dx.BODY_FONT, 7)
                    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
            elif f.type == "TextAreaField":
                table = dx._table(doc, [[""], [""]], widths=(dx.FORM_WIDTH_MM,))
                _label_cell(table.rows[0].cells[0], str(f.label.text), _hint(f), name, number)
                table.rows[1].height = Pt(120)
            else:
                table = dx._table(doc, [["", ""]], widths=pair)
                _label_cell(table.rows[0].cells[0], str(f.label.text), _hint(f), name, number)
    return dx._save(doc)


@dataclass
class Reading:
    """What a file gave: form data (as a page would send it), and the report for the unit in
    its own words (labels and the options' names, never internal codes)."""

    data: dict[str, list[str]] = field(default_factory=dict)
    read: list[tuple[str, str]] = field(default_factory=list)       # (label, value as shown)
    unknown: list[str] = field(default_factory=list)                # labels not in the form
    unreadable: list[str] = field(default_factory=list)             # values that did not fit


@dataclass
class _Cell:
    label: str                      # its first line, as a label would be compared
    lines: list[str]
    marks: set[str]                 # the kczg_ bookmarks it holds


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "").rstrip("：:*＊")


def _is_hint(line: str) -> bool:
    return bool(HINT_LINE.match(line.strip()))


_DROPPED = {qn("w:del"), qn("w:moveFrom"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _text_of(p) -> str:
    """A paragraph's text as a reader sees it: runs inside tracked insertions (修订), content
    controls, hyperlinks and fields included (python-docx's Paragraph.text skips all but the
    first and the last), deleted or moved-away text left out."""
    out = []
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if el.getparent().tag != qn("w:r"):  # a tab stop of the paragraph's style, not text
            continue
        if any(a.tag in _DROPPED for a in el.iterancestors()):
            continue
        out.append(el.text or "" if el.tag == qn("w:t") else
                   "\t" if el.tag == qn("w:tab") else "\n")
    return "".join(out)


def _tables(document) -> list:
    """The document's tables in reading order, also those inside a content control (w:sdt),
    which python-docx's Document.tables leaves out; a table inside a table's cell is read as
    part of that cell."""
    body = document.element.body
    return [Table(tbl, document._body) for tbl in body.iter(qn("w:tbl"))
            if not any(a.tag == qn("w:tbl") for a in tbl.iterancestors())]


def _rows(document) -> list[list[_Cell]]:
    """Every table row of the document in reading order, each as its distinct cells: the
    tables' shapes do not matter (LibreOffice, WPS and Word merge, split and widen them when a
    file is saved again), only what each cell holds and what follows it."""
    out = []
    for table in _tables(document):
        for row in table.rows:
            seen, cells = set(), []
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                lines = [_text_of(p) for p in cell._tc.iter(qn("w:p"))]
                marks = {b.get(qn("w:name"), "") for b in cell._tc.iter(qn("w:bookmarkStart"))}
                cells.append(_Cell(_norm(lines[0] if lines else ""), lines,
                                   {m[len(MARK):] for m in marks if m.startswith(MARK)}))
            if cells:
                out.append(cells)
    return out


def _text(lines: list[str], label: str = "") -> str:
    """What was typed: without the template's hints, the label itself, the seal lines a 申报书
    prints under 推荐意见, and blank lines around it."""
    kept = [ln for ln in lines if not _is_hint(ln) and not (label and _norm(ln) == label)]
    while kept and (not kept[-1].strip() or SEAL_LINES.match(kept[-1].strip())):
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept).strip()


def _unit_of(f) -> tuple[str, bool]:
    label = str(f.label.text)
    for unit in ("万元", "亿元", "%", "％"):
        if f"（{unit}）" in label or f"({unit})" in label:
            return unit, False
    return "", f.type == "IntegerField"


def _value(f, text: str, label: str, reading: Reading) -> tuple[str, str] | None:
    """(the form value, how the unit wrote it) of a typed text: an option's name to its value,
    a Chinese date to an ISO date, "1800万元" to 1800, 同意 to the pledge; None when it cannot
    be one (said in the report)."""
    text = text.strip()
    if f.type == "SelectField":
        options = [(str(v), str(name)) for v, name in f.choices if str(v) != ""]
        squeezed = _norm(text)
        exact = [o for o in options if squeezed in (_norm(o[1]), _norm(o[0]))]
        prefix = [o for o in options if _norm(o[1]).startswith(squeezed)] if squeezed else []
        found = exact or (prefix if len(prefix) == 1 else [])
        if found:
            return found[0][0], found[0][1]
        reading.unreadable.append(f"{label}：“{text[:40]}”不是可选的一项，请在页面上选择")
        return None
    if f.type == "DateField":
        m = CN_DATE.match(text)
        if m:
            value = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            return value, text
        reading.unreadable.append(f"{label}：“{text[:40]}”不是日期（请写成 2021年10月20日）")
        return text, text  # kept as typed: the field says what is wrong with it
    if f.type in ("DecimalField", "IntegerField"):
        unit, whole = _unit_of(f)
        number, why = parse_amount(text, unit, whole)
        if number is None:
            reading.unreadable.append(f"{label}：{why}")
            return text, text
        return number, text
    if f.type == "BooleanField":
        if _norm(text) in AGREE:
            return "y", "同意"
        reading.unreadable.append(f"{label}：请填写“同意”，或在页面上勾选")
        return None
    return text, text


def _shown(value: str) -> str:
    return value[:60] + ("…" if len(value) > 60 else "")


def identify(document) -> tuple[str, str, str]:
    """(list code, year, list name) the file says it is for, each "" where it does not say:
    from the document's subject (kczg-form:<code>:<year>, which Word, WPS and LibreOffice
    keep) and from its heading (2021年“科创中国”先导技术榜申报书)."""
    subject = (document.core_properties.subject or "").strip()
    code = year = name = ""
    if subject.startswith(SUBJECT):
        code, _, year = subject[len(SUBJECT):].partition(":")
    for paragraph in list(document.element.body.iter(qn("w:p")))[:6]:
        m = HEADING.search(_norm(_text_of(paragraph)))
        if m:
            year, name = year or m.group(1), m.group(2)
            break
    return code, year, name


def read_docx(data: bytes, form, code: str, year: str = "", list_name: str = "",
              names: dict[str, str] | None = None) -> Reading:
    """Read a filled template or a 申报书 DOCX of list `code` (of campaign year `year`) into form
    data, by meaning: each value is found by its label (or the bookmark the template puts on
    it) and taken from the cell after it, whatever tables the file now has. A file of another
    list or year is refused, naming both."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise WordFormError("无法读取该文件：请上传由Word或WPS保存的 .docx 文件"
                            "（不支持 .doc 和 .wps 格式）。") from e
    file_code, file_year, file_name = identify(document)
    file_name = (names or {}).get(file_code, file_name)
    wrong_list = (file_code and file_code != code) or (file_name and list_name and
                                                      file_name != list_name)
    wrong_year = bool(year and file_year and file_year != str(year))
    if wrong_list or wrong_year:
        theirs = f"{file_year + '年' if file_year else ''}{file_name or '其他榜单'}"
        ours = f"{str(year) + '年' if year else ''}{list_name or '本榜单'}"
        raise WordFormError(f"该文件是{theirs}的模板或申报书，不能导入{ours}的推荐。"
                            f"请下载{ours}的Word模板填写后上传。")
    leaves = [f for f in form if f.type != "Rows"]
    by_label = {_norm(str(f.label.text)): f for f in leaves}
    by_label |= {alias: form[name] for alias, name in ALIASES.items() if name in form._fields}
    by_name = {f.name: f for f in leaves}
    groups = {}
    for f in form:
        if f.type == "Rows":
            subs = list(f.entries[0].form)
            groups[tuple(_norm(str(s.label.text)) for s in subs)] = (f, subs)
    group_by_name = {g.name: (g, subs) for g, subs in groups.values()}

    def field_of(cell: _Cell):
        marked = [by_name[m] for m in cell.marks if m in by_name]
        return marked[0] if marked else by_label.get(cell.label)

    def group_of(row: list[_Cell]):
        marked = [group_by_name[m] for m in row[0].marks if m in group_by_name]
        if marked:
            return marked[0]
        if row[0].label == "序号":
            return groups.get(tuple(c.label for c in row[1:]))
        return None

    reading = Reading()
    matched_any = False
    rows = _rows(document)
    i = 0
    while i < len(rows):
        row = rows[i]
        i += 1
        found = group_of(row)
        if found:
            matched_any = True
            group, subs = found
            index = 0
            while i < len(rows) and len(rows[i]) == len(row) and group_of(rows[i]) is None \
                    and field_of(rows[i][0]) is None and \
                    re.fullmatch(r"\d*|无", rows[i][0].label):
                values = [_text(c.lines) for c in rows[i][1:]]
                i += 1
                if not any(values) or values[0] == "无":
                    continue
                shown = []
                for sub, text in zip(subs, values):
                    where = f"{group.label.text}第{index + 1}行·{sub.label.text}"
                    got = _value(sub, text, where, reading) if text else None
                    if got is not None and got[0] != "":
                        reading.data[f"{group.name}-{index}-{sub.short_name}"] = [got[0]]
                        shown.append(got[1])
                reading.read.append((f"{group.label.text}第{index + 1}行",
                                     _shown("；".join(shown))))
                index += 1
            continue
        f = field_of(row[0])
        if f is None:
            if row[0].label and row[0].label not in IGNORED_LABELS and \
                    not re.fullmatch(r"\d+|无", row[0].label) and not _is_hint(row[0].label):
                reading.unknown.append(row[0].label)
            continue
        matched_any = True
        label = str(f.label.text) if f.name != "pledge" else "诚信承诺"
        if len(row) >= 2:
            text = _text(row[1].lines, row[0].label)
        elif i < len(rows) and len(rows[i]) == 1 and field_of(rows[i][0]) is None \
                and group_of(rows[i]) is None:
            text = _text(rows[i][0].lines, row[0].label)  # a long text: its value below it
            i += 1
        else:
            text = ""
        if not text:  # typed over the hint, in the label's own cell
            text = _text(row[0].lines[1:])
        if not text:
            continue
        got = _value(f, text, label, reading)
        if got is not None:
            reading.data[f.name] = [got[0]]
            reading.read.append((label, _shown(got[1])))
    if "pledge" in form._fields and "pledge" not in reading.data:
        pledge = _norm(str(form.pledge.label.text))
        if any(_norm(_text_of(p)).startswith(pledge)
               for p in document.element.body.iter(qn("w:p"))):
            matched_any = True  # a 申报书 prints the pledge the unit gave
            reading.data["pledge"] = ["y"]
            reading.read.append(("诚信承诺", "同意"))
    if not matched_any:
        raise WordFormError("该文件中没有找到本榜单表单的项目：请使用本平台下载的Word模板，"
                            "或本平台生成的申报书（Word版）。")
    return reading
