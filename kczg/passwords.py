"""Passwords: argon2 hashing with cost parameters from the app config, and the rule a new
password follows (at least 10 characters, not one of the 30,000 most common passwords, not the
login name, and scored at least 3 of 4 by zxcvbn, which sees through "Password1!"-style
variations of common words)."""
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config.get("ARGON2_PARAMS", {}))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so that an unknown name costs the same
# time as a wrong password.
_dummy_hashes: dict[str, str] = {}


def dummy_verify(password: str) -> None:
    key = repr(sorted(current_app.config.get("ARGON2_PARAMS", {}).items()))
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password("not-a-password")
    verify_password(_dummy_hashes[key], password)


MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 3 = safely unguessable against online guessing with throttling


@cache
def _common() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list, from leaked password sets); imported
    when a password is first checked, not by every process that imports this module."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str = "") -> str | None:
    """What is wrong with `password` as a new password, in Chinese, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少{MIN_LENGTH}位"
    lowered = password.lower()
    if lowered in _common() or len(set(lowered)) < 4:
        return "该密码过于常见，容易被猜中，请换一个"
    if len(username) >= 3 and username.lower() in lowered:
        return "密码不能包含登录名"
    from zxcvbn import zxcvbn  # imported when a password is first checked

    if zxcvbn(password[:100], user_inputs=[username, "kczg", "kexie"])["score"] < MIN_SCORE:
        return ("该密码容易被猜中（如常见单词加数字和符号），请使用更长、不常见的组合，"
                "例如几个不相关的词语或拼音加数字")
    return None
