"""The Word round trip: a list's form as a DOCX a unit fills offline (in Word or WPS, passed
round the unit for approval), and that file — or any 申报书 DOCX the platform produced — read
back into a draft.

Both are label | value tables (a long text: its label above its value; repeating rows: a table
whose header row names the row's fields), so a file is read by its labels, which people do not
edit, rather than by hidden markers Word or WPS might lose. The document's subject carries the
hidden field map's key (kczg-form:<list code>), so a file of another list is refused. What is
read is then validated as if typed.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from . import docx as dx

SUBJECT = "kczg-form:"
IGNORED_LABELS = {"榜单", "推荐单位", "推荐编号", "提交时间", "序号"}
SEAL_LINES = re.compile(r"^(推荐单位（盖章）：.*|年\s*月\s*日)$")
CN_DATE = re.compile(r"^\s*(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?\s*$")


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


def _label_cell(cell, label: str, hint: str) -> None:
    dx._run(cell.paragraphs[0], label, dx.HEADING_FONT, 10.5)
    p = cell.add_paragraph()
    run = dx._run(p, hint, dx.BODY_FONT, 8)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)


def template_docx(form, code: str, list_name: str, heading: str, rows_each: int = 3) -> bytes:
    """The list's form as a DOCX to fill in: every field a labelled cell (with its limits as a
    hint), repeating groups as tables with empty rows (add more in Word as needed)."""
    doc = dx._document(12, (25, 20, 22, 22))
    doc.core_properties.subject = SUBJECT + code
    doc.core_properties.title = f"{heading}（Word填报模板）"
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dx._run(p, heading, dx.TITLE_FONT, 22)
    p = doc.add_paragraph()
    dx._run(p, "填写说明：请在每项右侧（长文本在其下方）的空白格中填写，不要修改左侧的项目名称；"
               "多行的表格可在Word中增加行。填好后在平台的推荐页面点击“上传Word填报”，"
               "平台读取后按网上填写的规则逐项检查。诚信承诺须在平台勾选。", dx.BODY_FONT, 10.5)
    for number, (title, names) in enumerate(form.sections(), 1):
        dx._heading(doc, f"{number}．{title}", dx.HEADING_FONT, 14)
        for name in names:
            f = form[name]
            if f.type == "BooleanField":
                continue
            if f.type == "Rows":
                subs = list(f.entries[0].form)
                if str(f.label.text) != title:
                    dx._heading(doc, str(f.label.text), dx.SUBHEADING_FONT, 12, before=4)
                table = dx._table(doc, [[str(i)] + [""] * len(subs) for i in
                                        range(1, rows_each + 1)],
                                  header=["序号", *[str(s.label.text) for s in subs]])
                for cell, sub in zip(table.rows[0].cells[1:], subs):
                    run = dx._run(cell.add_paragraph(), _hint(sub), dx.BODY_FONT, 7)
                    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
            elif f.type == "TextAreaField":
                table = dx._table(doc, [[""], [""]], widths=(dx.FORM_WIDTH_MM,))
                _label_cell(table.rows[0].cells[0], str(f.label.text), _hint(f))
                table.rows[1].height = Pt(120)
            else:
                table = dx._table(doc, [["", ""]], widths=(dx.LABEL_MM,
                                                         dx.FORM_WIDTH_MM - dx.LABEL_MM))
                _label_cell(table.rows[0].cells[0], str(f.label.text), _hint(f))
    return dx._save(doc)


@dataclass
class Reading:
    """What a file gave: form data (as a page would send it), and the report for the unit."""

    data: dict[str, list[str]] = field(default_factory=dict)
    read: list[tuple[str, str]] = field(default_factory=list)       # (label, value)
    unknown: list[str] = field(default_factory=list)                # labels not in the form
    unreadable: list[str] = field(default_factory=list)             # values that did not fit


def _cell_text(cell) -> str:
    lines = [p.text for p in cell.paragraphs]
    while lines and (not lines[-1].strip() or SEAL_LINES.match(lines[-1].strip())):
        lines.pop()
    return "\n".join(lines).strip()


def _first_line(cell) -> str:
    return cell.paragraphs[0].text.strip() if cell.paragraphs else ""


def _value(f, text: str, label: str, reading: Reading) -> str | None:
    """The form value of a printed or typed text: select labels to their values, Chinese dates
    to ISO dates, 是/否 to checkboxes; None when it cannot be one."""
    text = text.strip()
    if f.type == "SelectField":
        for value, option in f.choices:
            if text and text in (str(option), str(value)) and value != "":
                return str(value)
        if text:
            reading.unreadable.append(f"{label}：“{text[:40]}”不是可选的一项")
        return None
    if f.type == "DateField" and text:
        m = CN_DATE.match(text)
        if m:
            return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return text  # validated as typed: the unit sees the date message next to the field
    if f.type in ("DecimalField", "IntegerField"):
        return text.replace(",", "").replace("，", "")
    return text


def read_docx(data: bytes, form, code: str, strict_subject: bool = False) -> Reading:
    """Read a filled template or a 申报书 DOCX of list `code` into form data."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise WordFormError("无法读取该文件：请上传由Word或WPS保存的 .docx 文件"
                            "（不支持 .doc 和 .wps 格式）。") from e
    subject = (document.core_properties.subject or "").strip()
    if subject.startswith(SUBJECT) and subject != SUBJECT + code:
        raise WordFormError("该文件是其他榜单的模板或申报书，不能导入本榜单的推荐。")
    scalar = {str(f.label.text): f for f in form if f.type not in ("Rows", "BooleanField")}
    groups = {}
    for f in form:
        if f.type == "Rows":
            subs = list(f.entries[0].form)
            groups[tuple(str(s.label.text) for s in subs)] = (f, subs)
    reading = Reading()
    matched_any = False
    for table in document.tables:
        rows = table.rows
        if not rows:
            continue
        header = tuple(_first_line(c) for c in rows[0].cells)
        if header and header[0] == "序号" and header[1:] in groups:
            group, subs = groups[header[1:]]
            matched_any = True
            index = 0
            for row in rows[1:]:
                cells = row.cells[1:]
                values = [_cell_text(c) for c in cells]
                if not any(values) or values[0] == "无":
                    continue
                for sub, text in zip(subs, values):
                    value = _value(sub, text, f"{group.label.text}第{index + 1}行·{sub.label.text}",
                                   reading)
                    if value is not None and value != "":
                        reading.data[f"{group.name}-{index}-{sub.short_name}"] = [value]
                reading.read.append((f"{group.label.text}第{index + 1}行", "；".join(v for v in values if v)[:60]))
                index += 1
            continue
        if len(rows[0].cells) == 1 and len(rows) >= 2:  # a long text: label above its value
            label = _first_line(rows[0].cells[0])
            pairs = [(label, rows[1].cells[0])]
        else:
            pairs = [(_first_line(r.cells[0]), r.cells[1]) for r in rows if len(r.cells) >= 2]
        for label, cell in pairs:
            if label in IGNORED_LABELS or not label:
                continue
            f = scalar.get(label)
            if f is None:
                reading.unknown.append(label)
                continue
            matched_any = True
            text = _cell_text(cell)
            if not text:
                continue
            value = _value(f, text, label, reading)
            if value is not None:
                reading.data[f.name] = [value]
                reading.read.append((label, value[:60] + ("…" if len(value) > 60 else "")))
    if not matched_any:
        raise WordFormError("该文件中没有找到本榜单表单的项目：请使用本平台下载的Word模板，"
                            "或本平台生成的申报书（Word版）。")
    if strict_subject and not subject.startswith(SUBJECT):
        raise WordFormError("该文件不是本平台的Word模板。")
    return reading
