"""argon2 password hashing, with cost parameters from the app config."""
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
