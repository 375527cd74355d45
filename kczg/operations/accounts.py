"""Accounts: unit accounts created one by one, by XLSX import or by approving an application;
an expert account of a review body; logging in and out; passwords changed, reset by the
secretariat or through the e-mailed link; accounts disabled and enabled; a unit's contact and
channels; messages read. Each is audited."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import BinaryIO

from flask import current_app

from forms.validators import email_error, normalize_uscc, phone_error, uscc_error, username_error
from kczg import queue
from kczg.db import database
from kczg.models import (
    AccountApplication,
    Message,
    Organisation,
    ReviewBody,
    UnitType,
    User,
    utcnow,
)
from kczg.parsing import parse_int
from kczg.passwords import hash_password
from kczg.services import audit, password_reset, sessions
from kczg.services.accounts import (
    IMPORT_COLUMNS,
    LIMITS,
    REQUIRED_COLUMNS,
    read_import_rows,
    unit_name_taken,
    username_taken,
)

__all__ = ["IMPORT_COLUMNS", "AccountError"]

log = logging.getLogger(__name__)


class AccountError(ValueError):
    """A refusal to show the user, in Chinese, with the field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def new_password() -> str:
    return secrets.token_urlsafe(9)


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


# --- other accounts -----------------------------------------------------------------------------

def create_account(username: str, role: str, password: str, body: ReviewBody | None = None,
                   email: str = "") -> User:
    """An account of the secretariat, a review body or an expert (the command line's)."""
    if User.select().where(User.username == username).exists():
        raise AccountError("该登录名已被使用", "username")
    with database.atomic():
        user = User.create(username=username, role=role, password_hash=hash_password(password),
                           review_body=body, display_name=body.name if body else "", email=email)
        audit.record("account_created", username, f"{role}（命令行）")
    return user


def create_expert(by: User, body: ReviewBody, username: str, name: str, affiliation: str,
                  email: str, uscc: str = "", capacity: str = "") -> tuple[User, str]:
    """An expert account of the body (its 工作单位, and that unit's 统一社会信用代码 where known,
    are used for conflict checks; `capacity`: the most nominations the expert takes in
    automatic assignment); returns the account and its one-time password, shown once."""
    uscc = normalize_uscc(uscc) if uscc.strip() else ""
    most = parse_int(capacity, 1, 1000) if capacity.strip() else None
    problem = username_error(username) or (not name and "请填写专家姓名") or \
        (not affiliation and "请填写专家工作单位（用于利益冲突检查）") or \
        (uscc and uscc_error(uscc)) or \
        (capacity.strip() and most is None and "最多评审项目数应为1到1000之间的整数") or \
        (email and email_error(email)) or \
        (User.select().where(User.username == username).exists() and "该登录名已被使用")
    if problem:
        raise AccountError(problem)
    password = new_password()
    with database.atomic():
        user = User.create(username=username, role="expert", review_body=body,
                           display_name=name, affiliation=affiliation, email=email,
                           affiliation_uscc=uscc, review_capacity=most,
                           password_hash=hash_password(password), must_change_password=True)
        audit.record("account_created", username, f"评审专家（{body.name}）", actor=by)
    return user, password


# --- logging in and out, passwords ---------------------------------------------------------------

def login(user: User, ip: str, user_agent: str) -> str:
    """A successful login: recorded, the account's last login kept, a new session started;
    returns the session token for the cookie."""
    with database.atomic():
        audit.record("login", user.username, actor=user)
        User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
        return sessions.start(user, ip, user_agent)


def login_failed(username: str, user: User | None, why: str = "") -> None:
    audit.record("login_failed", username[:150], why, actor=user)


def logout(user: User) -> None:
    with database.atomic():
        sessions.end(user.session_token)
        audit.record("logout", user.username, actor=user)


def change_password(user: User, new: str) -> None:
    """The user's own new password: every other session of the account ends (one opened
    elsewhere, or by whoever learnt the old password)."""
    with database.atomic():
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.save()
        ended = sessions.end_all(user, keep=user.session_token)
        audit.record("password_changed", user.username,
                     f"结束其他会话{ended}个" if ended else "", actor=user)


def request_password_reset(username: str) -> None:
    """忘记密码: queue the mail if `username` names an active account with an e-mail address
    (the page answers the same either way)."""
    if not current_app.config.get("KCZG_SMTP_HOST"):
        log.warning("password reset asked for %r, but no mail server is configured "
                    "(KCZG_SMTP_HOST): nothing sent", username.strip()[:150])
        return
    user = User.get_or_none(User.username == username.strip()[:150])
    if user is None or not user.active or not user.email:
        return
    with database.atomic():
        audit.record("password_reset_mail", user.username, actor=user)
        queue.after_commit(password_reset.send_password_reset, user.id)


def set_password_from_reset(user: User, password: str) -> None:
    """The new password from the e-mailed link: every session of the account ends."""
    with database.atomic():
        user.password_hash = hash_password(password)
        user.must_change_password = False
        user.save()
        sessions.end_all(user)
        audit.record("password_reset_done", user.username, actor=user)


def mark_messages_read(user: User) -> None:
    Message.update(read=True).where(Message.user == user,
                                    Message.read == False).execute()  # noqa: E712
