"""The review on a phone (390 px): a score out of range is marked at its own field as it is
typed and after saving (what was typed kept); full-width digits from a Chinese keyboard count,
so four filled boxes give a total (never "未填完"); the ranking's 初评入围 boxes are on screen
without scrolling sideways; a unit is not offered 重新编辑 or 撤回推荐 on a nomination that has
gone to its body."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from kczg import demo
from kczg.db import database
from kczg.models import Assignment, Nomination, User
from kczg.operations import calendar
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser




@pytest.fixture
def review_world(app):
    with app.app_context(), database.connection_context():
        demo.load()
        demo.load_nominations()
        demo.load(days_left=-1)  # collection has closed: the review is on
        demo.load_review()
        a = (Assignment.select().join(User, on=Assignment.expert)
             .where(Assignment.status == "assigned", User.pledged_at.is_null(False))
             .order_by(Assignment.id).first())
        unit_a = User.get(User.username == "unit-a")
        submitted = (Nomination.select().where(Nomination.organisation == unit_a.organisation,
                                               Nomination.status == "submitted").first())
        # the unit was given a late extension: it may still submit new items, but what it
        # had submitted went to its body when collection closed for everyone
        calendar.grant_extension(User.get(User.username == "secretariat"),
                                 datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=2),
                                 "补报材料",
                                 organisation=unit_a.organisation)
        return {"assignment": a.id, "expert": a.expert.username, "submitted": submitted.id}


def test_scoring_the_ranking_and_a_delivered_nomination_on_a_phone(phone, live_server,
                                                                   review_world):
    b, w = live_server, review_world
    login(phone, b, w["expert"])
    phone.goto(f"{b}/review/expert/assignments/{w['assignment']}")
    boxes = phone.locator("input[data-weight]")
    expect(boxes).to_have_count(4)
    first = boxes.nth(0)
    first.fill("105")
    expect(first).to_have_attribute("aria-invalid", "true")
    first_error = phone.locator(f"#{first.get_attribute('id')}-error")
    expect(first_error).to_have_text("应为0到100之间的整数")
    expect(phone.locator("#live-total")).to_have_text("有分数不在0–100之间")
    shot(phone, "phone-score-out-of-range", full_page=False)
    for box, value in zip([boxes.nth(i) for i in range(4)], ["９０", "８５", "８０", "７５"]):
        box.fill(value)  # a Chinese keyboard's full-width digits
    expect(first).not_to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#live-total")).to_have_text("83.25")  # .3*90+.25*85+.25*80+.2*75
    # saved with one out of range: said at that field, everything typed kept
    first.fill("105")
    phone.get_by_role("button", name="保存草稿").click()
    expect(first_error).to_contain_text("您填的是“105”")
    expect(first).to_have_value("105")
    expect(boxes.nth(3)).to_have_value("７５")
    shot(phone, "phone-score-refused", full_page=False)
    # the full-width digits are stored as numbers
    first.fill("９２")
    phone.get_by_role("button", name="保存草稿").click()
    expect(phone.locator(".flash-success, .flash.success, [role=status]").first).to_contain_text(
        "评分草稿已保存")
    expect(first).to_have_value("92")

    phone.context.clear_cookies()
    login(phone, b, "review-it")
    phone.goto(b + "/review/ranking")
    box = phone.locator('input[name="shortlist"]').first
    expect(box).to_be_visible()
    right = phone.evaluate("(el) => el.getBoundingClientRect().right",
                           box.element_handle())
    assert right <= 390, f"the first 初评入围 box ends at {right} px on a 390 px screen"
    shot(phone, "phone-ranking", full_page=False)

    phone.context.clear_cookies()
    login(phone, b, "unit-a")
    phone.goto(f"{b}/unit/nominations/{w['submitted']}")
    expect(phone.locator("#delivered-note")).to_contain_text("已送达初评机构")
    expect(phone.get_by_role("button", name=re.compile("重新编辑|撤回推荐"))).to_have_count(0)
    shot(phone, "phone-delivered-nomination", full_page=False)
