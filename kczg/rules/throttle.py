"""Login throttling: too many failures for one name or from one address lock it for a while.

Kept in the database so that every gunicorn worker sees the same count.
"""
from __future__ import annotations

from datetime import timedelta

from kczg.models import LoginAttempt, utcnow

# One address may fail for many names (a shared office NAT), so it gets a larger allowance.
IP_FACTOR = 4


def record_attempt(username: str, ip: str, succeeded: bool) -> None:
    LoginAttempt.create(username=username.lower()[:150], ip=ip or "", succeeded=succeeded)


def _recent_failures(window: timedelta, **where) -> int:
    since = utcnow() - window
    query = LoginAttempt.select().where(LoginAttempt.at >= since,
                                        LoginAttempt.succeeded == False)  # noqa: E712
    for field, value in where.items():
        query = query.where(getattr(LoginAttempt, field) == value)
        # a success for this name resets its count
        if field == "username":
            last_ok = (LoginAttempt.select(LoginAttempt.at)
                       .where(LoginAttempt.username == value, LoginAttempt.succeeded == True)  # noqa: E712
                       .order_by(LoginAttempt.at.desc()).first())
            if last_ok and last_ok.at > since:
                query = query.where(LoginAttempt.at > last_ok.at)
    return query.count()


def is_locked(username: str, ip: str, max_failures: int, window_minutes: int) -> bool:
    window = timedelta(minutes=window_minutes)
    return (_recent_failures(window, username=username.lower()[:150]) >= max_failures
            or (bool(ip) and _recent_failures(window, ip=ip) >= max_failures * IP_FACTOR))


def prune(older_than_days: int = 30) -> int:
    return LoginAttempt.delete().where(
        LoginAttempt.at < utcnow() - timedelta(days=older_than_days)).execute()
