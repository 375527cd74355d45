"""The review's transitions: 备案, criteria and weights, experts and conflicts, scoring,
initial results, extensions, final decisions within list sizes, publication, notifications."""
from datetime import datetime

import pytest
import time_machine

from kczg.models import (
    Assignment,
    Message,
    Nomination,
    NominationHistory,
    NominationList,
    Publication,
    ReviewBody,
    User,
)
from kczg.operations import Refused
from kczg.operations import calendar as calendar_ops
from kczg.operations import final as final_ops
from kczg.operations import nominations as ops
from kczg.operations import results as results_ops
from kczg.operations import review as review_ops
from kczg.passwords import hash_password
from kczg.rules import review as rules
from kczg.services import review as review_reads
from tests.rules.conftest import AFTER_DEADLINE, AFTER_RESULTS, reported, submitted  # noqa: F401


def acknowledged(w):
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "专家构成", "评价标准")
    review_ops.decide_filing(w["sec"], w["body"], True)


def test_filing_is_acknowledged_or_returned(world):
    w = world
    with pytest.raises(Refused, match="请完整填写"):
        review_ops.submit_filing(w["reviewer"], w["body"], "方案", "", "标准")
    other = User.get(User.username == "review-gei")
    with pytest.raises(Refused, match="只有该初评机构"):
        review_ops.submit_filing(other, w["body"], "a", "b", "c")
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "专家构成", "评价标准")
    assert Message.select().where(Message.user == w["sec"]).count() == 1
    with pytest.raises(Refused, match="退回时请填写意见"):
        review_ops.decide_filing(w["sec"], w["body"], False)
    review_ops.decide_filing(w["sec"], w["body"], False, "专家构成需补充行业专家")
    assert review_reads.filing_of(w["body"]).status == "returned"
    assert Message.get(Message.user == w["reviewer"]).subject == "备案材料被退回"
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "补充后的专家构成", "评价标准")
    review_ops.decide_filing(w["sec"], w["body"], True)
    assert review_reads.filing_of(w["body"]).status_name == "已备案"


def test_weights_must_add_up_to_100_and_lock_once_scoring_starts(world):
    w = world
    with pytest.raises(Refused, match="权重之和应为100（当前为90）"):
        review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 30), ("先进性", 60)])
    with pytest.raises(Refused, match="不能重复"):
        review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 50), ("创新性", 50)])
    criteria = review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"],
                                 [("创新性", 30), ("先进性", 25), ("产业带动", 25), ("转化应用", 20)])
    assert [c.weight for c in criteria] == [30, 25, 25, 20]
    with pytest.raises(Refused, match="不由本机构初评"):
        review_ops.set_criteria(w["reviewer"], w["body"], NominationList.get(NominationList.code == "kycx"),
                          [("a", 100)])
    acknowledged(w)
    a = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][0])
    review_ops.save_scores(w["experts"][0], a, {criteria[0].id: 80}, "", submit=False)
    with pytest.raises(Refused, match="评分指标已锁定"):
        review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 100)])


def test_conflicts_detected_and_declared(world):
    w = world
    n = w["ns"][0]  # 中国电子学会 recommends 北京示例微电子科技有限公司's technology
    with pytest.raises(Refused, match="专家所在单位与第一完成单位相同"):
        review_ops.assign(w["reviewer"], w["body"], n, w["experts"][1])
    with pytest.raises(Refused, match="专家所在单位与推荐单位相同"):
        review_ops.assign(w["reviewer"], w["body"], n, w["experts"][2])
    a = review_ops.assign(w["reviewer"], w["body"], n, w["experts"][3])
    review_ops.declare_conflict(w["experts"][3], a, "曾参与该项目合作研究")
    assert Assignment.get_by_id(a.id).status == "conflict"
    assert Message.select().where(Message.user == w["reviewer"],
                                  Message.subject == "专家声明回避").exists()
    with pytest.raises(Refused, match="已声明回避"):
        review_ops.assign(w["reviewer"], w["body"], n, w["experts"][3])
    # the rule as a plain function
    assert review_reads.conflicts([n], [w["experts"][0]]) == {}


def test_auto_assignment_is_balanced_and_avoids_conflicts(world):
    w = world
    dzxx = [n for n in w["ns"] if n.list.code == "xdjs"]
    plan = review_ops.plan_auto(w["reviewer"], w["body"], dzxx, per_nomination=2)
    assert len(plan.pairs) == 6 and plan.short == {}
    assert not Assignment.select().exists()  # a preview writes nothing
    barred = review_reads.conflicts(dzxx, w["experts"])
    assert barred and not set(plan.pairs) & set(barred)
    # the loads are as even as the conflicts allow: no other choice of two eligible experts per
    # nomination has a smaller spread (every choice tried)
    import itertools

    experts = [e.id for e in w["experts"]]
    choices = [list(itertools.combinations([e for e in experts if (n.id, e) not in barred], 2))
               for n in dzxx]
    best = min(max(c) - min(c) for pick in itertools.product(*choices)
               for c in [[sum(e in p for p in pick) for e in experts]])
    assert plan.spread == best
    assert review_ops.confirm_auto(w["reviewer"], w["body"], plan.pairs) == 6
    # a second run adds nothing: every nomination has its two experts
    assert review_ops.plan_auto(w["reviewer"], w["body"], dzxx, per_nomination=2).pairs == []


def test_assignment_only_after_the_deadline_and_within_the_body(world):
    w = world
    with time_machine.travel("2021-10-25 10:00:00+08:00"):
        with pytest.raises(Refused, match="截止后方可分配评审"):
            review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][0])
    xrqy = w["ns"][3]  # routed to the secretariat's body, not to 信息科技
    with pytest.raises(Refused, match="不在本机构的初评范围内"):
        review_ops.assign(w["reviewer"], w["body"], xrqy, w["experts"][0])
    other_body_expert = User.create(username="expert-life", role="expert",
                                    review_body=ReviewBody.get(ReviewBody.short_id == "life"),
                                    password_hash="x")
    with pytest.raises(Refused, match="只能分配给本机构的评审专家"):
        review_ops.assign(w["reviewer"], w["body"], w["ns"][0], other_body_expert)


def test_scoring_before_filing_is_refused_then_weighted(world):
    w = world
    criteria = review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"],
                                 [("创新性", 30), ("先进性", 25), ("产业带动", 25), ("转化应用", 20)])
    a = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][0])
    b = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][3])
    values = {criteria[0].id: 90, criteria[1].id: 80, criteria[2].id: 70, criteria[3].id: 60}
    with pytest.raises(Refused, match="尚未在秘书处备案"):
        review_ops.save_scores(w["experts"][0], a, values, "", submit=True)
    acknowledged(w)
    with pytest.raises(Refused, match="请为“先进性”打分"):
        review_ops.save_scores(w["experts"][0], a, {criteria[0].id: 90}, "", submit=True)
    with pytest.raises(Refused, match="应在0到100之间"):
        review_ops.save_scores(w["experts"][0], a, {**values, criteria[0].id: 101}, "", submit=True)
    with pytest.raises(Refused, match="未分配给您"):
        review_ops.save_scores(w["experts"][3], a, values, "", submit=True)
    review_ops.save_scores(w["experts"][0], a, values, "创新突出", submit=True)
    review_ops.save_scores(w["experts"][3], b, {c.id: 60 for c in criteria}, "", submit=True)
    rows = rules.ranking([w["ns"][0], w["ns"][1]], criteria)
    # 0.3*90 + 0.25*80 + 0.25*70 + 0.2*60 = 76.5; the other expert 60
    assert rows[0].nomination.id == w["ns"][0].id and rows[0].totals == [76.5, 60.0]
    assert rows[0].mean == 68.25 and rows[0].spread == 16.5
    assert rows[1].mean is None  # not scored: last
    assert NominationHistory.select().where(NominationHistory.action == "scored").count() == 2


def test_results_are_read_only_after_submission_and_refused_after_the_deadline(world):
    w = world
    with pytest.raises(Refused, match="请先勾选初评入围项目"):
        results_ops.submit_results(w["reviewer"], w["body"])
    results_ops.set_shortlist(w["reviewer"], w["body"], [w["ns"][0].id, w["ns"][3].id])
    assert review_reads.result_of(w["body"]).shortlist == [w["ns"][0].id]  # not routed: dropped
    with time_machine.travel(AFTER_RESULTS):
        with pytest.raises(Refused, match="初评结果报送已于2021年11月30日截止"):
            results_ops.submit_results(w["reviewer"], w["body"])
    with pytest.raises(Refused, match="请先填写初评入围项目的组长意见（尚缺1项：面向边缘计算"):
        results_ops.submit_results(w["reviewer"], w["body"])
    with pytest.raises(Refused, match="组长意见由本机构指定的组长填写"):
        review_ops.write_summary(w["experts"][0], w["ns"][0], "同意")  # not the 组长
    review_ops.set_chair(w["reviewer"], w["body"], w["experts"][0])
    review_ops.write_summary(w["experts"][0], w["ns"][0], "经专家组讨论，同意初评入围。")
    results_ops.submit_results(w["reviewer"], w["body"])
    with pytest.raises(Refused, match="不能再修改"):
        review_ops.write_summary(w["reviewer"], w["ns"][0], "改")
    with pytest.raises(Refused, match="只读"):
        results_ops.set_shortlist(w["reviewer"], w["body"], [])
    results_ops.return_results(w["sec"], w["body"], "请补充排名说明")
    results_ops.set_shortlist(w["reviewer"], w["body"], [w["ns"][0].id, w["ns"][1].id])
    assert review_reads.result_of(w["body"]).status == "returned"


def test_a_body_extension_moves_its_results_deadline(world):
    w = world
    results_ops.set_shortlist(w["reviewer"], w["body"], [w["ns"][0].id])
    calendar_ops.grant_extension(w["sec"], datetime(2021, 12, 5, 16), "专家集中评审延后", body=w["body"])
    review_ops.write_summary(w["reviewer"], w["ns"][0], "同意初评入围。")
    with time_machine.travel(AFTER_RESULTS):
        results_ops.submit_results(w["reviewer"], w["body"])
    assert Message.select().where(Message.user == w["reviewer"],
                                  Message.subject == "截止时间已延期").exists()


def test_a_unit_extension_reopens_submission_for_that_unit_only(world):
    w = world
    unit_a = User.get(User.username == "unit-a")
    unit_b = User.get(User.username == "unit-b")
    calendar_ops.grant_extension(w["sec"], datetime(2021, 11, 10, 16), "材料盖章延误",
                         organisation=unit_a.organisation)
    lst = NominationList.get(NominationList.code == "kycx")
    ops.create_draft(unit_a, lst, None)
    with pytest.raises(Refused, match="截止"):
        ops.create_draft(unit_b, lst, None)


def test_nobody_pushes_a_list_over_its_size(world):
    w = world
    cxyrt = NominationList.get(NominationList.code == "cxyrt")
    cxyrt.size = 2  # a small list makes the rule visible
    cxyrt.save()
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        picks = [submitted(u, "cxyrt", org_name=f"组织{i}") for i, u in
                 enumerate(("unit-a", "unit-a", "unit-b"))]
    reported(picks)
    final_ops.stage_decision(w["sec"], picks[0], True)
    final_ops.stage_decision(w["sec"], picks[1], True)
    with pytest.raises(Refused, match="最多入选2项，已达上限"):
        final_ops.stage_decision(w["sec"], picks[2], True)
    final_ops.stage_decision(w["sec"], picks[1], False, "综合评议未入选")
    final_ops.stage_decision(w["sec"], picks[2], True)
    with pytest.raises(Refused, match="只有联合体秘书处"):
        final_ops.stage_decision(w["reviewer"], picks[0], True)
    pub = final_ops.publish(w["sec"], cxyrt)
    assert [e["title"] for e in pub.entries] == ["组织0", "组织2"]
    with pytest.raises(Refused, match="已发布"):
        final_ops.stage_decision(w["sec"], picks[0], False)
    assert Publication.select().count() == 1
    unit_b = User.get(User.username == "unit-b")
    assert Message.select().where(Message.user == unit_b,
                                  Message.subject == "产学研融通组织榜已发布").exists()


def test_leading_tech_size_counts_all_six_domains(world):
    w = world
    xdjs = w["xdjs"]
    xdjs.size = 2
    xdjs.save()
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        other_domain = submitted("unit-b", "xdjs", "swyy")
    reported([w["ns"][0], w["ns"][2], other_domain])
    final_ops.stage_decision(w["sec"], w["ns"][0], True)
    final_ops.stage_decision(w["sec"], w["ns"][2], True)
    with pytest.raises(Refused, match="先导技术榜六个领域合计最多入选2项"):
        final_ops.stage_decision(w["sec"], other_domain, True)


def test_expert_sees_only_what_is_assigned(world):
    from kczg.rules.permissions import can_view_nomination
    w = world
    a = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][0])
    assert can_view_nomination(w["experts"][0], w["ns"][0])
    assert not can_view_nomination(w["experts"][0], w["ns"][1])
    review_ops.declare_conflict(w["experts"][0], a, "回避")
    assert not can_view_nomination(w["experts"][0], Nomination.get_by_id(w["ns"][0].id))
    other = User.get(User.username == "review-sec")
    assert not can_view_nomination(other, w["ns"][0])  # another body's


def test_province_of_a_unit(db):
    from types import SimpleNamespace

    from kczg.services.review_stats import province_of

    def of(name, clean=None):
        return province_of(SimpleNamespace(clean=clean or {},
                                           organisation=SimpleNamespace(name=name)))
    assert of("浙江省科学技术协会") == "浙江省"
    assert of("新疆生产建设兵团科学技术协会") == "新疆生产建设兵团"
    assert of("新疆维吾尔自治区科学技术协会") == "新疆维吾尔自治区"
    assert of("广西科学技术协会") == "广西壮族自治区"
    assert of("中国电子学会") == "全国性单位及其他"
    assert of("中国电子学会", {"province": "广东省"}) == "广东省"


def test_unassign_before_scoring_only(world):
    w = world
    acknowledged(w)
    review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 100)])
    crit = review_reads.criteria_for(w["body"], w["xdjs"])
    a = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][3])
    b = review_ops.assign(w["reviewer"], w["body"], w["ns"][2], w["experts"][3])
    review_ops.save_scores(w["experts"][3], b, {crit[0].id: 80}, "", submit=True)
    with pytest.raises(Refused, match="已评分或已声明回避"):
        review_ops.unassign(w["reviewer"], w["body"], Assignment.get_by_id(b.id))
    other = User.get(User.username == "review-gei")
    with pytest.raises(Refused, match="只有该初评机构"):
        review_ops.unassign(other, w["body"], a)
    review_ops.unassign(w["reviewer"], w["body"], a)
    assert not Assignment.select().where(Assignment.id == a.id).exists()
    assert Message.select().where(Message.user == w["experts"][3],
                                  Message.subject == "评审任务已取消").exists()
    review_ops.assign(w["reviewer"], w["body"], w["ns"][0], w["experts"][3])  # may be given again


def test_no_score_before_the_experts_pledge(world):
    w = world
    acknowledged(w)
    review_ops.set_criteria(w["reviewer"], w["body"], w["xdjs"], [("创新性", 100)])
    crit = review_reads.criteria_for(w["body"], w["xdjs"])
    newcomer = User.create(username="expert-new", role="expert", review_body=w["body"],
                           display_name="新专家", affiliation="南京大学",
                           password_hash=hash_password("x"))
    a = review_ops.assign(w["reviewer"], w["body"], w["ns"][0], newcomer)
    with pytest.raises(Refused, match="请先阅读并接受《保密与回避承诺》"):
        review_ops.save_scores(newcomer, a, {crit[0].id: 80}, "", submit=True)
    review_ops.accept_pledge(newcomer)
    assert User.get_by_id(newcomer.id).pledged_at is not None
    review_ops.save_scores(newcomer, a, {crit[0].id: 80}, "", submit=True)
    with pytest.raises(Refused, match="只有评审专家"):
        review_ops.accept_pledge(w["reviewer"])
