"""Housekeeping: old bundle ZIPs no build points at, superseded rendered documents and stale
temporary files are pruned; the latest bundle of each scope, recent ones and current documents
stay."""
import os
import time
from datetime import timedelta
from pathlib import Path

from kczg.models import BundleBuild, DocumentRecord, utcnow


def _file(path: Path, days_old: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 100)
    t = time.time() - days_old * 86400
    os.utime(path, (t, t))
    return path


def test_prune_keeps_what_is_current(app, db):
    from kczg.services import bundles, housekeeping
    from kczg.services import documents as docs

    with app.test_request_context():
        bdir, ddir = bundles.bundle_dir(), docs.cache_dir()
        old = utcnow() - timedelta(days=40)
        BundleBuild.create(scope="body:it", content_key="old1", status="done", finished_at=old)
        BundleBuild.create(scope="body:it", content_key="latest", status="done", finished_at=old)
        BundleBuild.create(scope="body:oss", content_key="recent", status="done",
                           finished_at=utcnow())
        stale_zip = _file(bdir / "old1.zip", 40)
        latest_zip = _file(bdir / "latest.zip", 40)
        recent_zip = _file(bdir / "recent.zip", 1)
        orphan_zip = _file(bdir / "orphan.zip", 40)
        young_orphan = _file(bdir / "young.zip", 2)
        dead_part = _file(bdir / "abc.1234.part", 3)
        live_part = _file(bdir / "def.99.part", 0.01)

        current = DocumentRecord.create(code="CUR1", kind="form", subject="form:1", title="t",
                                        content_hash="a")
        gone = DocumentRecord.create(code="OLD1", kind="form", subject="form:1", title="t",
                                     content_hash="b", superseded_by=current,
                                     superseded_at=old)
        fresh = DocumentRecord.create(code="NEW1", kind="form", subject="form:2", title="t",
                                      content_hash="c", superseded_by=current,
                                      superseded_at=utcnow())
        tag = docs.base_url_tag()
        cur_pdf = _file(ddir / f"{current.code}-{tag}.pdf", 40)
        old_pdf = _file(ddir / f"{gone.code}-{tag}.pdf", 40)
        old_docx = _file(ddir / f"{gone.code}-{tag}.docx", 40)
        fresh_pdf = _file(ddir / f"{fresh.code}-{tag}.pdf", 1)
        # rendered for a base URL no longer in use: its QR points elsewhere
        other_url = _file(ddir / f"{current.code}-0ld7a6ab.pdf", 40)
        other_url_new = _file(ddir / f"{current.code}-0ld7a6ab.docx", 1)

        result = housekeeping.prune(retention_days=14)
    removed = {p.name for p in result.bundles + result.documents + result.temporary}
    assert removed == {stale_zip.name, orphan_zip.name, dead_part.name, old_pdf.name,
                       old_docx.name, other_url.name}
    for kept in (latest_zip, recent_zip, young_orphan, live_part, cur_pdf, fresh_pdf,
                 other_url_new):
        assert kept.exists(), kept.name
    assert result.size == 600


def test_old_sessions_pruned(app, db):
    from datetime import timedelta

    from kczg.models import User, UserSession, utcnow
    from kczg.services import housekeeping, sessions

    user = User.get(User.username == "unit-a")
    live, ended_long_ago, ended_lately = (sessions.start(user) for _ in range(3))
    long_ago = utcnow() - timedelta(days=31)
    UserSession.update(ended_at=long_ago, last_seen_at=long_ago).where(
        UserSession.token_hash == sessions.token_hash(ended_long_ago)).execute()
    sessions.end(ended_lately)
    r = housekeeping.prune(14)
    assert r.sessions == 1
    left = {s.token_hash for s in UserSession.select()}
    assert left == {sessions.token_hash(live), sessions.token_hash(ended_lately)}


def test_the_hourly_housekeeping_gives_sqlite_its_planner_statistics(app, db, request):
    """Without ANALYZE's statistics SQLite read a unit's nominations through the year's index
    (every row of the year); after the hourly housekeeping it uses the unit's own index."""
    import pytest

    if request.config.getoption("--db") != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    from kczg.db import database
    from kczg.models import Nomination, NominationList, Organisation, UnitType, User
    from kczg.services import housekeeping

    lst = NominationList.get(NominationList.code == "kycx")
    kind = UnitType.get(UnitType.code == "society")
    orgs = [Organisation.create(name=f"统计单位{i}", unit_type=kind) for i in range(40)]
    users = [User.create(username=f"stat{i}", role="unit", organisation=o, password_hash="-")
             for i, o in enumerate(orgs)]
    Nomination.insert_many([{"list": lst, "organisation": o, "created_by": u, "raw": "{}",
                             "campaign": lst.campaign_id}
                            for o, u in zip(orgs, users) for _ in range(5)]).execute()
    sql, params = Nomination.select().where(Nomination.organisation == orgs[0].id).sql()

    def plan():
        return " ".join(row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                                               params).fetchall())

    assert "organisation" not in plan()  # the year's index: every row of the year
    housekeeping.housekeeping()
    assert "nomination_organisation_id" in plan()
