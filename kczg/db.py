"""The Peewee database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.

Models bind to `database`, a proxy that `init_database()` points at the real connection, so the
same models serve SQLite in development and PostgreSQL at scale.
"""
from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.db_url import connect, register_database

database = peewee.DatabaseProxy()

# 5 s busy timeout and WAL: measured to give no "database is locked" under 16 concurrent writers
# (shared/FINDINGS.md).
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


BUSY_MESSAGE = "系统繁忙，您的内容已保存在本页，请稍后再试。"


class PostgresqlDatabase(peewee.PostgresqlDatabase):
    """PostgreSQL whose sessions give up waiting for a lock after `lock_timeout_ms`, so a
    request blocked by another writer ends with the busy message instead of hanging."""

    def __init__(self, *args, lock_timeout_ms: int = 5000, **kwargs):
        self.lock_timeout_ms = lock_timeout_ms
        super().__init__(*args, **kwargs)

    def _initialize_connection(self, conn):
        with conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(self.lock_timeout_ms)}")
        conn.commit()


def init_database(url: str, busy_ms: int = 5000) -> peewee.Database:
    """Connect the proxy to the database named by `url` and return it."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        db = peewee.SqliteDatabase(str(path), pragmas={**SQLITE_PRAGMAS, "busy_timeout": busy_ms},
                                   timeout=busy_ms / 1000)
    else:
        register_database(PostgresqlDatabase, "postgres", "postgresql")
        db = connect(url, lock_timeout_ms=busy_ms)
    database.initialize(db)
    return db


def refresh_planner_stats() -> None:
    """Have SQLite gather the statistics its query planner reads (ANALYZE; PostgreSQL's
    autovacuum keeps its own). Without them, for a unit's nominations of the year SQLite took
    the year's index (every row of the year) over the unit's (its few): a unit's dashboard read
    7,500 rows for its 3 (5.9 ms -> 0.03 ms). Sampled (analysis_limit): milliseconds at 25,000
    nominations. Run hourly (services/housekeeping.py) and after the demo is loaded."""
    if isinstance(database.obj, peewee.SqliteDatabase):
        database.execute_sql("PRAGMA analysis_limit=1000")
        database.execute_sql("ANALYZE")


def is_busy(exc: BaseException) -> bool:
    """True for "another writer holds the lock and we waited long enough": SQLite's
    `database is locked`/`busy`, PostgreSQL's lock timeout."""
    text = str(exc).lower()
    return isinstance(exc, peewee.OperationalError) and (
        "database is locked" in text or "database is busy" in text
        or "lock timeout" in text or "canceling statement due to lock" in text)


def json_text(field, key: str):
    """SQL for the text of `key` in a JSON text column: json_extract on SQLite, ->> on
    PostgreSQL (the column is text there too, so it is cast first)."""
    if is_postgres():
        return peewee.Expression(peewee.Cast(field, "json"), "->>", key)
    return peewee.fn.json_extract(field, f"$.{key}")


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def write_transaction():
    """A transaction that takes the write lock at once: on SQLite BEGIN IMMEDIATE, so two
    submissions of one unit are serialised before either counts its quota (PostgreSQL callers
    lock the unit's row instead, see kczg.operations.nominations)."""
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
