"""The job queue: the huey object, `job()` to declare a background job beside its work, and
`after_commit()` to queue one once the current transaction has committed.

A leaf: it imports kczg.config and kczg.db only, so any layer may queue work without an import
circle. The consumer runs `huey_consumer kczg.worker.huey` (kczg/worker.py builds the app and
imports every module that declares a job).

Storage: SQLite under the instance folder by default, Redis when KCZG_REDIS_URL is set. The
tests run jobs immediately (in memory), still only after the commit: what a request queues
runs when its transaction has committed, in production and in the tests alike.
"""
from __future__ import annotations

import functools
import logging
import os
import time
from contextlib import contextmanager

from flask import current_app, has_app_context
from huey import Huey, RedisHuey, crontab
from huey.storage import SqliteStorage

from kczg.config import instance_path
from kczg.db import database

log = logging.getLogger(__name__)

__all__ = ["huey", "job", "periodic", "after_commit", "crontab", "use_app", "app_context",
           "beat", "worker_seen", "pending_jobs"]


class _QueueStorage(SqliteStorage):
    """huey's SQLite queue with the durability of our own database (WAL, synchronous=NORMAL:
    safe when a process dies, synced at checkpoints). huey's default syncs the disk on every
    enqueue, which cost each submission a third of a millisecond."""

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=normal")
        return conn


def make_huey():
    redis_url = os.environ.get("KCZG_REDIS_URL")
    if redis_url:
        # the name prefixes every Redis key: one Redis can serve several instances (and tests)
        return RedisHuey(os.environ.get("KCZG_REDIS_PREFIX", "kczg"), url=redis_url)
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return Huey("kczg", storage_class=_QueueStorage, filename=str(path / "huey.sqlite3"))


huey = make_huey()
_worker_app = None


def use_app(app) -> None:
    """The app a consumer process runs its jobs in (kczg.worker sets it once)."""
    global _worker_app
    _worker_app = app


@contextmanager
def app_context():
    """Inside a request (jobs run immediately in the tests) its own app; in a consumer, the
    app kczg.worker made, with a database connection of the job's own."""
    if has_app_context():
        yield current_app
        return
    if _worker_app is None:
        raise RuntimeError("no app for background jobs: start the consumer with "
                           "`huey_consumer kczg.worker.huey`")
    with _worker_app.app_context(), database.connection_context():
        yield _worker_app


def job(**options):
    """Declare a background job (huey task options: retries, retry_delay, …). The function
    runs in the app's context; it chooses its own campaign scope."""

    def decorator(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with app_context():
                return fn(*args, **kwargs)

        return huey.task(**options)(run)

    return decorator


def periodic(schedule):
    """Declare a job the consumer runs on `schedule` (a huey crontab)."""

    def decorator(fn):
        @functools.wraps(fn)
        def run():
            with app_context():
                return fn()

        return huey.periodic_task(schedule)(run)

    return decorator


HEARTBEAT = "kczg:worker-heartbeat"


def beat() -> None:
    """A consumer says it is alive and taking jobs (kczg.worker, every minute and at start)."""
    huey.put(HEARTBEAT, time.time())


def worker_seen() -> float | None:
    """When a consumer last said it was alive (seconds since the epoch), None if never; in
    tests (immediate mode) jobs run in the request, so it is always now."""
    if huey.immediate:
        return time.time()
    try:
        return huey.get(HEARTBEAT, peek=True)
    except Exception:  # noqa: BLE001 - the queue's storage itself unreachable: never seen
        log.exception("cannot read the worker heartbeat")
        return None


def pending_jobs() -> int:
    try:
        return 0 if huey.immediate else huey.pending_count()
    except Exception:  # noqa: BLE001
        return 0


def after_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one); a
    transaction that rolls back queues nothing. A worker never sees a job before the rows it
    reads exist."""
    database.after_commit(functools.partial(task, *args))
