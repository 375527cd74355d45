"""The secretariat marks a group of suspected duplicates as not duplicates (非重复): the group
is not shown again; audited with the reason."""
from __future__ import annotations

from kczg.db import database
from kczg.models import DuplicateDismissal, User
from kczg.services import audit

from .review import secretariat


def dismiss(user: User, ids: list[int], reason: str) -> bool:
    """Mark the nominations `ids` as not duplicates of each other; False when they were."""
    secretariat(user)
    key = group_key_of(ids)
    if DuplicateDismissal.select().where(DuplicateDismissal.ids == key).exists():
        return False
    with database.atomic():
        DuplicateDismissal.create(ids=key, by=user)
        audit.record("duplicate_dismissed", f"nominations:{key}", reason[:200], actor=user)
    return True


def group_key_of(ids: list[int]) -> str:
    return ",".join(str(i) for i in sorted(set(ids)))

