"""Messages to people: kept in the app (an outbox each user reads) and e-mailed through SMTP
when KCZG_SMTP_HOST is set. Sending is a background job (`send_mail`, declared here) queued
once the message's transaction has committed, so a slow mail server never holds a request and
a worker never looks for a message that is not there yet."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context

from kczg import queue
from kczg.models import Message, User
from kczg.models.compiled import Compiled


def notify(users, subject: str, body: str = "") -> list[Message]:
    messages = []
    for user in {u.id: u for u in users if u is not None}.values():
        messages.append(Message.create(user=user, subject=subject[:250], body=body))
    if has_app_context() and current_app.config.get("KCZG_SMTP_HOST"):
        for m in messages:
            if m.user.email:
                queue.after_commit(send_mail, m.id)
    return messages


@queue.job(retries=3, retry_delay=60)
def send_mail(message_id: int) -> None:
    send(message_id)


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


def all_unit_users() -> list[User]:
    """Every active unit account (a general notice, e.g. the deadline moved)."""
    return list(User.select().where(User.role == "unit", User.active == True))  # noqa: E712


def secretariat_users() -> list[User]:
    return list(User.select().where(User.role == "secretariat", User.active == True))  # noqa: E712


_unit_users = Compiled(lambda org_id: User.select().where(
    User.organisation == org_id, User.active == True))  # noqa: E712


def unit_users(organisation) -> list[User]:
    return list(_unit_users(getattr(organisation, "id", organisation)))
