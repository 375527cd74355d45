"""Jobs are queued when the transaction that asked for them commits, never before: a worker
never runs a job whose rows it cannot see yet, and a transaction that rolls back queues
nothing. Shown once with a real `huey_consumer` process (not immediate mode) e-mailing a
submission's message through an SMTP server on loopback."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from huey.signals import SIGNAL_ENQUEUED
from playhouse.db_url import connect

from kczg import queue
from kczg.db import database
from kczg.demo_data import sample
from kczg.models import Message, User
from kczg.queue import huey
from kczg.services import outbox
from tests.conftest import IN_COLLECTION, login, new_nomination, post_nomination

ROOT = Path(__file__).resolve().parent.parent
SUBMITTED = "推荐“杭州示例智能科技有限公司”已提交"


def _visible_elsewhere(url: str, subject: str) -> int:
    """The message rows another connection (a worker's) can see now: committed ones only."""
    if url.startswith("sqlite:///"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return conn.execute("SELECT count(*) FROM message WHERE subject = ?",
                                (subject,)).fetchone()[0]
        finally:
            conn.close()
    other = connect(url)
    try:
        return other.execute_sql("SELECT count(*) FROM message WHERE subject = %s",
                                 (subject,)).fetchone()[0]
    finally:
        other.close()


@pytest.fixture
def real_queue(app):
    """The app's queue as production has it (SQLite storage in the instance folder the test
    run uses), emptied; immediate mode again afterwards."""
    huey.immediate = False
    huey.flush()
    yield huey
    huey.flush()
    huey.immediate = True


def test_a_real_consumer_mails_a_submission_queued_after_the_commit(app, client, smtp_sink,
                                                                    real_queue):
    sink, port = smtp_sink
    app.config.update(KCZG_SMTP_HOST="127.0.0.1", KCZG_SMTP_PORT=port)
    url = app.config["DATABASE_URL"]
    seen_at_enqueue = []

    @real_queue.signal(SIGNAL_ENQUEUED)
    def _enqueued(signal, task, *args):  # in this (the web) process, as the job is queued
        if task.name == "send_mail":
            seen_at_enqueue.append((database.in_transaction(), _visible_elsewhere(url, SUBMITTED)))

    try:
        with time_machine.travel(IN_COLLECTION, tick=True):
            login(client, "unit-b")
            nid = new_nomination(client, "xrqy")
            assert post_nomination(client, nid, sample("xrqy"), "submit").status_code == 302
    finally:
        real_queue.disconnect_signal(_enqueued)
    # queued once, outside the transaction, when its message was committed for any worker
    assert seen_at_enqueue == [(False, 1)]
    assert real_queue.pending_count() == 1 and sink.received == []

    env = {**os.environ, "KCZG_INSTANCE": os.environ["KCZG_INSTANCE"], "DATABASE_URL": url,
           "SECRET_KEY": "test-secret", "KCZG_SMTP_HOST": "127.0.0.1",
           "KCZG_SMTP_PORT": str(port), "KCZG_PRERENDER_DOCUMENTS": "0"}
    env.pop("KCZG_REDIS_URL", None)
    worker = subprocess.Popen([str(Path(sys.executable).parent / "huey_consumer"),
                               "kczg.worker.huey", "--workers", "1", "--no-periodic"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not sink.received and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        worker.terminate()
        _, err = worker.communicate(timeout=20)
    assert sink.received, f"the consumer sent nothing: {err.decode()[-2000:]}"
    # the consumer said it was alive at start (the secretariat's dashboard reads it)
    assert time.time() - real_queue.get(queue.HEARTBEAT, peek=True) < 120
    assert [e.rcpt_tos for e in sink.received] == [["unit-b@example.org"]]
    with database.connection_context():
        message = Message.get(Message.subject == SUBMITTED)
        assert message.emailed


def test_nothing_is_queued_before_the_commit_nor_after_a_rollback(app, db, real_queue):
    app.config.update(KCZG_SMTP_HOST="127.0.0.1", KCZG_SMTP_PORT=1)
    user = User.get(User.username == "unit-a")
    with app.app_context():
        with database.atomic():
            outbox.notify([user], "提交成功")
            assert real_queue.pending_count() == 0  # inside the transaction: not yet
        assert real_queue.pending_count() == 1      # committed: queued
        with pytest.raises(RuntimeError):
            with database.atomic():
                outbox.notify([user], "不会发出")
                raise RuntimeError("the transaction fails")
        assert real_queue.pending_count() == 1      # rolled back: nothing more queued
    assert Message.select().where(Message.subject == "不会发出").count() == 0
