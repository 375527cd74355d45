"""Who may see what: the login loader and the role check every actor's views use."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import JOIN, fn

from .campaigns import scope
from .extensions import login_manager
from .models import Campaign, Extension, Message, Organisation, User, UserSession
from .models.compiled import Compiled
from .services import sessions

HOME_ENDPOINT = {
    "unit": "unit.dashboard",
    "review": "review.dashboard",
    "expert": "review.expert_dashboard",
    "secretariat": "secretariat.dashboard",
}


def _user_query(token_hash, seen_after, started_after):
    unread = (Message.select(fn.COUNT(Message.id))
              .where(Message.user == User.id, Message.read == False))  # noqa: E712
    ext, latest = Extension.alias(), Campaign.alias()
    current = (latest.select(latest.id).where(latest.is_current)
               .order_by(latest.loaded_at.desc()).limit(1))
    # the unit's latest extension in the current campaign (another year's never applies)
    extension = (ext.select(ext.until).where(ext.organisation == User.organisation,
                                             ext.campaign == current)
                 .order_by(ext.granted_at.desc()).limit(1))
    # the current campaign itself, so the request's scope needs no query of its own
    return (User.select(User, Organisation, UserSession, Campaign, unread.alias("unread_count"),
                        extension.alias("extension_until"))
            .join(Organisation, JOIN.LEFT_OUTER).switch(User)
            .join(Campaign, JOIN.LEFT_OUTER, on=(Campaign.id == current),
                  attr="current_campaign").switch(User)
            .join(UserSession, on=(UserSession.user == User.id), attr="current_session")
            .where(UserSession.token_hash == token_hash, UserSession.ended_at.is_null(),
                   UserSession.last_seen_at > seen_after, UserSession.created_at > started_after)
            .limit(1))


_user_by_session = Compiled(_user_query)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live session (not ended, not idle too long, not too old), their
    organisation, their unread message count, the unit's latest extension and the current
    campaign, in one query (every page shows or checks them)."""
    if not token or len(token) > 100:
        return None
    user = _user_by_session.first(sessions.token_hash(token), *sessions.cutoffs())
    if user is None:
        return None
    user.session_token = token
    sessions.touch(user.current_session.id, user.current_session.last_seen_at)
    scope.know_current(getattr(user, "current_campaign", None))
    if user.organisation_id:
        until = user.extension_until  # a string on SQLite: parse it as the field would
        user.organisation._extension_until = Extension.until.python_value(until)
        current = scope.current_campaign()
        user.organisation._extension_campaign = current.id if current is not None else None
    return bind_body(user)


def bind_body(user: User) -> User:
    """Give a review or expert account its body in the current campaign: bodies are rows of
    one campaign, the account is bound to the body's stable id (body_key), so a 2021 account
    reviews the 2022 body of that id. A body the current year does not name is None: its
    account has no current workspace (its earlier years are its archive). In memory only."""
    if user.role in ("review", "expert"):
        user.body = scope.body_by_key(user.body_key) if user.body_key else \
            scope.body_by_id(user.review_body_id)
    return user


def home_url(user: User) -> str:
    return url_for(HOME_ENDPOINT[user.role])


# what a user who must change the initial password may still open (`first_password_first`)
BEFORE_PASSWORD_CHANGE = {"auth.change_password", "auth.logout", "static", "public.home"}


def first_password_first():
    """Before each request: a user who must change the initial password can open nothing else
    (they are sent to do it, and come back to where they were going)."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in BEFORE_PASSWORD_CHANGE):
        return redirect(url_for("auth.change_password", next=request.path))
    return None


def role_required(*roles: str):
    """Only a logged-in user with one of `roles`; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
