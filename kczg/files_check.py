"""Start-up check of the files directory (KCZG_INSTANCE): uploads, rendered documents and
bundles live there, and in production every app node and worker mounts the same directory
(NFS). A node that cannot write there, or that sees a local directory where a shared mount is
expected, would accept uploads that the other nodes never see."""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

log = logging.getLogger(__name__)
MARKER = ".kczg-files-id"


def mount_of(path: Path) -> tuple[str, str]:
    """(mount point, file system type) that holds `path`, from /proc/mounts."""
    best = ("/", "")
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return best
    resolved = str(path.resolve())
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (resolved == point or resolved.startswith(point.rstrip("/") + "/")) \
                and len(point) >= len(best[0]):
            best = (point, parts[2])
    return best


def check(path: Path, shared: bool) -> list[str]:
    """Problems with the files directory (empty when all is well); logs what it found."""
    problems = []
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
        marker = path / MARKER
        if not marker.exists():
            marker.write_text(uuid.uuid4().hex)
        files_id = marker.read_text().strip()
    except OSError as e:
        return [f"files directory {path} is not writable: {e}"]
    point, fstype = mount_of(path)
    log.info("files directory %s (id %s) on %s (%s)", path, files_id, point, fstype or "?")
    if shared and point == "/":
        problems.append(f"KCZG_FILES_SHARED=1 but {path} is on the root file system, not a "
                        "mount every node shares (mount the NFS export there)")
    return problems
