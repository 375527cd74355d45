"""Who may see what: the login loader and the role check every actor's views use."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from .extensions import login_manager
from .models import User

HOME_ENDPOINT = {
    "unit": "unit.dashboard",
    "review": "review.dashboard",
    "expert": "review.expert_dashboard",
    "secretariat": "secretariat.dashboard",
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return User.get_or_none(User.id == int(user_id))
    except ValueError:
        return None


def home_url(user: User) -> str:
    return url_for(HOME_ENDPOINT[user.role])


def role_required(*roles: str):
    """Only a logged-in user with one of `roles`; others get 403. A user who must change the
    initial password is sent to do that first."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            if current_user.must_change_password:
                return redirect(url_for("auth.change_password", next=request.path))
            return view(*args, **kwargs)

        return wrapped

    return decorator
