"""In a real browser: the home page shows the seven lists and the deadline; unit-a logs in."""
import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser

LIST_NAMES = ["先导技术榜", "新锐企业榜", "产学研融通组织榜", "开源创新榜", "科技创业投资机构榜",
              "青年创业榜", "突破短板关键技术榜（装备制造领域）"]


def test_home_then_unit_login(page, live_server):
    page.goto(live_server + "/")
    table = page.locator("table.lists")
    for name in LIST_NAMES:
        assert table.get_by_role("link", name=name).is_visible(), name
    assert page.locator("#countdown").get_by_text("2021年10月30日24时").is_visible()
    # htmx loaded from our own static files
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version.startsWith('2.')")
    shot(page, "home")

    page.get_by_role("link", name="登录申报").click()
    page.get_by_label("登录名").fill("unit-a")
    page.get_by_label("密码").fill("kczg-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/unit/")
    assert page.get_by_role("heading", name="单位工作台").is_visible()
    assert page.locator(".org-name").inner_text() == "中国电子学会"
    shot(page, "unit-dashboard")


def test_wrong_password_message_in_the_browser(page, live_server):
    page.goto(live_server + "/login")
    page.get_by_label("登录名").fill("unit-a")
    page.get_by_label("密码").fill("nope")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").filter(has_text="登录名或密码不正确").is_visible()
    assert page.get_by_label("登录名").input_value() == "unit-a"


def test_home_on_a_phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  device_scale_factor=1, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/")
    # nothing wider than the screen except the scrollable tables
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390 + 1
    shot(page, "home-phone", full_page=False)
    page.locator("#lists").scroll_into_view_if_needed()
    shot(page, "home-phone-lists", full_page=False)
    context.close()
