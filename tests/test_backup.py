"""Backup and restore round trip: an instance with nominations, uploads and rendered documents
is backed up while live, restored into an empty instance (a new SQLite file, or a new
PostgreSQL database), and every row of every table and every file compares equal."""
import os
import uuid
from pathlib import Path

import pytest
import time_machine

from kczg.db import database, init_database
from kczg.models import ALL_MODELS
from tests.conftest import FAST_ARGON2, IN_COLLECTION, PG_URL

SKIP = {"kczg.sqlite3", "kczg.sqlite3-wal", "kczg.sqlite3-shm", "huey.sqlite3"}


def _rows() -> dict:
    with database.connection_context():
        out = {m.__name__: list(m.select().order_by(m._meta.primary_key).tuples())
               for m in ALL_MODELS}
        out["migratehistory"] = database.execute_sql(
            "SELECT name FROM migratehistory ORDER BY id").fetchall()
    return out


def _files(root: Path) -> dict:
    from kczg.services.backup import sha256

    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in SKIP}


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["kczg", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def empty_target(request, tmp_path):
    """The database URL of an empty instance: a new SQLite file or a new PostgreSQL database
    (dropped afterwards)."""
    if request.config.getoption("--db") != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored' / 'kczg.sqlite3'}", None
        return
    import psycopg2

    name = f"kczg_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE DATABASE {name}")
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}", (conn, name)
    database.close()
    conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    conn.close()


def test_backup_restore_round_trip(app, tmp_path, empty_target):
    from kczg import create_app, demo
    from kczg.models import Nomination
    from kczg.services import documents

    with app.app_context(), database.connection_context(), \
            time_machine.travel(IN_COLLECTION, tick=True):
        assert demo.load_nominations() > 0
        documents.rendered(documents.prepare_form(Nomination.get(status="submitted")), "pdf")
    source_root = Path(app.instance_path)
    before_rows, before_files = _rows(), _files(source_root)
    assert any(p.startswith("uploads/") for p in before_files)
    assert any(p.startswith("documents/") for p in before_files)

    out = _run(app, "backup", str(tmp_path / "backup"))
    assert "manifest.json" in out
    # readable by its owner only: password hashes and personal data are in it
    for path in [tmp_path / "backup", *(tmp_path / "backup").rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))

    target_url, pg = empty_target
    if pg is not None:  # the same schema name as the source, in the new database
        target_url += "?" + app.config["DATABASE_URL"].split("?", 1)[1]
    restored = create_app({"TESTING": True, "DATABASE_URL": target_url,
                           "SECRET_KEY": "test-secret", "ARGON2_PARAMS": FAST_ARGON2})
    restored.instance_path = str(tmp_path / "restored")
    out = _run(restored, "restore", str(tmp_path / "backup"))
    assert "restored" in out
    after_rows, after_files = _rows(), _files(Path(restored.instance_path))
    for table, rows in before_rows.items():
        assert after_rows[table] == rows, f"{table} differs after restore"
    assert after_files == before_files

    # a second restore into the now full instance is refused, nothing is overwritten
    result = restored.test_cli_runner().invoke(args=["kczg", "restore",
                                                     str(tmp_path / "backup")])
    assert result.exit_code != 0 and "empty" in result.output
    init_database(app.config["DATABASE_URL"])


def test_tampered_backup_is_refused(app, tmp_path):
    _run(app, "backup", str(tmp_path / "backup"))
    manifest = tmp_path / "backup" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    db_file = next((tmp_path / "backup").glob("database.*"))
    db_file.write_bytes(db_file.read_bytes() + b"x")
    restored_app_url = f"sqlite:///{tmp_path / 'r' / 'kczg.sqlite3'}"
    from kczg import create_app

    other = create_app({"TESTING": True, "DATABASE_URL": restored_app_url,
                        "SECRET_KEY": "t", "ARGON2_PARAMS": FAST_ARGON2})
    other.instance_path = str(tmp_path / "r")
    result = other.test_cli_runner().invoke(args=["kczg", "restore", str(tmp_path / "backup")])
    assert result.exit_code != 0 and "checksum" in result.output
    assert "sha256" in text
    init_database(app.config["DATABASE_URL"])
