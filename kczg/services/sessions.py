"""Server-side sessions: a login is a row; the cookie carries only its random token.

Every request looks the token up with the user (kczg.access.load_user, one query) and is
refused once the row has ended (logout; a password change or reset ends all of the user's
other sessions; disabling ends all), has been idle longer than `SESSION_IDLE_MINUTES`, or is
older than `SESSION_MAX_HOURS`. Only the token's SHA-256 is stored.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app

from kczg.models import User, UserSession, utcnow

# a session's last activity is written at most this often (not on every request)
TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, ip: str = "", user_agent: str = "") -> str:
    """A new session for `user`; its token goes into the cookie (Flask-Login's user id)."""
    token = secrets.token_urlsafe(32)
    UserSession.create(token_hash=token_hash(token), user=user, ip=(ip or "")[:64],
                       user_agent=(user_agent or "")[:255])
    user.session_token = token
    return token


def end(token: str | None) -> None:
    if token:
        UserSession.update(ended_at=utcnow()).where(
            UserSession.token_hash == token_hash(token), UserSession.ended_at.is_null()).execute()


def end_all(user: User, keep: str | None = None) -> int:
    """End every session of `user` (but `keep`, the one making the change): after a password
    change or reset, and when the account is disabled."""
    query = UserSession.update(ended_at=utcnow()).where(UserSession.user == user,
                                                        UserSession.ended_at.is_null())
    if keep:
        query = query.where(UserSession.token_hash != token_hash(keep))
    return query.execute()


def cutoffs(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(last activity, start) a session must be later than to be valid now."""
    now = now or utcnow()
    cfg = current_app.config
    return (now - timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
            now - timedelta(hours=cfg["SESSION_MAX_HOURS"]))


def touch(session_id: int, last_seen_at: datetime) -> None:
    now = utcnow()
    if now - last_seen_at >= TOUCH_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == session_id).execute()


def prune(older_than_days: int = 30) -> int:
    """Forget sessions that ended or expired long ago."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    return UserSession.delete().where(
        (UserSession.ended_at < cutoff) | (UserSession.last_seen_at < cutoff)).execute()
