"""Schema migrations with peewee-migrate; the migrations live in kczg/migrations/."""
from pathlib import Path

from peewee_migrate import Router

from kczg.db import database

MIGRATE_DIR = Path(__file__).resolve().parent / "migrations"


def router() -> Router:
    return Router(database.obj, migrate_dir=MIGRATE_DIR, ignore=["basemodel"])


def migrate() -> list[str]:
    """Apply every pending migration; returns the names applied."""
    r = router()
    todo = r.diff
    if todo:
        r.run()
    return todo
