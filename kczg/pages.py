"""What the actors' views share: an operation called and its outcome said on the next page (a
flash in Chinese: what was done, or why it was refused)."""
from __future__ import annotations

from flask import flash

from kczg.operations import Refused
from kczg.operations.accounts import AccountError
from kczg.services.files import UploadError

REFUSALS = (Refused, AccountError, UploadError)


def attempt(operation, done: str | None = None, category: str = "success") -> bool:
    """Call `operation()`; flash `done` when it ran, or its refusal; True when it ran."""
    try:
        operation()
    except REFUSALS as e:
        flash(str(e), "error")
        return False
    if done:
        flash(done, category)
    return True
