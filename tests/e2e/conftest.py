"""A live server on loopback and Debian's chromium driven by Playwright."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (./run test installs Debian's chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    # every browser test also checks that its pages need nothing the Content-Security-Policy
    # forbids (inline scripts, handlers, styles; htmx's own indicator style or eval)
    refused = []
    pg.on("console", lambda m: refused.append(f"{m.text} at {m.location}")
          if m.type == "error" and "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not refused, refused


@pytest.fixture
def phone(browser):
    """A phone: 390 x 844 CSS px, touch, zh-CN."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": hiding the caret would inject a <style> the page's CSP refuses
    page.screenshot(path=str(path), full_page=full_page, caret="initial")
    return path


def login(page, base: str, username: str, password: str = "kczg-demo") -> None:
    page.goto(base + "/login")
    page.get_by_label("登录名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def demo_world(app):
    """Every actor's pages with data: the demo's collection and review, a draft of unit-a
    (which has an extension, so its forms are open), an expert with a task to score."""
    from datetime import datetime, timedelta, timezone

    from kczg import demo
    from kczg.db import database
    from kczg.models import Assignment, Nomination, NominationList, User
    from kczg.operations import calendar
    from kczg.operations import nominations as ops

    with app.app_context(), database.connection_context():
        demo.load()
        demo.load_nominations()
        unit_a = User.get(User.username == "unit-a")
        draft = ops.create_draft(unit_a, NominationList.get(NominationList.code == "kjtz"), None)
        demo.load(days_left=-1)
        demo.load_review()
        calendar.grant_extension(User.get(User.username == "secretariat"),
                                 datetime.now(timezone.utc).replace(tzinfo=None)
                                 + timedelta(days=2), "补报材料", organisation=unit_a.organisation)
        submitted = Nomination.get(Nomination.organisation == unit_a.organisation,
                                   Nomination.status == "submitted")
        task = (Assignment.select().join(User, on=Assignment.expert)
                .where(User.username == "expert-it-1").order_by(Assignment.id).first())
        return {"draft": draft.id, "submitted": submitted.id, "task": task.id}
