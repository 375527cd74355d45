"""Who may see what: the login loader and the role check every actor's views use."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import JOIN, fn

from .campaigns.facts import current_facts
from .db import Compiled
from .extensions import login_manager
from .models import Campaign, Extension, Message, Organisation, User, UserSession
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
    ext = Extension.alias()
    current = (Campaign.select(Campaign.id).where(Campaign.is_current)
               .order_by(Campaign.loaded_at.desc()).limit(1))
    # the unit's latest extension in the current campaign (another year's never applies)
    extension = (ext.select(ext.until).where(ext.organisation == User.organisation,
                                             ext.campaign == current)
                 .order_by(ext.granted_at.desc()).limit(1))
    return (User.select(User, Organisation, UserSession, unread.alias("unread_count"),
                        extension.alias("extension_until"))
            .join(Organisation, JOIN.LEFT_OUTER).switch(User)
            .join(UserSession, on=(UserSession.user == User.id), attr="current_session")
            .where(UserSession.token_hash == token_hash, UserSession.ended_at.is_null(),
                   UserSession.last_seen_at > seen_after, UserSession.created_at > started_after)
            .limit(1))


_user_by_session = Compiled(_user_query)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live session (not ended, not idle too long, not too old), their
    organisation, their unread message count and the unit's latest extension, in one query
    (every page shows or checks all four)."""
    if not token or len(token) > 100:
        return None
    user = _user_by_session.first(sessions.token_hash(token), *sessions.cutoffs())
    if user is None:
        return None
    user.session_token = token
    sessions.touch(user.current_session.id, user.current_session.last_seen_at)
    if user.organisation_id:
        until = user.extension_until  # a string on SQLite: parse it as the field would
        user.organisation._extension_until = Extension.until.python_value(until)
    return bind_body(user)


def bind_body(user: User) -> User:
    """Give a review or expert account its body in the current campaign: bodies are rows of
    one campaign, the account is bound to the body's stable id (body_key), so a 2021 account
    reviews the 2022 body of that id. In memory only (review_body_id for this request)."""
    if user.review_body_id:
        facts = current_facts()
        body = (facts.bodies_by_key.get(user.body_key) or facts.bodies_by_id.get(
            user.review_body_id)) if facts else None
        if body is not None:
            user.review_body = body
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
