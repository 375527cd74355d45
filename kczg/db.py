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
        from playhouse.db_url import register_database

        register_database(PostgresqlDatabase, "postgres", "postgresql")
        db = connect(url, lock_timeout_ms=busy_ms)
    database.initialize(db)
    return db


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


def _keep_row_state(wrapper, row_state: dict) -> None:
    """Have the cursor wrapper, when it first reads a row, keep what its `initialize` set."""
    initialize = wrapper.initialize

    def keeping():
        before = dict(wrapper.__dict__)
        initialize()
        row_state.update({k: v for k, v in wrapper.__dict__.items()
                          if k != "initialize" and (k not in before or before[k] is not v)})

    wrapper.initialize = keeping


class Param:
    """Where a value goes in a `Compiled` query."""

    def __init__(self, index: int):
        self.index = index

    def node(self):
        return peewee.Value(self, converter=False)


class Compiled:
    """A query whose SQL peewee builds once per process and database, run again with new
    values. On a page that runs the same six queries every time, composing their SQL was a
    quarter of the page's time.

        user_by_id = Compiled(lambda uid: User.select().where(User.id == uid))
        rows = list(user_by_id(42))

    `build` receives one marker per value (use it where the value goes) and returns the query;
    calling the Compiled object returns the query's usual rows (models, joined models too).
    """

    def __init__(self, build):
        self.build = build
        self.nargs = build.__code__.co_argcount
        self._entry: tuple | None = None  # (database, query, sql, params, slots, row state)

    def _compile(self, db):
        query = self.build(*[Param(i).node() for i in range(self.nargs)])
        sql, params = query.sql()
        slots = [(pos, p.index) for pos, p in enumerate(params) if isinstance(p, Param)]
        self._entry = (db, query, sql, params, slots, {})
        return self._entry

    def __call__(self, *values):
        db = database.obj
        entry = self._entry
        if entry is None or entry[0] is not db:  # first call, or the proxy moved (tests)
            entry = self._compile(db)
        _, query, sql, params, slots, row_state = entry
        params = list(params)
        for pos, index in slots:
            params[pos] = values[index]
        wrapper = query._get_cursor_wrapper(db.execute_sql(sql, params))
        if row_state:
            # how columns map to models and converters: the same for the same SQL, so peewee
            # need not work it out again from the cursor on every run
            wrapper.__dict__.update(row_state)
            wrapper.initialized = True
        else:
            _keep_row_state(wrapper, row_state)
        return wrapper

    def first(self, *values):
        return next(iter(self(*values)), None)
