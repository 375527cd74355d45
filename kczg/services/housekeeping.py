"""Pruning the files directory: bundle ZIPs no recent build points at, rendered documents
whose content was superseded, and temporary files a dead process left behind; and the rows
that only matter for a while: sessions that ended more than 30 days ago.

Kept: every ZIP of the latest finished build of each scope, every ZIP a build finished within
the retention window, every rendered document of a current (not superseded) record. A verify
code keeps working after its file is pruned (the page reads the record, not the file), and a
pruned document is rendered again if anybody asks for it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from peewee import fn

from kczg import queue
from kczg.db import refresh_planner_stats
from kczg.models import BundleBuild, DocumentRecord, unscoped, utcnow
from kczg.services import bundles, files, sessions
from kczg.services import documents as docs

RECORD_DAYS = 30  # ended sessions are kept this long


@dataclass
class Pruned:
    bundles: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    temporary: list[Path] = field(default_factory=list)
    size: int = 0  # bytes freed
    sessions: int = 0


def _remove(path: Path, into: list, result: Pruned) -> None:
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return
    result.size += size
    into.append(path)


@queue.periodic(queue.crontab(minute="17"))
def housekeeping() -> None:
    """Every hour: prune old bundle ZIPs, superseded rendered documents and left-over temporary
    files (retention: KCZG_RETENTION_DAYS); refresh SQLite's planner statistics."""
    prune()
    refresh_planner_stats()


def prune(retention_days: int | None = None, now: float | None = None) -> Pruned:
    """Every year's files and rows (a read across years)."""
    with unscoped():
        return _prune(retention_days, now)


def _prune(retention_days: int | None, now: float | None) -> Pruned:
    days = current_app.config["RETENTION_DAYS"] if retention_days is None else retention_days
    now = now or time.time()
    cutoff_s = now - days * 86400
    cutoff_dt = utcnow() - timedelta(days=days)
    result = Pruned()

    # bundles: keep the latest finished build per scope and anything built recently or running
    latest = (BundleBuild.select(BundleBuild.scope, fn.MAX(BundleBuild.id).alias("last"))
              .where(BundleBuild.status == "done").group_by(BundleBuild.scope))
    keep = {k for (k,) in BundleBuild.select(BundleBuild.content_key)
            .where(BundleBuild.id.in_([row.last for row in latest])).tuples()}
    keep |= {k for (k,) in BundleBuild.select(BundleBuild.content_key).where(
        (BundleBuild.finished_at >= cutoff_dt) |
        BundleBuild.status.in_(["queued", "running"])).tuples()}
    for path in bundles.bundle_dir().iterdir():
        if path.name.endswith(files.TEMP_SUFFIXES):
            if path.stat().st_mtime < now - 86400:  # a build's own files live minutes, not a day
                _remove(path, result.temporary, result)
        elif path.suffix == ".zip" and path.stem not in keep and path.stat().st_mtime < cutoff_s:
            _remove(path, result.bundles, result)

    # rendered documents (<code>-<base URL tag>.<fmt>): drop the files of records superseded
    # before the cutoff, and old files rendered for a base URL no longer in use
    old_codes = {c for (c,) in DocumentRecord.select(DocumentRecord.code).where(
        DocumentRecord.superseded_at.is_null(False),
        DocumentRecord.superseded_at < cutoff_dt).tuples()}
    tag = docs.base_url_tag()
    for path in docs.cache_dir().iterdir():
        if path.name.endswith(files.TEMP_SUFFIXES):
            if path.stat().st_mtime < now - 86400:
                _remove(path, result.temporary, result)
            continue
        code, _, file_tag = path.name.split(".", 1)[0].rpartition("-")
        if code in old_codes or \
                (file_tag != tag and path.stat().st_mtime < cutoff_s):
            _remove(path, result.documents, result)

    result.sessions = sessions.prune(RECORD_DAYS)
    return result
