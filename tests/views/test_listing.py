"""Lists page and filter in SQL: the secretariat's units and a review body's nominations."""
import re

import time_machine

from kczg.models import Organisation, UnitType, User
from tests.conftest import IN_COLLECTION, login
from tests.views.test_query_counts import _submit_many


def _rows(html: str) -> int:
    return len(re.findall(r"<tr data-id=", html)) or len(re.findall(r"<tr><td>", html))


def test_units_are_paged_and_searched(client, db):
    society = UnitType.get(UnitType.code == "society")
    for i in range(60):
        org = Organisation.create(name=f"分页测试学会{i:02d}", unit_type=society, contact="张三")
        User.create(username=f"page{i:02d}", role="unit", organisation=org, password_hash="-")
    login(client, "secretariat")
    first = client.get("/secretariat/units").get_data(as_text=True)
    assert "推荐单位（62）" in first and "第 1 / 2 页" in first
    assert "分页测试学会59" in first and "分页测试学会05" not in first  # newest first
    second = client.get("/secretariat/units?page=2").get_data(as_text=True)
    assert "分页测试学会05" in second and "第 2 / 2 页" in second
    found = client.get("/secretariat/units?q=page07").get_data(as_text=True)  # by login name
    assert "推荐单位（1）" in found and "分页测试学会07" in found
    assert "没有符合条件" in client.get("/secretariat/units?q=不存在").get_data(as_text=True)
    assert client.get("/secretariat/units?page=abc").status_code == 200
    assert client.get("/secretariat/units?page=99999999999").status_code == 200


def test_body_nominations_are_paged_and_filtered(app, client):
    with time_machine.travel(IN_COLLECTION, tick=True):
        _submit_many(app, "unit-a", "xdjs", 40, "dzxx")
        _submit_many(app, "unit-b", "xdjs", 15, "dzxx")
        _submit_many(app, "unit-b", "xdjs", 3, "swyy")  # routed to another body
    login(client, "review-it")
    first = client.get("/review/nominations").get_data(as_text=True)
    assert "共55项" in first and _rows(first) == 50 and "第 1 / 2 页" in first
    second = client.get("/review/nominations?page=2").get_data(as_text=True)
    assert _rows(second) == 5
    by_unit = client.get("/review/nominations?unit=浙江").get_data(as_text=True)
    assert "共15项" in by_unit and "中国电子学会" not in by_unit.split("<tbody>")[1]
    # every sample shares one completing unit's USCC: for a technology list that alone is no
    # duplicate (the 疑似重复 page compares their texts), so nothing is flagged here
    dups = client.get("/review/nominations?dup=1").get_data(as_text=True)
    assert "共0项" in dups
    unassigned = client.get("/review/nominations?status=unassigned").get_data(as_text=True)
    assert "共55项" in unassigned
    scored = client.get("/review/nominations?status=scored").get_data(as_text=True)
    assert "共0项" in scored


def test_messages_are_paged(client, db):
    from kczg.models import Message

    user = User.get(User.username == "unit-a")
    for i in range(60):
        Message.create(user=user, subject=f"分页消息{i:02d}", body="")
    login(client, "unit-a")
    first = client.get("/messages").get_data(as_text=True)
    assert "分页消息59" in first and "分页消息05" not in first and "第 1 / 2 页" in first
    second = client.get("/messages?page=2").get_data(as_text=True)
    assert "分页消息05" in second


def test_experts_are_paged_and_searched(client, db):
    from kczg.models import ReviewBody

    body = ReviewBody.get(ReviewBody.short_id == "it")
    for i in range(55):
        User.create(username=f"pexp{i:02d}", role="expert", review_body=body,
                    display_name=f"专家{i:02d}", affiliation="清华大学" if i == 7 else "某研究所",
                    password_hash="-")
    login(client, "review-it")
    first = client.get("/review/experts").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "pexp00" in first
    found = client.get("/review/experts?q=清华").get_data(as_text=True)
    assert "pexp07" in found and "pexp08" not in found


def test_same_enterprise_flagged_in_the_lists(app, client):
    with time_machine.travel(IN_COLLECTION, tick=True):
        _submit_many(app, "unit-a", "xrqy", 1)
        _submit_many(app, "unit-b", "xrqy", 1)  # the same USCC: the same enterprise
    login(client, "secretariat")
    dups = client.get("/secretariat/nominations?dup=1").get_data(as_text=True)
    assert "全部推荐（2）" in dups and dups.count("疑似重复</span>") == 2
