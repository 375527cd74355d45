"""The manual's screenshots are taken here, of the demo as each user sees it: into
tests/artifacts/manual/ on every run, and into docs/img/ (committed, what the manual shows) when
KCZG_UPDATE_MANUAL=1. The built manual itself is looked at in the browser too (/help)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS_IMG = ROOT / "docs" / "img"


def _shot(page, name: str) -> None:
    targets = [ARTIFACTS / "manual"] + ([DOCS_IMG] if os.environ.get("KCZG_UPDATE_MANUAL") else [])
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=False, caret="initial")


def test_the_manuals_screenshots_and_the_manual_in_a_browser(browser, live_server, demo_world,
                                                               app, tmp_path):
    b, w = live_server, demo_world
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 800})
    page = context.new_page()
    login(page, b, "unit-a")
    page.goto(b + "/unit/")
    _shot(page, "unit-dashboard")
    page.goto(f"{b}/unit/nominations/{w['draft']}")
    _shot(page, "unit-form")
    page.goto(b + "/unit/#documents")
    page.locator("#documents").scroll_into_view_if_needed()
    _shot(page, "unit-letters")
    context.clear_cookies()
    login(page, b, "review-it")
    page.goto(b + "/review/nominations")
    _shot(page, "review-nominations")
    page.goto(b + "/review/ranking")
    _shot(page, "review-ranking")
    context.clear_cookies()
    login(page, b, "expert-it-1")
    page.goto(f"{b}/review/expert/assignments/{w['task']}")
    _shot(page, "expert-score")
    context.clear_cookies()
    login(page, b, "secretariat")
    page.goto(b + "/secretariat/nominations?q=芯片")
    _shot(page, "secretariat-nominations")
    page.goto(b + "/secretariat/duplicates")
    _shot(page, "secretariat-duplicates")
    # the manual as the platform serves it, from a build of docs/ as ./run test makes it
    site = tmp_path / "help"
    subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "--site-dir",
                    str(site)], cwd=ROOT, check=True, capture_output=True,
                   env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    app.config["KCZG_HELP_DIR"] = str(site)
    context.clear_cookies()
    login(page, b, "unit-a")
    page.get_by_role("link", name="帮助").click()
    expect(page.locator("h1").first).to_contain_text("推荐单位")
    expect(page.locator("img[alt='单位工作台']")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "manual" / "help-unit.png"), full_page=False)
    context.close()
