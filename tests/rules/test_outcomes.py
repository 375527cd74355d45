"""A unit learns where each nomination stands, on its pages and by message: 已提交 → 已送达初评机构
→ 初评入围 / 初评未入围 → 入选 / 未入选 (once published)."""
import time_machine

from kczg.models import Message, Nomination, NominationList, User
from kczg.operations import final as final_ops
from kczg.rules import outcomes
from tests.rules.conftest import reported


def _stages(ns):
    fresh = [Nomination.get_by_id(n.id) for n in ns]
    return [outcomes.stages(fresh)[n.id] for n in fresh]


def test_stages_and_messages_through_the_review(world):
    w = world
    ns = w["ns"][:3]  # 电子信息: unit-a twice, unit-b once
    with time_machine.travel("2021-10-25 12:00:00+08:00"):
        assert _stages(ns) == ["submitted"] * 3
    assert _stages(ns) == ["delivered"] * 3  # collection closed: they went to the body
    reported([ns[0], ns[2]])  # the body shortlists two of the three
    assert _stages(ns) == ["shortlisted", "not_shortlisted", "shortlisted"]
    unit_a = User.get(User.username == "unit-a")
    told = Message.get(Message.user == unit_a, Message.subject.contains("已报送初评结果"))
    assert "初评入围" in told.body and "初评未入围" in told.body
    with time_machine.travel("2021-12-01 10:00:00+08:00"):  # the other bodies' deadline passed
        final_ops.stage_decision(w["sec"], ns[0], True)
        final_ops.stage_decision(w["sec"], ns[2], False, "综合评议")
        assert _stages(ns) == ["shortlisted", "not_shortlisted", "shortlisted"]  # not yet public
        final_ops.publish(w["sec"], NominationList.get(NominationList.code == "xdjs"))
    assert _stages(ns) == ["selected", "not_shortlisted", "not_selected"]
    told = Message.get(Message.user == unit_a, Message.subject == "先导技术榜已发布")
    assert f"“{ns[0].display_title}”：入选" in told.body
    unit_b = User.get(User.username == "unit-b")
    assert "未入选" in Message.get(Message.user == unit_b,
                                   Message.subject == "先导技术榜已发布").body
    assert outcomes.stage_name("selected") == "入选"
