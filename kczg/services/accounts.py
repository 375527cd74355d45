"""Reads about accounts: whether a unit name or login name is taken, the import template and
reading an import file's rows (kczg.operations.accounts creates the accounts)."""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from rapidfuzz import fuzz, process

from kczg.models import AccountApplication, Organisation, UnitType, User

IMPORT_COLUMNS = ["单位名称", "单位类型", "联系人", "联系电话", "电子邮箱", "登录名"]
REQUIRED_COLUMNS = IMPORT_COLUMNS[:5]  # 登录名 may be left empty: one is generated
MAX_IMPORT_ROWS = 2000
LIMITS = {"单位名称": 100, "联系人": 30, "联系电话": 30, "电子邮箱": 100, "登录名": 40}


def unit_name_taken(name: str) -> bool:
    return Organisation.select().where(Organisation.name == name).exists()


def username_taken(username: str) -> bool:
    return (User.select().where(User.username == username).exists()
            or AccountApplication.select().where(AccountApplication.username == username,
                                                 AccountApplication.status == "pending").exists())


def template_workbook() -> Workbook:
    """The import template a secretariat user fills in."""
    wb = Workbook()
    ws = wb.active
    ws.title = "推荐单位"
    ws.append(IMPORT_COLUMNS)
    ws.append(["中国示例学会", "全国学会/协会/研究会", "张三", "13800138000",
               "contact@example.org", ""])
    for col, width in zip("ABCDEF", (30, 24, 12, 16, 28, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    types = wb.create_sheet("单位类型")
    types.append(["单位类型（第二列请填写以下名称之一）"])
    for t in UnitType.select().order_by(UnitType.position):
        types.append([t.name])
    types.column_dimensions["A"].width = 40
    return wb


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


def read_import_rows(stream: BinaryIO) -> tuple[list[tuple[int, dict]], str | None]:
    """Rows of the first sheet as (row number, {column: text}); or a Chinese file error."""
    head = stream.read(4)
    stream.seek(0)
    if head != b"PK\x03\x04":
        return [], "文件不是有效的 XLSX 表格，请使用导入模板（.xlsx）"
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return [], "文件不是有效的 XLSX 表格，请使用导入模板（.xlsx）"
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_cell_text(v) for v in next(rows, ())]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], f"第1行缺少列：{'、'.join(missing)}（请使用导入模板）"
    index = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {name: _cell_text(values[i]) if i < len(values) else ""
                 for name, i in index.items()}
        if not any(cells.values()):
            continue
        out.append((number, cells))
        if len(out) > MAX_IMPORT_ROWS:
            return [], f"一次最多导入{MAX_IMPORT_ROWS}个单位，请分批导入"
    wb.close()
    if not out:
        return [], "表格中没有单位数据"
    return out, None


def template_bytes() -> bytes:
    """The import template as an XLSX file."""
    buf = io.BytesIO()
    template_workbook().save(buf)
    return buf.getvalue()


def units_like(name: str, limit: int = 8) -> list[str]:
    """Unit names that contain what was typed, else the closest by similarity (a near miss:
    "湖南省科协" finds 湖南省科学技术协会): the 日程与延期 forms' suggestions and refusals."""
    name = name.strip()[:100]
    if not name:
        return []
    found = [n for (n,) in Organisation.select(Organisation.name).where(
        Organisation.name.contains(name)).order_by(Organisation.name).limit(limit).tuples()]
    if found:
        return found
    names = [n for (n,) in Organisation.select(Organisation.name).tuples()]
    return [n for n, score, _ in process.extract(name, names, scorer=fuzz.WRatio, limit=limit)
            if score >= 60]
