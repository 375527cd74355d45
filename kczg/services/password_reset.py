"""忘记密码: a signed link by e-mail that sets a new password once.

The token carries the user's id and a fingerprint of the current password hash, signed with
the app's secret and timed: it expires after PASSWORD_RESET_MINUTES, and it stops working the
moment the password changes (so it works once). Asking for one answers the same whether the
account exists or not; the mail goes out through the worker.
"""
from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kczg import queue
from kczg.models import User

SALT = "kczg-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def token_for(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


def user_for(token: str) -> User | None:
    """The active user a token was made for, if it is still good (not expired, not used)."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MINUTES"] * 60)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = User.get_or_none(User.id == data["u"])
    if user is None or not user.active or data.get("p") != _fingerprint(user):
        return None
    return user


@queue.job(retries=2, retry_delay=30)
def send_password_reset(user_id: int) -> None:
    send(user_id)


def send(user_id: int) -> bool:
    """E-mail the link (the worker runs this); False when no SMTP server is configured."""
    cfg = current_app.config
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.email or not cfg.get("KCZG_SMTP_HOST"):
        return False
    link = f"{cfg['KCZG_BASE_URL'].rstrip('/')}/reset/{token_for(user)}"
    mail = EmailMessage()
    mail["From"] = cfg.get("KCZG_SMTP_FROM", "kczg@localhost")
    mail["To"] = user.email
    mail["Subject"] = "【科创中国】重设登录密码"
    mail.set_content(
        f"{user.display_name or user.username}：\n\n"
        f"有人（可能是您本人）为“科创中国”榜单征集平台账号 {user.username} 申请了重设密码。"
        f"请在{cfg['PASSWORD_RESET_MINUTES']}分钟内打开以下链接设置新密码（链接只能使用一次）：\n\n"
        f"{link}\n\n如果不是您本人的操作，请忽略本邮件，您的密码不会改变。\n\n联合体秘书处")
    with smtplib.SMTP(cfg["KCZG_SMTP_HOST"], int(cfg.get("KCZG_SMTP_PORT", 25)),
                      timeout=10) as smtp:
        smtp.send_message(mail)
    return True
