"""Messages to people: kept in the app (an outbox each user reads) and e-mailed through SMTP
when KCZG_SMTP_HOST is set. Sending runs as a background job so a slow mail server never
holds a request."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context

from kczg.db import Compiled
from kczg.models import Message, User


def notify(users, subject: str, body: str = "") -> list[Message]:
    messages = []
    for user in {u.id: u for u in users if u is not None}.values():
        messages.append(Message.create(user=user, subject=subject[:250], body=body))
    if has_app_context() and current_app.config.get("KCZG_SMTP_HOST"):
        from kczg.tasks import send_mail

        for m in messages:
            if m.user.email:
                send_mail(m.id)
    return messages


def send(message_id: int) -> bool:
    """E-mail one message; True when the server accepted it."""
    m = Message.get_or_none(Message.id == message_id)
    cfg = current_app.config
    if m is None or m.emailed or not m.user.email or not cfg.get("KCZG_SMTP_HOST"):
        return False
    mail = EmailMessage()
    mail["From"] = cfg.get("KCZG_SMTP_FROM", "kczg@localhost")
    mail["To"] = m.user.email
    mail["Subject"] = f"【科创中国】{m.subject}"
    mail.set_content(m.body or m.subject)
    with smtplib.SMTP(cfg["KCZG_SMTP_HOST"], int(cfg.get("KCZG_SMTP_PORT", 25)),
                      timeout=10) as smtp:
        smtp.send_message(mail)
    Message.update(emailed=True).where(Message.id == m.id).execute()
    return True


def body_users(body) -> list[User]:
    return list(User.select().where(User.body_key == body.short_id, User.role == "review",
                                    User.active == True))  # noqa: E712


def secretariat_users() -> list[User]:
    return list(User.select().where(User.role == "secretariat", User.active == True))  # noqa: E712


_unit_users = Compiled(lambda org_id: User.select().where(
    User.organisation == org_id, User.active == True))  # noqa: E712


def unit_users(organisation) -> list[User]:
    return list(_unit_users(getattr(organisation, "id", organisation)))
