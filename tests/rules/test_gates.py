"""The review's gates (kczg/rules/gates.py): no 终审 before the results, no decision on an item
its body did not shortlist, no publication with a body unreported or an item undecided, an
audited 撤回发布, results with unscored assignments only with a reason, and no reopening by the
unit of what has reached its body, extension or not."""
from datetime import datetime

import pytest
import time_machine

from kczg.models import AuditEvent, Decision, NominationList, Publication, ReviewBody, User
from kczg.operations import Refused
from kczg.operations import calendar as calendar_ops
from kczg.operations import final as final_ops
from kczg.operations import nominations as ops
from kczg.operations import results as results_ops
from kczg.operations import review as review_ops
from kczg.rules import gates
from kczg.services import review as review_reads
from tests.rules.conftest import AFTER_RESULTS, reported, submitted


def _xdjs_in_two_domains(w):
    """Two 电子信息 nominations of the world and a 生物医药 one: two bodies to report."""
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        other = submitted("unit-b", "xdjs", "swyy", tech_name="生物医药项目", first_unit="浙江大学")
    return [w["ns"][0], w["ns"][2], other]


def test_no_final_review_before_every_body_reported(world):
    w = world
    ns = _xdjs_in_two_domains(w)
    with pytest.raises(Refused, match="终审须在初评结果报送后进行"):
        final_ops.stage_decision(w["sec"], ns[0], True)
    reported(ns[:2])  # 电子信息 reports; 生物医药 has not
    with pytest.raises(Refused, match="尚未报送初评结果"):
        final_ops.stage_decision(w["sec"], ns[0], True)
    reported(ns[2:])
    final_ops.stage_decision(w["sec"], ns[0], True)


def test_a_decision_only_on_a_shortlisted_item(world):
    w = world
    ns = _xdjs_in_two_domains(w)
    reported([ns[0], ns[2]])  # ns[1] was routed to 电子信息 but not shortlisted
    with pytest.raises(Refused, match="只能对初评机构报送的初评入围项目作出终审决定"):
        final_ops.stage_decision(w["sec"], ns[1], True)
    final_ops.stage_decision(w["sec"], ns[0], True)


def test_publication_refused_with_a_body_unreported_then_an_item_undecided(world):
    """The reported case: 先导技术榜 published with 5 of its 6 domain bodies 未报送."""
    w = world
    ns = _xdjs_in_two_domains(w)
    xdjs = NominationList.get(NominationList.code == "xdjs")
    reported(ns[:2])
    with time_machine.travel(AFTER_RESULTS):  # the deadline passed; 生物医药 never reported
        final_ops.stage_decision(w["sec"], ns[0], True)
        with pytest.raises(Refused, match="未报送初评结果，不能发布"):
            final_ops.publish(w["sec"], xdjs)
        rows = gates.publication_checklist(xdjs)  # the two bodies nominated into, no others
        assert [(r.body.short_id, r.reported) for r in rows] == [("it", True),
                                                                 (rows[1].body.short_id, False)]
        body = rows[1].body
        calendar_ops.grant_extension(w["sec"], datetime(2021, 12, 5, 16), "补报", body=body)
        reported(ns[2:])
        with pytest.raises(Refused, match="尚有2项初评入围项目未作终审决定"):
            final_ops.publish(w["sec"], xdjs)
        final_ops.stage_decision(w["sec"], ns[1], False, "综合评议")
        final_ops.stage_decision(w["sec"], ns[2], True)
        assert all(r.ready for r in gates.publication_checklist(xdjs))
        pub = final_ops.publish(w["sec"], xdjs)
        assert len(pub.entries) == 2


def test_unpublish_with_a_reason_reopens_the_decisions(world):
    w = world
    ns = _xdjs_in_two_domains(w)
    xdjs = NominationList.get(NominationList.code == "xdjs")
    reported(ns)
    for n, chosen in zip(ns, (True, False, True)):
        final_ops.stage_decision(w["sec"], n, chosen)
    final_ops.publish(w["sec"], xdjs)
    with pytest.raises(Refused, match="请先撤回发布"):
        final_ops.stage_decision(w["sec"], ns[1], True)
    with pytest.raises(Refused, match="请填写理由"):
        final_ops.unpublish(w["sec"], xdjs, "  ")
    with pytest.raises(Refused, match="只有联合体秘书处"):
        final_ops.unpublish(w["reviewer"], xdjs, "错误")
    final_ops.unpublish(w["sec"], xdjs, "入选名单核对有误")
    assert not Publication.select().exists()
    event = AuditEvent.get(AuditEvent.action == "unpublished")
    assert event.detail == "入选名单核对有误" and event.actor.username == "secretariat"
    final_ops.stage_decision(w["sec"], ns[1], True)  # decisions open again
    assert Decision.get(Decision.nomination == ns[1]).selected


def test_results_with_unscored_assignments_need_a_reason(world):
    w = world
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "专家构成", "评价标准")
    review_ops.decide_filing(w["sec"], w["body"], True)
    review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][0])
    results_ops.set_shortlist(w["reviewer"], w["body"], [w["ns"][0].id])
    review_ops.write_summary(w["reviewer"], w["ns"][0], "同意初评入围。")
    with pytest.raises(Refused, match="尚有1个评审任务未评分"):
        results_ops.submit_results(w["reviewer"], w["body"])
    result = results_ops.submit_results(w["reviewer"], w["body"], reason="专家出差，秘书处同意先报送")
    assert "1个评审任务未评分" in result.note and "专家出差" in result.note


def test_equal_means_share_a_rank_and_incomplete_items_are_flagged(world):
    from kczg.rules import review as rules

    w = world
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "专家构成", "评价标准")
    review_ops.decide_filing(w["sec"], w["body"], True)
    review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 100)])
    crit = review_reads.criteria_for(w["body"], w["xdjs"])
    tsinghua, fudan = w["experts"][0], w["experts"][3]
    plan = [(w["ns"][1], fudan, 90),                             # one expert: 90
            (w["ns"][0], tsinghua, 80), (w["ns"][0], fudan, 80),  # 80 and 80
            (w["ns"][2], tsinghua, 80), (w["ns"][2], fudan, None)]  # 80, one still to score
    for n, expert, value in plan:
        a = review_ops.assign(w["reviewer"], w["body"], n, expert)
        if value is not None:
            review_ops.save_scores(expert, a, {crit[0].id: value}, "", submit=True)
    rows = rules.ranking(w["ns"][:3], crit)
    assert [(r.nomination.id, r.mean, r.rank, r.complete) for r in rows] == [
        (w["ns"][1].id, 90, 1, True), (w["ns"][0].id, 80, 2, True),
        (w["ns"][2].id, 80, 2, False)]  # a tie shares its rank; the unfinished one is flagged


def test_a_unit_extension_does_not_reopen_what_reached_its_body(world):
    w = world
    unit_a = User.get(User.username == "unit-a")
    calendar_ops.grant_extension(w["sec"], datetime(2021, 11, 10, 16), "材料盖章延误",
                         organisation=unit_a.organisation)
    with pytest.raises(Refused, match="已送达初评机构"):
        ops.reopen(w["ns"][0].id, unit_a)
    with pytest.raises(Refused, match="已送达初评机构"):
        ops.withdraw(w["ns"][0].id, unit_a)
    # returned by the secretariat: a draft again, which the extension lets the unit edit
    results_ops.return_nomination(w["sec"], w["ns"][0], "请补充证明材料")
    from kczg.models import Nomination

    n = Nomination.get_by_id(w["ns"][0].id)
    assert n.status == "draft"
    ops.submit(n.id, unit_a, n.raw, n.clean or {}, n.version, {}, [])
    assert ReviewBody.get(ReviewBody.short_id == "it")  # (the body is unchanged)


def test_batch_decisions_all_or_none_within_the_size(world):
    w = world
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        picks = [submitted(u, "cxyrt", org_name=f"组织{i}") for i, u in
                 enumerate(("unit-a", "unit-a", "unit-b"))]
    cxyrt = NominationList.get(NominationList.code == "cxyrt")
    cxyrt.size = 2
    cxyrt.save()
    reported(picks)
    with pytest.raises(Refused, match="批量入选后产学研融通组织榜将有3项入选，超过榜单规模2项"):
        final_ops.stage_decisions(w["sec"], cxyrt, picks, True)
    assert not Decision.select().exists()  # none of them
    assert final_ops.stage_decisions(w["sec"], cxyrt, picks[:2], True) == 2
    assert final_ops.stage_decisions(w["sec"], cxyrt, picks[2:], False, "综合评议") == 1
    assert all(r.ready for r in gates.publication_checklist(cxyrt))
