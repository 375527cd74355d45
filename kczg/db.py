"""The Peewee database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.

Models bind to `database`, a proxy that `init_database()` points at the real connection, so the
same models serve SQLite in development and PostgreSQL at scale.
"""
from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.db_url import connect

database = peewee.DatabaseProxy()

# 5 s busy timeout and WAL: measured to give no "database is locked" under 16 concurrent writers
# (shared/FINDINGS.md).
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def init_database(url: str) -> peewee.Database:
    """Connect the proxy to the database named by `url` and return it."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5)
    else:
        db = connect(url)
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def write_transaction():
    """A transaction that takes the write lock at once: on SQLite BEGIN IMMEDIATE, so two
    submissions of one unit are serialised before either counts its quota (PostgreSQL callers
    lock the unit's row instead, see kczg.rules.transitions)."""
    if isinstance(database.obj, peewee.SqliteDatabase):
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


class QueryCounter:
    """Counts the SQL statements the database runs while it is active (tests and benches:
    `with QueryCounter() as q: ...; q.count`)."""

    def __init__(self):
        self.count, self.statements = 0, []

    def __enter__(self):
        db = database.obj
        self._original = db.execute_sql

        def counted(sql, params=None, *args, **kwargs):
            self.count += 1
            self.statements.append(sql)
            return self._original(sql, params, *args, **kwargs)

        db.execute_sql = counted
        return self

    def __exit__(self, *exc):
        del database.obj.execute_sql  # back to the class's method
        return False
