"""Background jobs (huey): render documents after submission, build bundles.

Storage: SQLite under instance/ by default, Redis when KCZG_REDIS_URL is set. Run a worker with
`.venv/bin/huey_consumer kczg.tasks.huey` (./run serve starts one). Tests run tasks immediately.
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager

from flask import current_app, has_app_context
from huey import Huey, RedisHuey, crontab
from huey.storage import SqliteStorage

from kczg.config import instance_path

log = logging.getLogger(__name__)


class _QueueStorage(SqliteStorage):
    """huey's SQLite queue with the durability of our own database (WAL, synchronous=NORMAL:
    safe when a process dies, synced at checkpoints). huey's default syncs the disk on every
    enqueue, which cost each submission a third of a millisecond."""

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=normal")
        return conn


def _make_huey():
    redis_url = os.environ.get("KCZG_REDIS_URL")
    if redis_url:
        # the name prefixes every Redis key: one Redis can serve several instances (and tests)
        return RedisHuey(os.environ.get("KCZG_REDIS_PREFIX", "kczg"), url=redis_url)
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return Huey("kczg", storage_class=_QueueStorage, filename=str(path / "huey.sqlite3"))


huey = _make_huey()
_worker_app = None


@contextmanager
def app_context():
    """Inside a request (immediate mode) reuse its app; in the worker, one app per process."""
    global _worker_app
    if has_app_context():
        yield current_app
        return
    if _worker_app is None:
        from kczg import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        from kczg.db import database

        with database.connection_context():
            yield _worker_app


@huey.task()
def render_nomination_documents(nomination_id: int) -> None:
    """Render a submitted nomination's 申报书 and its letter, so downloads and bundles are
    served from the cache (FINDINGS: render in workers, not in the request)."""
    with app_context():
        from kczg.models import Nomination
        from kczg.services import documents

        n = Nomination.get_or_none(Nomination.id == nomination_id)
        if n is None or n.status != "submitted":
            return
        for prepared in (documents.prepare_form(n),
                         documents.prepare_letter(n.organisation, n.list, n.domain)):
            for fmt in ("pdf", "docx"):
                documents.rendered(prepared, fmt)


@huey.task()
def build_bundle(build_id: int) -> None:
    with app_context():
        from kczg.services import bundles

        bundles.run_build(build_id)


@huey.task(retries=3, retry_delay=60)
def send_mail(message_id: int) -> None:
    with app_context():
        from kczg.services import outbox

        outbox.send(message_id)


@huey.task(retries=2, retry_delay=30)
def send_password_reset(user_id: int) -> None:
    with app_context():
        from kczg.services import password_reset

        password_reset.send(user_id)


@huey.periodic_task(crontab(minute="*/10"))
def deliver_bundles() -> None:
    """When collection has closed, build (or rebuild, after changes) every body's bundle."""
    with app_context():
        from kczg.campaigns import current_campaign
        from kczg.services import bundles

        bundles.deliver(current_campaign())


@huey.periodic_task(crontab(minute="*"))
def recover_bundles() -> None:
    """Every minute: a bundle build whose worker died (lease expired) is cleaned and retried."""
    with app_context():
        from kczg.services import bundles

        bundles.recover_stale_builds()


@huey.periodic_task(crontab(minute="17"))
def housekeeping() -> None:
    """Every hour: prune old bundle ZIPs, superseded rendered documents and left-over temporary
    files (retention: KCZG_RETENTION_DAYS)."""
    with app_context():
        from kczg.services import housekeeping as hk

        hk.prune()
