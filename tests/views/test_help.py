"""帮助: the user manual MkDocs builds from docs/ (strictly, as ./run test does), served at /help,
linked from every page's header (each role to its chapter); the footer carries the year's
helplines from the campaign file; an unbuilt manual is said, not a blank 404."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def manual(tmp_path_factory):
    site = tmp_path_factory.mktemp("help")
    done = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "-q",
                           "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def test_help_serves_the_manual_and_each_role_is_sent_to_its_chapter(app, client, manual):
    app.config["KCZG_HELP_DIR"] = str(manual)
    r = client.get("/help")
    assert r.status_code == 200 and "用户手册" in r.get_data(as_text=True)
    csp = r.headers["Content-Security-Policy"]
    assert "'sha256-" in csp and "unsafe" not in csp  # its theme's inline scripts, by hash
    unit = client.get("/help/unit.html").get_data(as_text=True)
    assert "推荐单位" in unit and "盖章扫描件" in unit and "img/unit-dashboard.png" in unit
    assert client.get("/help/nothing.html").status_code == 404
    home = client.get("/")
    assert "'sha256-" not in home.headers["Content-Security-Policy"]
    assert 'id="help-link"' in home.get_data(as_text=True)
    login(client, "unit-a")
    page = client.get("/unit/").get_data(as_text=True)
    assert 'href="/help/unit.html" id="help-link"' in page


def test_the_footer_gives_the_notices_helplines(client):
    footer = client.get("/").get_data(as_text=True).split('id="helplines"')[1].split("</p>")[0]
    assert "技术支持 13041190068" in footer and "客服电话 010-63589150" in footer
    assert "徐春淼 15810910998" in footer and "祝翠 010-68517798" in footer


def test_an_unbuilt_manual_is_said_in_chinese(app, client, tmp_path):
    app.config["KCZG_HELP_DIR"] = str(tmp_path / "not-built")
    r = client.get("/help")
    assert r.status_code == 503 and "用户手册尚未生成" in r.get_data(as_text=True)
