"""The second year as its users see it, in chromium: the unit's 2022 dashboard (青年创业榜 opens
later by its supplementary notice), a list whose form the campaign file defines, 往年推荐, the
notice page with the supplement, and the secretariat's 所属推荐渠道 (screenshots to look at)."""
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from kczg.db import database
from kczg.operations.campaigns import load_campaign, load_supplement
from tests.e2e.conftest import login, shot
from tests.e2e.test_nomination_flow import seed

pytestmark = pytest.mark.browser
DATA = Path(__file__).resolve().parents[1] / "data"


def test_second_year_pages(page, live_server, app):
    b = live_server
    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=True):
        seed(app, "submitted")  # a 2021 nomination of unit-a
    with app.app_context(), database.connection_context():
        load_campaign(DATA / "kczg-2022.toml")
        load_supplement(DATA / "kczg-2022-qncy.toml")
    with time_machine.travel("2022-10-20 10:00:00+08:00", tick=True):
        login(page, b, "unit-a")
        expect(page.locator("#current-campaign")).to_have_text("2022“科创中国”榜单")
        expect(page.locator("#new")).to_contain_text("2022年11月01日开始")
        expect(page.locator("#nominations")).not_to_contain_text("预置的submitted技术")
        shot(page, "years-unit-dashboard-2022")
        page.locator("form.new-item", has_text="新型研发机构榜").get_by_role(
            "button", name="新建新型研发机构榜推荐").click()
        expect(page.get_by_label("机构名称")).to_be_visible()
        page.get_by_label("研发人员（人）").fill("0")
        page.get_by_label("研发人员（人）").blur()
        expect(page.locator("main")).to_contain_text("研发人员（人）应在1到100000之间")
        shot(page, "years-data-defined-form")
        page.goto(b + "/unit/archive")
        expect(page.locator("main")).to_contain_text("预置的submitted技术")
        shot(page, "years-unit-archive")
        page.goto(b + "/notice")
        expect(page.locator("main")).to_contain_text("青年创业榜的补充通知")
        shot(page, "years-notice-with-supplement")
        page.get_by_role("button", name="退出").click()
        login(page, b, "secretariat")
        page.goto(b + "/secretariat/units")
        page.get_by_role("link", name="中国电子学会").first.click()
        page.get_by_role("link", name="所属推荐渠道").click()
        page.get_by_label("省级科协").check()
        shot(page, "years-secretariat-channels")
        page.get_by_role("button", name="保存所属推荐渠道").click()
        expect(page.locator("main")).to_contain_text("另属推荐渠道：省级科协")
