"""Login throttling after OWASP's advice, with Flask-Limiter: only failed logins count.

- Per address: `LOGIN_ADDRESS_LIMITS` failures from one client address (the real client behind
  a trusted proxy: KCZG_PROXY_HOPS) refuse further tries from it for a while, generously, since
  a whole office can sit behind one address.
- Per account and address pair: `LOGIN_ACCOUNT_LIMITS`, tiered ("5 per minute;20 per hour"):
  a progressive delay for that account from that address only, so guesses from elsewhere never
  delay the owner at a new browser and address (an account created by import is not locked
  whenever someone tries its guessable name).
- Per account, from every address together: `LOGIN_ACCOUNT_WIDE_LIMITS`, a much higher
  threshold ("300 per hour;1000 per day") with a delay, against guessing spread over many
  addresses.
- A browser the account has logged in from before (a signed "known device" cookie) is exempt
  from both account limits, so an attacker's guesses never keep the owner out of it.

Counts live in Redis when KCZG_REDIS_URL is set (shared by every app node), else in each
process's memory (the demo). The audit log records every login, failed or not.
"""
from __future__ import annotations

import math
import time

from flask import current_app, request
from flask_limiter import Limiter
from itsdangerous import BadSignature, URLSafeTimedSerializer

DEVICE_COOKIE = "kczg_device"
DEVICE_DAYS = 180
DEVICE_MAX_NAMES = 10


def client_address() -> str:
    return request.remote_addr or "-"


def submitted_username() -> str:
    return normalise(request.form.get("username", ""))


def account_and_address() -> str:
    return f"{submitted_username()}|{client_address()}"


def normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def failed(response) -> bool:
    """A refused login (wrong name or password) counts; anything else does not."""
    return response.status_code == 401


def init_app(app) -> Limiter:
    """One limiter per app (its storage and key prefix are the app's settings), limiting the
    login view's failures per address and per account."""
    cfg = app.config
    limiter = Limiter(key_func=client_address, app=app, strategy="moving-window",
                      storage_uri=cfg["RATELIMIT_STORAGE_URI"],
                      key_prefix=cfg["RATELIMIT_KEY_PREFIX"], headers_enabled=False)
    view = app.view_functions["auth.login"]
    view = limiter.limit(cfg["LOGIN_ADDRESS_LIMITS"], key_func=client_address,
                         methods=["POST"], deduct_when=failed, scope="login-address")(view)
    view = limiter.limit(cfg["LOGIN_ACCOUNT_LIMITS"], key_func=account_and_address,
                         methods=["POST"], deduct_when=failed, exempt_when=known_device,
                         scope="login-account")(view)
    view = limiter.limit(cfg["LOGIN_ACCOUNT_WIDE_LIMITS"], key_func=submitted_username,
                         methods=["POST"], deduct_when=failed, exempt_when=known_device,
                         scope="login-account-wide")(view)
    app.view_functions["auth.login"] = view
    # asking for accounts and reset mails: every request counts (they also tell, in time or
    # in words, whether a login name exists)
    for endpoint, limits in (("auth.forgot", cfg["FORGOT_LIMITS"]),
                             ("auth.apply", cfg["APPLY_LIMITS"])):
        app.view_functions[endpoint] = limiter.limit(
            limits, methods=["POST"], scope=endpoint)(app.view_functions[endpoint])
    app.view_functions["auth.forgot"] = limiter.limit(
        "3 per hour", key_func=submitted_username, methods=["POST"],
        scope="forgot-account")(app.view_functions["auth.forgot"])
    app.extensions["kczg_limiter"] = limiter
    return limiter


def reset_at() -> float:
    """When the limit this request broke lets the client in again (epoch seconds)."""
    limiter = current_app.extensions["kczg_limiter"]
    current = limiter.current_limit
    return current.reset_at if current else time.time()


# --- known devices ------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kczg-known-device")


def known_names() -> list[str]:
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        names = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def known_device() -> bool:
    """The account being logged into has logged in from this browser before."""
    name = submitted_username()
    return bool(name) and name in known_names()


def remember_device(response, username: str) -> None:
    names = [normalise(username)] + [n for n in known_names() if n != normalise(username)]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(names[:DEVICE_MAX_NAMES]),
                        max_age=DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def retry_in(reset_at: float) -> str:
    """"3分钟" / "40秒": how long until a refused client may try again."""
    seconds = max(1, math.ceil(reset_at - time.time()))
    if seconds < 120:
        return f"{seconds}秒"
    minutes = math.ceil(seconds / 60)
    return f"{minutes}分钟" if minutes < 60 else f"{math.ceil(minutes / 60)}小时"
