"""Checks for the values Chinese forms ask for: phone numbers, e-mail, 统一社会信用代码.

Each check is a plain function returning an error message (Chinese) or None, so that the XLSX
import and the WTForms validators below share one rule.
"""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import StopValidation, ValidationError

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,39}$")

# GB 32100-2015: 31 characters, without I, O, S, V, Z; weights 3^(i-1) mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def phone_error(value: str) -> str | None:
    v = (value or "").strip().replace(" ", "")
    if MOBILE.match(v) or LANDLINE.match(v):
        return None
    return "请填写11位手机号码，或带区号的固定电话（如 010-68517798）"


def email_error(value: str) -> str | None:
    try:
        validate_email((value or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        return "电子邮箱格式不正确"
    return None


def username_error(value: str) -> str | None:
    if USERNAME.match(value or ""):
        return None
    return "登录名须为3–40位字母、数字或 _ . -，以字母或数字开头"


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def uscc_error(value: str) -> str | None:
    v = normalize_uscc(value)
    if len(v) != 18:
        return "统一社会信用代码应为18位"
    if any(ch not in USCC_CHARS for ch in v):
        return "统一社会信用代码含有无效字符（不使用 I、O、S、V、Z）"
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(v[:17], USCC_WEIGHTS))
    expected = USCC_CHARS[(31 - total % 31) % 31]
    if v[17] != expected:
        return "统一社会信用代码校验位不正确，请核对"
    return None


class Check:
    """Wrap a plain check function as a WTForms validator (skips empty optional fields)."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        if not field.data:
            return
        message = self.check(field.data)
        if message:
            raise ValidationError(message)


Phone = lambda: Check(phone_error)  # noqa: E731
Email = lambda: Check(email_error)  # noqa: E731
Username = lambda: Check(username_error)  # noqa: E731
USCC = lambda: Check(uscc_error)  # noqa: E731


class MaxChars:
    """Length in characters (not bytes), with a Chinese message."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        if field.data and len(field.data) > self.limit:
            raise StopValidation(f"不能超过{self.limit}个字（当前{len(field.data)}个字）")


class WholeNumber:
    """A whole number between `low` and `high`, read with the shared parse_int (blank: `low`)."""

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field):
        from kczg.parsing import parse_int

        text = (field.data or "").strip()
        if text and parse_int(text, self.low, self.high) is None:
            raise StopValidation(f"请输入{self.low}—{self.high}之间的整数")


class NewPassword:
    """A new password as kczg.passwords wants it; `username_field` names the form's login name
    field, if it has one, else the logged-in user's name is used (the password may not contain
    it)."""

    def __init__(self, username_field: str | None = None):
        self.username_field = username_field

    def __call__(self, form, field):
        from kczg.passwords import password_problem

        if not field.data:
            return
        if self.username_field:
            username = form[self.username_field].data
        else:  # the logged-in user's own password
            from flask_login import current_user

            username = getattr(current_user, "username", "")
        message = password_problem(field.data, username or "")
        if message:
            raise ValidationError(message)
