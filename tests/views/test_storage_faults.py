"""The files directory full or read-only (a real tmpfs mounted over it): an upload and the
unit's summary PDF get a Chinese message with 507 or 503, never a bare 500; the draft and its
list of materials are untouched; the fault is logged."""
import logging
import subprocess
from pathlib import Path

import pytest

from kczg.models import Attachment, Nomination
from tests.conftest import new_nomination
from tests.views.test_attachments import PDF, upload

pytestmark = pytest.mark.usefixtures("collection_open")


@pytest.fixture
def small_disk(app):
    """instance/uploads and instance/documents on a 256 KiB tmpfs each; yields a function that
    fills them or makes them read-only."""
    mounted = []
    for name in ("uploads", "documents"):
        path = Path(app.instance_path) / name
        path.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(path)],
                           capture_output=True)
        if r.returncode != 0:
            for p in mounted:
                subprocess.run(["umount", str(p)])
            pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()})")
        mounted.append(path)

    def make(state):
        for path in mounted:
            if state == "full":
                with open(path / "filler", "wb") as f:
                    try:
                        while True:
                            f.write(b"\0" * 65536)
                    except OSError:
                        pass
            else:
                subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    yield make
    for path in mounted:
        subprocess.run(["umount", str(path)], check=True)


@pytest.mark.parametrize("state,code,words", [("full", 507, "服务器存储空间已满"),
                                              ("read-only", 503, "服务器存储暂时不可写入")])
def test_a_full_or_read_only_files_directory_is_said_and_changes_nothing(
        as_user, db, small_disk, caplog, state, code, words):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    before = Nomination.get_by_id(nid)
    small_disk(state)
    with caplog.at_level(logging.ERROR, logger="kczg"):
        r = upload(client, nid, PDF + b"x" * 300_000, "营业执照.pdf")
    page = r.get_data(as_text=True)
    assert r.status_code == code and words in page and "您填写的内容未受影响" in page
    assert "服务器内部错误" not in page and "技术支持（13041190068" in page
    assert any("storage" in rec.getMessage() for rec in caplog.records)
    after = Nomination.get_by_id(nid)
    assert (after.version, after.raw) == (before.version, before.raw)
    assert Attachment.select().where(Attachment.nomination == nid).count() == 0
    # the unit's summary PDF, rendered into the same storage
    r = client.get("/unit/documents/summary.pdf")
    assert r.status_code == code and words in r.get_data(as_text=True)
