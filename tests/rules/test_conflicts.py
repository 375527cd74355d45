"""Conflicts of interest found from the data (kczg/rules/conflicts.py): an expert's employer
against every organisation a nomination names, each kind with its reason; a body clears a
derived conflict with a reason (audited), never a declared one; the manual dropdown never offers
a conflicted expert; automatic assignment keeps pins and capacities."""
from types import SimpleNamespace as NS

import pytest

from kczg.models import Assignment, AuditEvent, User
from kczg.operations import Refused
from kczg.operations import review as review_ops
from kczg.passwords import hash_password
from kczg.rules import conflicts


def nomination(code, unit="中国电子学会", **clean):
    return NS(id=1, list=code, organisation=NS(name=unit), clean=clean, data=None)


def expert(affiliation, uscc=""):
    return NS(affiliation=affiliation, affiliation_uscc=uscc)


def why(e, n):
    return conflicts.reason(conflicts.employer(e), conflicts.parties(n))


@pytest.mark.parametrize("code, clean, employer, said", [
    ("xdjs", {}, "中国电子学会", "专家所在单位与推荐单位相同（中国电子学会）"),
    ("xdjs", {"first_unit": "华为技术有限公司"}, "华为技术有限公司",
     "专家所在单位与第一完成单位相同（华为技术有限公司）"),
    ("xdjs", {"other_units": [{"name": "清华大学"}]}, " 清华 大学 ",
     "专家所在单位与其他完成单位相同（清华大学）"),
    ("xdjs", {"people": [{"name": "李娜", "unit": "中国科学院计算技术研究所"}]}, "中国科学院",
     "专家所在单位（中国科学院）与主要完成人所在单位（中国科学院计算技术研究所）名称相近"),
    ("xrqy", {"company_name": "深圳示例科技有限公司"}, "深圳示例科技有限公司",
     "专家所在单位与被推荐企业相同（深圳示例科技有限公司）"),
    ("xrqy", {"financing": [{"investors": "红杉资本中国基金、深圳市创新投资集团有限公司"}]},
     "深圳市创新投资集团有限公司", "专家所在单位与投资方相同（深圳市创新投资集团有限公司）"),
    ("cxyrt", {"members": [{"name": "浙江大学"}]}, "浙江大学", "专家所在单位与成员单位相同（浙江大学）"),
    ("kjtz", {"cases": [{"company": "杭州示例智能有限公司"}]}, "杭州示例智能有限公司",
     "专家所在单位与被投企业相同（杭州示例智能有限公司）"),
    ("kycx", {"maintainer": "开放原子开源基金会"}, "开放原子开源基金会",
     "专家所在单位与主要维护单位相同（开放原子开源基金会）"),
])
def test_each_kind_of_party_is_a_conflict_with_its_reason(code, clean, employer, said):
    assert (why(expert(employer), nomination(code, **clean)) or "").startswith(said)


def test_the_uscc_matches_when_the_names_differ_and_short_names_never_match_inside_others():
    n = nomination("xrqy", company_name="深圳示例科技有限公司", uscc="91440300MA5FXXXX1A")
    assert why(expert("示例科技（深圳）", "91440300ma5fxxxx1a"), n).startswith(
        "专家所在单位的统一社会信用代码与被推荐企业")
    assert why(expert("示例科技（深圳）", "91110000000000000X"), n) is None
    assert why(expert("科技"), n) is None  # two characters inside a name prove nothing
    assert why(expert(""), n) is None      # no employer given, nothing derived


@pytest.fixture
def panel(world):
    """The world's body with an acknowledged filing, and an expert at the first nomination's
    first completing unit."""
    review_ops.submit_filing(world["reviewer"], world["body"], "方案", "专家构成", "评价标准")
    review_ops.decide_filing(world["sec"], world["body"], True)
    return world


def test_a_body_clears_a_derived_conflict_with_a_reason_and_never_a_declared_one(panel, client):
    w = panel
    n, at_nominee = w["ns"][0], w["experts"][1]  # 北京示例微电子科技有限公司
    with pytest.raises(Refused, match="第一完成单位"):
        review_ops.assign(w["reviewer"], w["body"], n, at_nominee)
    with pytest.raises(Refused, match="请填写解除利益冲突的理由"):
        review_ops.clear_conflict(w["reviewer"], w["body"], n, at_nominee, " ")
    review_ops.clear_conflict(w["reviewer"], w["body"], n, at_nominee, "专家已于2020年调离该公司")
    event = AuditEvent.get(AuditEvent.action == "conflict_cleared")
    assert "专家已于2020年调离该公司" in event.detail and "第一完成单位" in event.detail
    a = review_ops.assign(w["reviewer"], w["body"], n, at_nominee)  # now allowed
    review_ops.declare_conflict(at_nominee, a, "仍持有该公司股份")
    with pytest.raises(Refused, match="专家本人声明的回避不能解除"):
        review_ops.clear_conflict(w["reviewer"], w["body"], n, at_nominee, "误报")
    with pytest.raises(Refused, match="没有需要解除的利益冲突"):
        review_ops.clear_conflict(w["reviewer"], w["body"], n, w["experts"][3], "误报")


def test_the_manual_dropdown_never_offers_a_conflicted_expert_and_says_why(panel, client):
    from tests.conftest import login

    login(client, "review-it")
    page = client.get("/review/nominations").get_data(as_text=True)
    n = panel["ns"][0]
    row = page[page.index(f'data-id="{n.id}"'):]
    row = row[:row.index("</tr>")]
    offered = row[row.index("<select"):row.index("</select>")]
    assert "expert-2" not in offered and "expert-3" not in offered  # nominee's, recommender's
    assert "需回避" in row and "与第一完成单位相同（北京示例微电子科技有限公司）" in row
    # the nomination's page lists it for the body, with the form to clear it
    page = client.get(f"/review/nominations/{n.id}").get_data(as_text=True)
    assert "利益冲突（平台比对）" in page and "解除理由" in page


def test_automatic_assignment_keeps_pins_and_capacities(panel):
    w = panel
    dzxx = [n for n in w["ns"] if n.list.code == "xdjs"]
    free = [e for e in w["experts"]]
    pin = review_ops.assign(w["reviewer"], w["body"], dzxx[2], free[3])  # by hand
    User.update(review_capacity=1).where(User.id == free[0].id).execute()
    plan = review_ops.plan_auto(w["reviewer"], w["body"], dzxx, per_nomination=2)
    assert (dzxx[2].id, free[3].id) not in plan.pairs  # the pin stays and counts
    assert sum(1 for n_id, _ in plan.pairs if n_id == dzxx[2].id) == 1
    assert plan.loads[free[0].id][1] <= 1  # its capacity
    review_ops.confirm_auto(w["reviewer"], w["body"], plan.pairs)
    assert Assignment.get_by_id(pin.id).status == "assigned"
    # a plan confirmed twice is refused whole: its pairs were made meanwhile
    with pytest.raises(Refused, match="已失效"):
        review_ops.confirm_auto(w["reviewer"], w["body"], plan.pairs)
    # a pair that became conflicted since the preview is refused too
    new = User.create(username="expert-5", role="expert", review_body=w["body"],
                      display_name="专家五", affiliation="复旦大学", body_key="it",
                      password_hash=hash_password("x"))
    User.update(affiliation="浙江大学").where(User.id == new.id).execute()
    with pytest.raises(Refused, match="已失效.*浙江大学"):
        review_ops.confirm_auto(w["reviewer"], w["body"], [(dzxx[2].id, new.id)])


def test_a_body_gives_an_experts_unit_uscc_and_capacity(client, db):
    from tests.conftest import csrf_token, login

    login(client, "review-it")

    def create(**extra):
        return client.post("/review/experts", data={
            "csrf_token": csrf_token(client, "/review/experts"), "username": "wang-e",
            "display_name": "王专家", "affiliation": "示例科技（深圳）", **extra},
            follow_redirects=True).get_data(as_text=True)

    assert "统一社会信用代码" in create(affiliation_uscc="12345", capacity="8")
    assert not User.select().where(User.username == "wang-e").exists()
    assert "最多评审项目数应为1到1000之间的整数" in create(capacity="八")
    create(affiliation_uscc="91110108551385082q", capacity="8")  # a valid check digit
    wang = User.get(User.username == "wang-e")
    assert (wang.affiliation_uscc, wang.review_capacity) == ("91110108551385082Q", 8)
