"""The start-up check of the files directory."""
from pathlib import Path

from kczg import files_check


def test_writable_directory_passes_and_gets_an_id(tmp_path):
    assert files_check.check(tmp_path / "files", shared=False) == []
    marker = tmp_path / "files" / files_check.MARKER
    first = marker.read_text()
    assert files_check.check(tmp_path / "files", shared=False) == []
    assert marker.read_text() == first  # the id stays: every node reads the same one


def test_unwritable_directory_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    problems = files_check.check(blocker / "files", shared=False)
    assert problems and "not writable" in problems[0]


def test_shared_files_must_be_a_mount(tmp_path, monkeypatch):
    monkeypatch.setattr(files_check, "mount_of", lambda p: ("/", "ext4"))
    assert "not a mount" in files_check.check(tmp_path, shared=True)[0]
    monkeypatch.setattr(files_check, "mount_of", lambda p: ("/srv/kczg/files", "nfs4"))
    assert files_check.check(tmp_path, shared=True) == []


def test_mount_of_reads_proc_mounts():
    point, fstype = files_check.mount_of(Path("/proc/self"))
    assert point == "/proc" and fstype == "proc"
