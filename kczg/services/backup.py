"""Backup and restore of one instance: the database and the files directory, with a manifest
of checksums (`flask kczg backup DIR`, `flask kczg restore DIR`).

- SQLite: the online backup API (a consistent copy while the app keeps serving).
- PostgreSQL: `pg_dump --format=custom` of the schema in use; `pg_restore` into an empty one.
- Files: everything under the files directory (uploads, rendered documents, bundles, the
  secret key) except the database itself, the job queue and temporary files.

`restore` checks every checksum before it writes anything, and refuses a target that already
holds data.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app

from kczg.db import database, is_postgres
from kczg.services import files

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"
SKIP_NAMES = {"kczg.sqlite3", "kczg.sqlite3-wal", "kczg.sqlite3-shm", "huey.sqlite3",
              "huey.sqlite3-wal", "huey.sqlite3-shm"}


class BackupError(Exception):
    pass


@dataclass
class Summary:
    directory: Path
    database: str
    files: int
    bytes: int


sha256 = files.sha256_of


def _sqlite_path() -> Path:
    return Path(current_app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def _pg_url() -> str:
    return current_app.config["DATABASE_URL"]


def _pg_schema() -> str:
    return database.execute_sql("SELECT current_schema()").fetchone()[0]


def _files_root() -> Path:
    return Path(current_app.instance_path)


def _instance_files(root: Path):
    db_path = _sqlite_path().resolve() if not is_postgres() else None
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in SKIP_NAMES or path.name.endswith(files.TEMP_SUFFIXES):
            continue
        if db_path is not None and path.resolve() in {db_path, Path(f"{db_path}-wal"),
                                                      Path(f"{db_path}-shm")}:
            continue
        yield path


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[:2000]}")


def backup(target: Path) -> Summary:
    """Everything into `target` (empty or new), readable by its owner only: 0700 folders,
    0600 files (password hashes and personal data are in it)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    previous = os.umask(0o077)  # pg_dump and sqlite write their files owner-only too
    try:
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, 0o700)
        summary = _backup(target)
    finally:
        os.umask(previous)
    for folder, dirs, names in os.walk(target):
        os.chmod(folder, 0o700)
        for name in names:
            os.chmod(os.path.join(folder, name), 0o600)  # copy2 kept the originals' 0644
    return summary


def _backup(target: Path) -> Summary:
    (target / FILES).mkdir(parents=True, exist_ok=True)
    manifest: dict = {"format": 1, "created_at": datetime.now(timezone.utc).isoformat(),
                      "files": []}
    if is_postgres():
        schema = _pg_schema()
        cmd = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
               "--file", str(target / PG_FILE)]
        if schema != "public":
            cmd += ["--schema", schema]
        _run(cmd + [_pg_url()])
        manifest["database"] = {"kind": "postgresql", "file": PG_FILE, "schema": schema,
                                "sha256": sha256(target / PG_FILE)}
    else:
        src = sqlite3.connect(_sqlite_path())
        dst = sqlite3.connect(target / SQLITE_FILE)
        with dst:
            src.backup(dst)  # online and consistent, while others keep writing
        dst.close()
        src.close()
        manifest["database"] = {"kind": "sqlite", "file": SQLITE_FILE,
                                "sha256": sha256(target / SQLITE_FILE)}
    root = _files_root()
    total = 0
    for path in _instance_files(root):
        rel = path.relative_to(root).as_posix()
        dest = target / FILES / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
        size = dest.stat().st_size
        total += size
        manifest["files"].append({"path": rel, "size": size, "sha256": sha256(dest)})
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    return Summary(target, manifest["database"]["kind"], len(manifest["files"]), total)


def verify(source: Path) -> dict:
    """The manifest, once every file in it matches its checksum."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{source}: no readable {MANIFEST}: {e}") from e
    db = manifest["database"]
    if sha256(source / db["file"]) != db["sha256"]:
        raise BackupError(f"{db['file']}: checksum does not match the manifest")
    for item in manifest["files"]:
        path = source / FILES / item["path"]
        if not path.is_file() or sha256(path) != item["sha256"]:
            raise BackupError(f"{item['path']}: missing or checksum does not match")
    return manifest


def _pg_is_empty() -> bool:
    with database.connection_context():
        return not database.execute_sql(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
            "LIMIT 1").fetchone()


def restore(source: Path) -> Summary:
    source = Path(source)
    manifest = verify(source)
    kind = manifest["database"]["kind"]
    root = _files_root()
    if any(root.joinpath("uploads").glob("*")):
        raise BackupError(f"{root} already holds uploads: restore into an empty instance")
    if kind == "postgresql":
        if not is_postgres():
            raise BackupError("this backup is of PostgreSQL; set DATABASE_URL to PostgreSQL")
        if not _pg_is_empty():
            raise BackupError("the target database already has tables: restore into an "
                              "empty database")
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              "--dbname", _pg_url(), str(source / PG_FILE)])
    else:
        if is_postgres():
            raise BackupError("this backup is of SQLite; unset DATABASE_URL (or point it at "
                              "an SQLite file)")
        target = _sqlite_path()
        if target.exists() and target.stat().st_size > 0:
            has_tables = sqlite3.connect(target).execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' LIMIT 1").fetchone()
            if has_tables:
                raise BackupError(f"{target} already has tables: restore into an empty "
                                  "instance")
        target.parent.mkdir(parents=True, exist_ok=True)
        for extra in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            extra.unlink(missing_ok=True)
        src = sqlite3.connect(source / SQLITE_FILE)
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
        src.close()
    total = 0
    for item in manifest["files"]:
        dest = root / item["path"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / FILES / item["path"], dest)
        if item["path"] == "secret_key":
            os.chmod(dest, 0o600)
        total += item["size"]
    return Summary(source, kind, len(manifest["files"]), total)
