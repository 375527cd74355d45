"""Faults: a huey consumer killed (SIGKILL) in the middle of a bundle build. The build is seen
as lost once its lease runs out, its partial file is removed, it is retried and finishes; the
half-written ZIP is never served. Runs a real `huey_consumer` process against the test's
database (SQLite file or PostgreSQL schema) and a queue of its own."""
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import time_machine

from kczg.db import database
from tests.conftest import IN_COLLECTION
from tests.views.test_query_counts import _submit_many

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.app_config(BUNDLE_LEASE_SECONDS=2)


def _consumer(app, instance: Path) -> subprocess.Popen:
    env = {**os.environ, "KCZG_INSTANCE": str(instance),
           "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "test-secret",
           "KCZG_BUNDLE_LEASE_SECONDS": "2", "KCZG_PRERENDER_DOCUMENTS": "0",
           "KCZG_REDIS_URL": ""}
    env.pop("KCZG_REDIS_URL")
    return subprocess.Popen([str(Path(sys.executable).parent / "huey_consumer"),
                             "kczg.worker.huey", "--workers", "1", "--no-periodic"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _build(build_id):
    from kczg.models import BundleBuild

    with database.connection_context():
        return BundleBuild.get_by_id(build_id)


def test_consumer_killed_mid_bundle_is_recovered(app, tmp_path, monkeypatch):
    from kczg import queue as jobs
    from kczg.models import BundleBuild
    from kczg.services import bundles

    with time_machine.travel(IN_COLLECTION, tick=True):
        _submit_many(app, "unit-a", "xdjs", 8, "dzxx")   # 8 申报书 to render: a few seconds
    instance = Path(app.instance_path)
    monkeypatch.setenv("KCZG_INSTANCE", str(instance))
    monkeypatch.delenv("KCZG_REDIS_URL", raising=False)
    queue = jobs.make_huey()  # the same SQLite queue the consumer reads
    queue._registry = jobs.huey._registry  # with the app's tasks registered
    with app.app_context(), database.connection_context():
        scope = bundles.parse_scope("body:it")
        build = BundleBuild.create(scope=scope.key, content_key=bundles.fingerprint(scope))
    queue.enqueue(bundles.build_bundle.s(build.id))

    worker = _consumer(app, instance)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            b = _build(build.id)
            if b.status == "running" and b.done >= 1:
                break
            assert b.status != "done", "the build finished before it could be interrupted"
            time.sleep(0.05)
        else:
            pytest.fail("the consumer never started the build")
        os.killpg(worker.pid, signal.SIGKILL)  # the machine dies mid-build
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)

    lost = _build(build.id)
    assert lost.status == "running" and lost.worker
    partial = list((instance / "bundles").glob(f"{lost.content_key}.*"))
    assert partial and all(p.suffix != ".zip" or ".part" in p.name for p in partial)
    assert not (instance / "bundles" / f"{lost.content_key}.zip").exists()

    with app.app_context(), database.connection_context():
        assert bundles.recover_stale_builds() == []  # the lease still runs: not yet lost
        time.sleep(2.2)
        jobs.huey.immediate = True  # the retry runs here, as a fresh worker would
        assert bundles.recover_stale_builds() == [build.id]
    done = _build(build.id)
    assert done.status == "done" and done.attempts == 2, (done.status, done.error)
    files = sorted(p.name for p in (instance / "bundles").iterdir())
    assert files == [f"{done.content_key}.zip"], files  # no partial file left
    with zipfile.ZipFile(instance / "bundles" / files[0]) as zf:
        assert zf.testzip() is None
        assert sum(n.endswith(".pdf") for n in zf.namelist()) >= 8
