"""Creating unit accounts: one by one, by XLSX import, or by approving an application."""
from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from forms.validators import email_error, phone_error, username_error
from kczg.db import database
from kczg.models import AccountApplication, Organisation, UnitType, User, utcnow
from kczg.passwords import hash_password
from kczg.services import audit, sessions

IMPORT_COLUMNS = ["单位名称", "单位类型", "联系人", "联系电话", "电子邮箱", "登录名"]
REQUIRED_COLUMNS = IMPORT_COLUMNS[:5]  # 登录名 may be left empty: one is generated
MAX_IMPORT_ROWS = 2000
LIMITS = {"单位名称": 100, "联系人": 30, "联系电话": 30, "电子邮箱": 100, "登录名": 40}


class AccountError(ValueError):
    """A refusal to show the user, in Chinese, with the field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def new_password() -> str:
    return secrets.token_urlsafe(9)


def unit_name_taken(name: str) -> bool:
    return Organisation.select().where(Organisation.name == name).exists()


def username_taken(username: str) -> bool:
    return (User.select().where(User.username == username).exists()
            or AccountApplication.select().where(AccountApplication.username == username,
                                                 AccountApplication.status == "pending").exists())


def create_unit_account(*, organisation_name: str, unit_type: UnitType, contact: str, phone: str,
                        email: str, username: str, password: str | None = None,
                        password_hash: str | None = None,
                        must_change_password: bool = True, by: User | None = None) -> User:
    """Create the organisation and its first unit account (the unit's e-mail address is the
    account's: messages reach it); refuse duplicates by name."""
    if unit_name_taken(organisation_name):
        raise AccountError("该单位已有账号", "organisation_name")
    if User.select().where(User.username == username).exists():
        raise AccountError("该登录名已被使用", "username")
    with database.atomic():
        org = Organisation.create(name=organisation_name, unit_type=unit_type, contact=contact,
                                  phone=phone, email=email)
        user = User.create(username=username, role="unit", display_name=organisation_name,
                           organisation=org, email=email,
                           password_hash=password_hash or hash_password(password),
                           must_change_password=must_change_password)
        audit.record("account_created", username, organisation_name, actor=by)
    return user


# --- XLSX import -------------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: list[tuple[User, str]] = field(default_factory=list)  # (user, initial password)
    errors: list[tuple[int, str]] = field(default_factory=list)    # (row number, message)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


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


def _next_username(taken: set[str]) -> str:
    n = User.select().count() + 1
    while f"unit{n:04d}" in taken or username_taken(f"unit{n:04d}"):
        n += 1
    return f"unit{n:04d}"


def import_units(stream: BinaryIO, by: User | None = None) -> ImportResult:
    """Validate every row first; create all accounts in one transaction, or none."""
    rows, file_error = read_import_rows(stream)
    result = ImportResult(file_error=file_error)
    if file_error:
        return result
    types = {t.name: t for t in UnitType.select()} | {t.code: t for t in UnitType.select()}
    seen_names: dict[str, int] = {}
    seen_users: dict[str, int] = {}
    valid = []
    for number, r in rows:
        problems = []
        for col in REQUIRED_COLUMNS:
            if not r.get(col):
                problems.append(f"{col}未填写")
        for col, limit in LIMITS.items():
            if len(r.get(col, "")) > limit:
                problems.append(f"{col}不能超过{limit}个字")
        name, username = r.get("单位名称", ""), r.get("登录名", "")
        if r.get("单位类型") and r["单位类型"] not in types:
            problems.append(f"单位类型“{r['单位类型']}”不在可选范围内")
        if r.get("联系电话") and (msg := phone_error(r["联系电话"])):
            problems.append(f"联系电话：{msg}")
        if r.get("电子邮箱") and (msg := email_error(r["电子邮箱"])):
            problems.append(msg)
        if name in seen_names:
            problems.append(f"单位名称与第{seen_names[name]}行重复")
        elif name and unit_name_taken(name):
            problems.append("该单位已有账号")
        if username:
            if msg := username_error(username):
                problems.append(msg)
            elif username in seen_users:
                problems.append(f"登录名与第{seen_users[username]}行重复")
            elif username_taken(username):
                problems.append("该登录名已被使用")
            seen_users.setdefault(username, number)
        seen_names.setdefault(name, number)
        if problems:
            result.errors.append((number, "；".join(problems)))
        else:
            valid.append(r)
    if result.errors:
        return result
    taken = set(seen_users)
    with database.atomic():
        for r in valid:
            username = r.get("登录名") or _next_username(taken)
            taken.add(username)
            password = new_password()
            user = create_unit_account(
                organisation_name=r["单位名称"], unit_type=types[r["单位类型"]],
                contact=r["联系人"], phone=r["联系电话"], email=r["电子邮箱"],
                username=username, password=password, by=by)
            result.created.append((user, password))
        audit.record("units_imported", f"{len(result.created)}个单位", actor=by)
    return result


# --- applications ------------------------------------------------------------------------------

def apply_for_account(*, organisation_name: str, unit_type: UnitType, contact: str, phone: str,
                      email: str, username: str, password: str) -> AccountApplication:
    if unit_name_taken(organisation_name):
        raise AccountError("该单位已有账号，请联系本单位的账号管理人", "organisation_name")
    if username_taken(username):
        raise AccountError("该登录名已被使用，请换一个", "username")
    return AccountApplication.create(
        organisation_name=organisation_name, unit_type=unit_type, contact=contact, phone=phone,
        email=email, username=username, password_hash=hash_password(password))


def approve_application(application: AccountApplication, by: User) -> User:
    if application.status != "pending":
        raise AccountError("该申请已处理")
    with database.atomic():
        user = create_unit_account(
            organisation_name=application.organisation_name, unit_type=application.unit_type,
            contact=application.contact, phone=application.phone, email=application.email,
            username=application.username, password_hash=application.password_hash,
            must_change_password=False, by=by)
        application.status, application.decided_at, application.decided_by = \
            "approved", utcnow(), by
        application.save()
        audit.record("application_approved", application.username,
                     application.organisation_name, actor=by)
    return user


def reject_application(application: AccountApplication, by: User, comment: str) -> None:
    if application.status != "pending":
        raise AccountError("该申请已处理")
    application.status, application.decided_at, application.decided_by = \
        "rejected", utcnow(), by
    application.comment = comment
    application.save()
    audit.record("application_rejected", application.username,
                 f"{application.organisation_name}：{comment}", actor=by)


# --- operating accounts ------------------------------------------------------------------------

def reset_password(user: User, by: User) -> str:
    """A new one-time password for `user` (to be changed at the next login); every session of
    the account ends. Returns the password, shown once to the secretariat."""
    password = new_password()
    with database.atomic():
        user.password_hash = hash_password(password)
        user.must_change_password = True
        user.save()
        ended = sessions.end_all(user)
        audit.record("password_reset", user.username, f"结束会话{ended}个", actor=by)
    return password


def set_active(user: User, active: bool, by: User) -> None:
    """停用 (its sessions end at once) or 启用 an account."""
    if user.id == by.id:
        raise AccountError("不能停用或启用自己的账号")
    with database.atomic():
        user.active = active
        user.save()
        if not active:
            sessions.end_all(user)
        audit.record("account_enabled" if active else "account_disabled", user.username,
                     actor=by)


def set_channels(org: Organisation, codes: list[str], by: User) -> None:
    """The channels (unit type codes) a unit belongs to besides its own type, audited."""
    known = {t.code for t in UnitType.select()}
    own = UnitType.get_by_id(org.unit_type_id).code
    chosen = sorted({c for c in codes if c in known and c != own})
    value = ",".join(chosen)
    if value != org.extra_channels:
        before = org.extra_channels or "—"
        org.extra_channels = value
        org.save(only=[Organisation.extra_channels])
        audit.record("channels_changed", org.name, f"{before} → {value or '—'}", actor=by)


def update_contact(org: Organisation, contact: str, phone: str, email: str, by: User) -> None:
    """The unit's contact person, phone and e-mail; its accounts take the new address."""
    before = f"{org.contact} {org.phone} {org.email}"
    with database.atomic():
        org.contact, org.phone, org.email = contact, phone, email
        org.save()
        User.update(email=email).where(User.organisation == org, User.role == "unit").execute()
        audit.record("contact_changed", org.name, f"{before} → {contact} {phone} {email}",
                     actor=by)
