"""What is typed on a nomination page survives in chromium: leaving or reloading while a save is
pending asks first; with the server unreachable or the session ended a save fails visibly, the
text survives a reload from the browser's copy and is saved once the server is back; typing and
clicking 上传 at once keeps the text, with JavaScript and without."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from kczg.db import database
from kczg.models import Attachment, Nomination
from tests.e2e.conftest import shot
from tests.e2e.test_nomination_flow import login, seed

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def stored(app, nid, name):
    with app.app_context(), database.connection_context():
        return (Nomination.get_by_id(nid).raw or {}).get(name, [""])[0]


def type_into(page, name, text):
    box = page.locator(f'[name="{name}"]')
    box.click()
    box.press("Control+a")
    page.keyboard.type(text)  # real key presses: the page has had a user gesture


def test_leaving_with_a_save_pending_asks_first(page, live_server, app):
    draft = seed(app, "draft")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    type_into(page, "summary", "刚刚输入、尚未保存的简介")
    with pytest.raises(PlaywrightError):
        page.reload(timeout=3000)  # the reload waits for the answer: stay
    assert asked == ["beforeunload"]
    expect(page.locator('[name="summary"]')).to_have_value("刚刚输入、尚未保存的简介")
    # once saved, leaving asks nothing
    expect(page.locator("#save-status")).to_contain_text("已保存")
    page.reload()
    assert asked == ["beforeunload"]
    assert stored(app, draft, "summary") == "刚刚输入、尚未保存的简介"


def test_a_failed_save_is_said_kept_in_the_browser_and_saved_when_the_server_is_back(
        page, live_server, app):
    draft = seed(app, "draft")
    before = stored(app, draft, "summary")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    page.route("**/autosave", lambda route: route.abort("connectionrefused"))  # server down
    type_into(page, "summary", "断网时填写的技术简介，第一段。")
    status = page.locator("#save-status")
    expect(status).to_contain_text("未保存：网络或服务器暂时不可用")
    shot(page, "unit-save-failed", full_page=False)
    page.once("dialog", lambda d: d.accept())  # leave anyway: the browser keeps the copy
    page.reload()
    offer = page.locator("#local-copy")
    expect(offer).to_contain_text("尚未保存到服务器的内容")
    assert stored(app, draft, "summary") == before
    shot(page, "unit-local-copy", full_page=False)
    page.unroute("**/autosave")  # the server is back
    page.locator("#local-copy-restore").click()
    expect(page.locator('[name="summary"]')).to_have_value("断网时填写的技术简介，第一段。")
    assert stored(app, draft, "summary") == "断网时填写的技术简介，第一段。"
    page.reload()
    expect(page.locator("#local-copy")).to_have_count(0)  # the server has it: copy dropped


def test_a_session_that_ended_is_said_and_the_text_saved_after_logging_in_again(
        page, live_server, app):
    draft = seed(app, "draft")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    page.context.clear_cookies()  # the session ended (timeout, logged out elsewhere)
    type_into(page, "summary", "登录过期时填写的内容")
    expect(page.locator("#save-status")).to_contain_text("未保存：登录已失效")
    other = page.context.new_page()  # logs in again in another tab
    login(other, live_server)
    other.close()
    page.once("dialog", lambda d: d.accept())
    page.reload()
    page.locator("#local-copy-restore").click()
    expect(page.locator('[name="summary"]')).to_have_value("登录过期时填写的内容")
    assert stored(app, draft, "summary") == "登录过期时填写的内容"


def test_typing_and_uploading_at_once_keeps_the_text(page, live_server, app, tmp_path):
    draft = seed(app, "draft")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    pdf = tmp_path / "证明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    type_into(page, "application", "上传前一刻输入的推广情况")
    page.set_input_files("#material-file", str(pdf))
    page.locator("#attachments .upload-control").get_by_role("button", name="上传").click()
    expect(page.locator("#attachments")).to_contain_text("已上传“证明.pdf”")
    expect(page.locator('[name="application"]')).to_have_value("上传前一刻输入的推广情况")
    expect(page.locator("#save-status")).to_contain_text("已保存")
    assert stored(app, draft, "application") == "上传前一刻输入的推广情况"


def test_without_javascript_an_upload_saves_what_was_typed(browser, live_server, app, tmp_path):
    draft = seed(app, "draft")
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.get_by_label("登录名").fill("unit-a")
        page.get_by_label("密码").fill("kczg-demo")
        page.get_by_role("button", name="登录").click()
        page.goto(f"{live_server}/unit/nominations/{draft}")
        expect(page.locator("#attachments .upload-control.js-only")).to_be_hidden()
        page.locator('[name="application"]').fill("没有脚本时输入的推广情况")
        pdf = tmp_path / "证明.pdf"
        pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
        page.set_input_files("#material-file-plain", str(pdf))
        page.locator("#attachments button[formaction]").click()
        expect(page.locator("#attachments")).to_contain_text("已上传“证明.pdf”")
        expect(page.locator('[name="application"]')).to_have_value("没有脚本时输入的推广情况")
    finally:
        context.close()
    assert stored(app, draft, "application") == "没有脚本时输入的推广情况"
    with app.app_context(), database.connection_context():
        assert Attachment.select().where(Attachment.nomination == draft).count() == 1
