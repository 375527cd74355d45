"""At 390 px (a phone), every page of every actor fits the screen: no page is wider than the
viewport, the navigation folds behind 菜单, and screenshots show the main pages."""
import pytest
from playwright.sync_api import expect

from kczg.db import database
from kczg.models import Organisation
from tests.e2e.conftest import login, shot
from tests.e2e.test_nomination_flow import seed

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]




def fits(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} is {width} px wide on a 390 px screen"


def test_every_page_fits_a_phone(phone, live_server, app):
    b = live_server
    submitted = seed(app, "submitted")
    draft = seed(app, "draft")
    with app.app_context(), database.connection_context():
        org_id = Organisation.get(Organisation.name == "中国电子学会").id
    for path in ("/", "/notice", "/results", "/verify", "/login", "/apply", "/lists/xdjs",
                 "/lists/kycx"):
        fits(phone, b + path)
    shot(phone, "phone-home")
    login(phone, b, "unit-a")
    # the navigation is folded behind 菜单 and opens
    toggle = phone.locator(".nav-toggle")
    expect(toggle).to_be_visible()
    expect(phone.locator("#site-nav")).to_be_hidden()
    toggle.click()
    expect(phone.locator("#site-nav")).to_be_visible()
    shot(phone, "phone-nav-open", full_page=False)
    for path in ("/unit/", f"/unit/nominations/{draft}", f"/unit/nominations/{submitted}",
                 f"/unit/nominations/{submitted}/history", "/unit/archive", "/messages",
                 "/account/password", "/unit/letters/xdjs/dzxx/settings"):
        fits(phone, b + path)
    phone.goto(b + "/unit/")
    shot(phone, "phone-unit-dashboard")
    phone.goto(f"{b}/unit/nominations/{draft}")
    shot(phone, "phone-unit-form")
    # a refused submission: the summary at the top, on a phone too
    phone.locator('[name="summary"]').fill("")
    phone.get_by_role("button", name="提交推荐").click()
    expect(phone.locator("#error-summary")).to_be_focused()
    shot(phone, "phone-unit-error-summary", full_page=False)
    phone.locator("#attachments").scroll_into_view_if_needed()
    shot(phone, "phone-unit-upload-control", full_page=False)
    phone.locator(".nav-toggle").click()
    phone.get_by_role("button", name="退出").click()
    login(phone, b, "secretariat")
    for path in ("/secretariat/", "/secretariat/overview", "/secretariat/units",
                 f"/secretariat/units/{org_id}",
                 "/secretariat/nominations", f"/secretariat/nominations/{submitted}",
                 "/secretariat/audit", "/secretariat/duplicates", "/secretariat/extensions",
                 "/secretariat/applications", "/secretariat/units/new",
                 "/secretariat/notice-files"):
        fits(phone, b + path)
    phone.goto(b + "/secretariat/")
    shot(phone, "phone-secretariat-dashboard")
    phone.goto(b + "/secretariat/overview")
    shot(phone, "phone-secretariat-overview")
