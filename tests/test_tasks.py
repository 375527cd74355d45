"""Background jobs: huey on SQLite by default, on Redis when KCZG_REDIS_URL is set (the Redis
test runs against the server on loopback; with CI=true a missing server is a failure)."""
import os

import pytest
from huey.storage import SqliteStorage

from kczg import queue

REDIS_URL = os.environ.get("KCZG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _round_trip(huey):
    @huey.task()
    def add(a, b):
        return a + b

    result = add(2, 3)        # enqueued in the storage
    assert huey.pending_count() == 1
    task = huey.dequeue()     # what a worker does
    huey.execute(task)
    assert result.get() == 5


def test_sqlite_queue_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KCZG_REDIS_URL", raising=False)
    monkeypatch.setenv("KCZG_INSTANCE", str(tmp_path))
    huey = queue.make_huey()
    assert isinstance(huey.storage, SqliteStorage)
    assert (tmp_path / "huey.sqlite3").exists()
    # the queue keeps our database's durability: WAL, synced at checkpoints, not every enqueue
    conn = huey.storage.conn
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    _round_trip(huey)


def test_redis_queue_when_configured(monkeypatch):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as e:
        reason = f"Redis at {REDIS_URL} is not reachable: {e}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI=true: a missing server is a failure)")
        pytest.skip(reason)
    monkeypatch.setenv("KCZG_REDIS_URL", REDIS_URL)
    huey = queue.make_huey()
    assert type(huey).__name__ == "RedisHuey"
    huey.flush()
    _round_trip(huey)
    huey.flush()
