"""In chromium: a unit uploads a filled Word template into a draft that already holds its typed
text; the page lists what would change and writes nothing until the unit confirms; then the
report names what was read in the unit's words."""
import re

import pytest
from playwright.sync_api import expect

from kczg.db import database
from kczg.models import Nomination
from tests.e2e.conftest import shot
from tests.e2e.test_nomination_flow import login, seed
from tests.views.test_word_resaved import fill_all

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def test_a_word_file_over_typed_text_is_confirmed_first(page, live_server, app, tmp_path):
    draft = seed(app, "draft")
    login(page, live_server)
    template = page.request.get(f"{live_server}/unit/lists/xdjs/word-template.docx").body()
    with app.app_context(), database.connection_context():
        from kczg.campaigns import scope

        with scope.using_current():
            filled = fill_all(template, "xdjs", {
                "tech_name": "Word中修改后的技术名称", "summary": "Word中的技术简介。\n第二段。",
                "profit_new": "1800", "trl": "6"})
    path = tmp_path / "填好的模板.docx"
    path.write_bytes(filled)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
    page.set_input_files("#word-file", str(path))
    box = page.locator('[name="application"]')  # typed just before the upload, not saved yet
    box.click()
    box.press("Control+a")
    page.keyboard.type("上传Word前刚输入的推广情况")
    page.locator("#word .upload-control").get_by_role("button", name="上传Word填报").click()
    box = page.locator("#word-confirm")
    expect(box).to_contain_text("导入该文件将修改下列")
    expect(box).to_contain_text("Word中修改后的技术名称")
    shot(page, "unit-word-confirm")
    with app.app_context(), database.connection_context():
        raw = Nomination.get_by_id(draft).raw
        assert raw["tech_name"] == ["预置的draft技术"]  # the file waits for the confirmation
        assert raw["application"] == ["上传Word前刚输入的推广情况"]  # what was typed went along
    assert dialogs == []  # nothing to ask: the typed text travelled with the upload
    page.get_by_role("button", name=re.compile("确认导入")).click()
    expect(page.locator("#page-message")).to_contain_text("已从Word文件读取")
    expect(page.locator("#word-report")).to_contain_text("技术成熟度")
    expect(page.locator("#word-report")).not_to_contain_text("：6\n")
    expect(page.locator('[name="tech_name"]')).to_have_value("Word中修改后的技术名称")
    expect(page.locator('[name="application"]')).to_have_value("上传Word前刚输入的推广情况")
    shot(page, "unit-word-report")
