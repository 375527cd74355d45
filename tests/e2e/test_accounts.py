"""The secretariat operates a unit's accounts in chromium (under the CSP): the unit's page, 重置密码
(confirmed, the 开通通知 shown once and printed), 停用, the 操作日志; and 忘记密码 from the login page."""
import re

import pytest
from playwright.sync_api import expect

from kczg.db import database
from kczg.models import Organisation
from tests.e2e.conftest import ARTIFACTS, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def test_secretariat_operates_a_units_accounts(page, live_server, app):
    b = live_server
    with app.app_context(), database.connection_context():
        org_id = Organisation.get(Organisation.name == "中国电子学会").id
    page.goto(b + "/login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.locator("h1")).to_have_text("忘记密码")
    page.get_by_label("登录名").fill("unit-a")
    page.get_by_role("button", name="发送重设密码邮件").click()
    # the demo has no mail server: the page says so instead of claiming a mail was sent
    expect(page.locator("#mail-not-configured")).to_contain_text("邮件未发送")
    shot(page, "accounts-forgot-sent")

    login(page, b, "secretariat")
    page.goto(b + "/secretariat/units")
    expect(page.locator("main")).to_contain_text("盖章扫描件")
    shot(page, "accounts-units")
    page.get_by_role("link", name="中国电子学会").click()
    expect(page).to_have_url(f"{b}/secretariat/units/{org_id}")
    shot(page, "accounts-unit")
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; cancelled: nothing
    page.locator("#account-unit-a").get_by_role("button", name="重置密码").click()
    expect(page).to_have_url(f"{b}/secretariat/units/{org_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#account-unit-a").get_by_role("button", name="重置密码").click()
    expect(page.locator("#account-notice h1")).to_have_text("“科创中国”榜单征集平台账号开通通知")
    password = page.locator("#one-time-password").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{10,}", password)
    shot(page, "accounts-notice")
    page.emulate_media(media="print")
    page.pdf(path=str(ARTIFACTS / "accounts-notice.pdf"), format="A4")
    page.emulate_media(media="screen")

    page.goto(f"{b}/secretariat/units/{org_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#account-unit-a").get_by_role("button", name="停用").click()
    expect(page.locator("#account-unit-a")).to_contain_text("已停用")
    page.goto(b + "/secretariat/audit")
    expect(page.locator("main")).to_contain_text("停用账号")
    expect(page.locator("main")).to_contain_text("重置密码")
    page.get_by_label("操作类型").select_option("account_disabled")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    shot(page, "accounts-audit")
