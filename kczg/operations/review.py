"""A review body's and its experts' work: 备案 (filed and acknowledged or returned by the
secretariat), scoring criteria, assignments by hand or automatic, the expert's pledge,
conflicts declared, scores, blind review.

Each checks who may (the body's own account, bound to its stable id), that the year is the
current one and the phase allows it, writes the nomination's history or the audit log, and
tells the people concerned once the transaction has committed.
"""
from __future__ import annotations

from datetime import datetime

from kczg.campaigns import scope
from kczg.campaigns.facts import domains_of
from kczg.db import database
from kczg.models import (
    Assignment,
    BodyResult,
    ConflictClearance,
    Criterion,
    DiscussionPost,
    Filing,
    Nomination,
    NominationList,
    PanelSummary,
    ReviewBody,
    Score,
    User,
    utcnow,
)
from kczg.rules import assignment as assignment_rules
from kczg.rules import calendar, gates, permissions, years
from kczg.rules import review as rules
from kczg.services import audit, outbox
from kczg.services import review as review_reads
from kczg.services.review import criteria_for, filing_of, result_of

from . import Refused, refuse_if
from .nominations import record_history


def own_body(user: User, body: ReviewBody) -> None:
    """The body's own account (bound to the body's stable id: any year's row of that body),
    working in the current year."""
    mine = user.body_key == body.short_id if user.body_key else user.review_body_id == body.id
    if user.role != "review" or not mine:
        raise Refused("只有该初评机构可以进行此操作。")
    refuse_if(years.write_refusal(body.campaign))


def secretariat(user: User, campaign=None) -> None:
    if user.role != "secretariat":
        raise Refused("只有联合体秘书处可以进行此操作。")
    if campaign is not None:
        refuse_if(years.write_refusal(campaign))


def expert_body(expert: User) -> ReviewBody:
    """The expert's body in the scope's year; refused when the year does not name it."""
    body = scope.body_by_key(expert.body_key)
    if body is None:
        raise Refused("本年度征集未设置您所在的初评机构，往年的评审只能查看。")
    return body


def filing_row(body: ReviewBody) -> Filing:
    return Filing.get_or_none(Filing.body == body) or Filing.create(body=body,
                                                                    campaign=body.campaign_id)


def result_row(body: ReviewBody) -> BodyResult:
    return BodyResult.get_or_none(BodyResult.body == body) or BodyResult.create(
        body=body, campaign=body.campaign_id)


# --- 备案 ---------------------------------------------------------------------------------------

def submit_filing(user: User, body: ReviewBody, plan: str, experts: str, standards: str) -> Filing:
    own_body(user, body)
    filing = filing_row(body)
    if filing.status in ("submitted", "acknowledged"):
        raise Refused("备案材料已提交，秘书处退回后方可修改。")
    if not (plan.strip() and experts.strip() and standards.strip()):
        raise Refused("请完整填写评审工作方案、专家构成方案和评价标准。")
    with database.atomic():
        filing.plan, filing.experts, filing.standards = plan, experts, standards
        filing.status, filing.submitted_at, filing.comment = "submitted", utcnow(), ""
        filing.save()
        audit.record("filing_submitted", f"body:{body.short_id}", actor=user)
        outbox.notify(outbox.secretariat_users(), f"{body.name}提交了备案材料",
                      "请在秘书处工作台“备案”中查看并备案。")
    return filing


def decide_filing(user: User, body: ReviewBody, acknowledge: bool, comment: str = "") -> Filing:
    secretariat(user, body.campaign)
    filing = filing_row(body)
    if filing.status != "submitted":
        raise Refused("该机构没有待备案的材料。")
    if not acknowledge and not comment.strip():
        raise Refused("退回时请填写意见。")
    with database.atomic():
        filing.status = "acknowledged" if acknowledge else "returned"
        filing.comment, filing.decided_at, filing.decided_by = comment, utcnow(), user
        filing.save()
        audit.record("filing_" + filing.status, f"body:{body.short_id}", comment, actor=user)
        outbox.notify(outbox.body_users(body),
                      "备案材料已备案" if acknowledge else "备案材料被退回",
                      "可以开始组织专家评分。" if acknowledge else f"退回意见：{comment}")
    return filing


# --- criteria -----------------------------------------------------------------------------------

def set_criteria(user: User, body: ReviewBody, lst: NominationList,
                 items: list[tuple[str, int]]) -> list[Criterion]:
    own_body(user, body)
    if lst.review_body_id != body.id and not any(d.review_body_id == body.id
                                                 for d in domains_of(lst)):
        raise Refused("该榜单不由本机构初评。")
    if rules.scoring_started(body, lst):
        raise Refused("已有专家开始评分，评分指标已锁定。")
    names = [name.strip() for name, _ in items]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise Refused("指标名称不能为空，也不能重复。")
    refuse_if(rules.weight_problem([w for _, w in items]))
    with database.atomic():
        Criterion.delete().where(Criterion.body == body, Criterion.list == lst).execute()
        rows = [Criterion.create(body=body, list=lst, name=n, weight=w, position=i,
                                 campaign=body.campaign_id)
                for i, (n, w) in enumerate(zip(names, (w for _, w in items)))]
        audit.record("criteria_set", f"body:{body.short_id}:list:{lst.code}",
                     "；".join(f"{n} {w}" for n, w in items), actor=user)
    return rows


# --- assignments --------------------------------------------------------------------------------

def _check_assignable(user: User, body: ReviewBody, nomination: Nomination,
                      now: datetime | None) -> None:
    own_body(user, body)
    campaign = body.campaign
    if not rules.review_open(campaign, now):
        raise Refused(f"网上申报{campaign.submission_deadline_label}截止后方可分配评审。")
    if nomination.status != "submitted" or permissions.routed_body_id(nomination) != body.id:
        raise Refused("该推荐不在本机构的初评范围内。")
    if not gates.delivered(nomination, now):  # a list with its own, later calendar
        raise Refused(f"{nomination.list.name}网上申报"
                      f"{calendar.deadline_label(campaign, nomination.list)}截止后方可分配评审。")
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，不能再调整评审分配。")


def assign(user: User, body: ReviewBody, nomination: Nomination, expert: User,
           now: datetime | None = None) -> Assignment:
    _check_assignable(user, body, nomination, now)
    if expert.role != "expert" or expert.body_key != body.short_id:  # (stable across years)
        raise Refused("只能分配给本机构的评审专家。")
    conflict = review_reads.conflicts([nomination], [expert]).get((nomination.id, expert.id))
    if conflict:
        raise Refused(f"存在利益冲突，不能分配：{conflict.reason}。")
    if Assignment.select().where(Assignment.nomination == nomination,
                                 Assignment.expert == expert).exists():
        raise Refused("该专家已分配或已声明回避此项目。")
    with database.atomic():
        a = Assignment.create(nomination=nomination, expert=expert, assigned_by=user,
                              campaign=nomination.campaign_id)
        record_history(nomination, user, "assigned", nomination.version, [expert.display_name])
        outbox.notify([expert], "您有新的评审任务",
                      f"请登录专家工作台评审：{nomination.display_title}")
    return a


def unassign(user: User, body: ReviewBody, assignment: Assignment) -> None:
    """取消分配: an assignment not yet scored leaves the expert's list (the expert is told)."""
    own_body(user, body)
    nomination = assignment.nomination
    if permissions.routed_body_id(nomination) != body.id:
        raise Refused("只能取消本机构的评审任务。")
    if assignment.status != "assigned":
        raise Refused("专家已评分或已声明回避的任务不能取消。")
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，不能再调整评审任务。")
    expert = assignment.expert
    with database.atomic():
        Score.delete().where(Score.assignment == assignment).execute()  # a saved draft
        assignment.delete_instance()
        record_history(nomination, user, "unassigned", nomination.version,
                       [expert.display_name or expert.username])
        outbox.notify([expert], "评审任务已取消",
                      f"初评机构取消了“{nomination.display_title}”的评审任务。")


def _body_experts(body: ReviewBody) -> list[User]:
    return list(User.select().where(User.role == "expert", User.body_key == body.short_id,
                                    User.active == True).order_by(User.id))  # noqa: E712


def plan_auto(user: User, body: ReviewBody, nominations: list[Nomination], per_nomination: int,
              now: datetime | None = None) -> assignment_rules.Plan:
    """自动分配, previewed: each nomination `per_nomination` experts of the body (those it has
    count), never a conflicted pair, loads as even as the conflicts and capacities allow
    (rules/assignment.py). Nothing is written: confirm_auto writes what the body confirms."""
    if not 1 <= per_nomination <= 15:
        raise Refused("每个项目的评审专家人数应在1到15之间。")
    for n in nominations:
        _check_assignable(user, body, n, now)
    experts = _body_experts(body)
    if not experts:
        raise Refused("本机构还没有评审专家账号。")
    ids = [n.id for n in nominations]
    have: dict[int, set[int]] = {}
    for a in Assignment.select(Assignment.nomination, Assignment.expert).where(
            Assignment.nomination.in_(ids), Assignment.status != "conflict") if ids else []:
        have.setdefault(a.nomination_id, set()).add(a.expert_id)
    load = {e.id: 0 for e in experts}
    for a in Assignment.select(Assignment.expert).where(
            Assignment.expert.in_(list(load)), Assignment.status != "conflict"):
        load[a.expert_id] += 1
    return assignment_rules.solve(
        ids, list(load), per_nomination, have,
        set(review_reads.conflicts(nominations, experts)), load,
        {e.id: e.review_capacity for e in experts})


def confirm_auto(user: User, body: ReviewBody, pairs: list[tuple[int, int]],
                 now: datetime | None = None) -> int:
    """Write the previewed assignments the body confirmed: each pair checked again (routed to
    the body, its expert, no conflict, not made meanwhile); refused whole if one fails."""
    experts = {e.id: e for e in _body_experts(body)}
    nominations = {n.id: n for n in Nomination.select().where(
        Nomination.id.in_(sorted({n for n, _ in pairs})))} if pairs else {}
    if not pairs:
        raise Refused("没有需要新增的评审任务。")
    for n_id, e_id in pairs:
        if n_id not in nominations or e_id not in experts:
            raise Refused("分配方案已失效（项目或专家已变化），请重新预览。")
        _check_assignable(user, body, nominations[n_id], now)
    conflicted = review_reads.conflicts(list(nominations.values()), list(experts.values()))
    made = {(a.nomination_id, a.expert_id) for a in Assignment.select(
        Assignment.nomination, Assignment.expert).where(
        Assignment.nomination.in_(list(nominations)))}
    for pair in pairs:
        if pair in conflicted:
            raise Refused(f"分配方案已失效：{conflicted[pair].reason}。请重新预览。")
        if pair in made:
            raise Refused("分配方案已失效：部分项目已有新的分配，请重新预览。")
    with database.atomic():
        Assignment.insert_many([{"nomination": n_id, "expert": e_id, "assigned_by": user.id,
                                 "campaign": nominations[n_id].campaign_id,
                                 "assigned_at": utcnow()} for n_id, e_id in pairs]).execute()
        for n_id, e_id in pairs:
            n = nominations[n_id]
            record_history(n, user, "assigned", n.version, [experts[e_id].display_name])
        audit.record("auto_assigned", f"body:{body.short_id}",
                     f"{len(pairs)} assignments", actor=user)
        counts: dict[int, int] = {}
        for _, e_id in pairs:
            counts[e_id] = counts.get(e_id, 0) + 1
        for e_id, count in counts.items():
            outbox.notify([experts[e_id]], "您有新的评审任务",
                          f"新分配{count}个项目，请登录专家工作台评审。")
    return len(pairs)


def clear_conflict(user: User, body: ReviewBody, nomination: Nomination, expert: User,
                   reason: str) -> None:
    """The body clears a conflict the platform derived from the data (the names coincide, the
    expert has left that unit, …), with its reason: audited, and the expert may be assigned.
    A conflict the expert declared is never cleared."""
    own_body(user, body)
    if permissions.routed_body_id(nomination) != body.id or expert.body_key != body.short_id:
        raise Refused("该推荐或专家不属于本机构。")
    if not reason.strip():
        raise Refused("请填写解除利益冲突的理由。")
    conflict = review_reads.conflicts([nomination], [expert]).get((nomination.id, expert.id))
    if conflict is None:
        raise Refused("该专家与此项目之间没有需要解除的利益冲突。")
    if conflict.declared:
        raise Refused("专家本人声明的回避不能解除。")
    with database.atomic():
        ConflictClearance.create(nomination=nomination, expert=expert, reason=reason.strip()[:250],
                                 cleared_by=user, campaign=nomination.campaign_id)
        audit.record("conflict_cleared", f"nomination:{nomination.id}:expert:{expert.username}",
                     f"{conflict.reason}；解除理由：{reason.strip()[:250]}", actor=user)


# --- the expert's work --------------------------------------------------------------------------

def declare_conflict(expert: User, assignment: Assignment, reason: str) -> Assignment:
    if assignment.expert_id != expert.id:
        raise Refused("只能对分配给本人的项目声明回避。")
    if not reason.strip():
        raise Refused("请说明回避理由。")
    body = expert_body(expert)
    refuse_if(years.write_refusal(body.campaign))
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，不能再声明回避。")
    with database.atomic():
        Score.delete().where(Score.assignment == assignment).execute()
        assignment.status, assignment.conflict_reason = "conflict", reason.strip()[:250]
        assignment.submitted_at = None
        assignment.save()
        n = assignment.nomination
        record_history(n, expert, "conflict_declared", n.version, [expert.display_name])
        outbox.notify(outbox.body_users(body), "专家声明回避",
                      f"{expert.display_name}对“{n.display_title}”声明回避："
                      f"{reason}。该分配已撤销，请另行分配专家。")
    return assignment


def accept_pledge(expert: User) -> None:
    """保密与回避承诺: an expert accepts it once, before the first score."""
    if expert.role != "expert":
        raise Refused("只有评审专家需要作出此承诺。")
    if expert.pledged_at is None:
        with database.atomic():
            User.update(pledged_at=utcnow()).where(User.id == expert.id).execute()
            expert.pledged_at = utcnow()
            audit.record("expert_pledged", expert.username, actor=expert)


def save_scores(expert: User, assignment: Assignment, values: dict[int, int], comment: str,
                submit: bool, now: datetime | None = None) -> Assignment:
    """Save an expert's scores (a draft, or submitted); changeable until the body reports."""
    if assignment.expert_id != expert.id or assignment.status == "conflict":
        raise Refused("该项目未分配给您，或您已声明回避。")
    body = expert_body(expert)
    refuse_if(years.write_refusal(body.campaign))
    if filing_of(body).status != "acknowledged":
        raise Refused("本机构的评审方案尚未在秘书处备案，暂不能评分。")
    if expert.pledged_at is None:
        raise Refused("请先阅读并接受《保密与回避承诺》，再开始评分。")
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，评分不能再修改。")
    if not rules.results_open(body, now):
        raise Refused("初评结果报送已截止，评分不能再修改。")
    n = assignment.nomination
    criteria = criteria_for(body, n.list)
    if not criteria:
        raise Refused("初评机构尚未设置该榜单的评分指标。")
    for c in criteria:
        v = values.get(c.id)
        if v is None and submit:
            raise Refused(f"请为“{c.name}”打分。")
        if v is not None and not 0 <= v <= 100:
            raise Refused(f"“{c.name}”的分数应在0到100之间。")
    with database.atomic():
        for c in criteria:
            if values.get(c.id) is None:
                continue
            Score.insert(assignment=assignment, criterion=c, value=values[c.id],
                         campaign=assignment.campaign_id) \
                .on_conflict(conflict_target=[Score.assignment, Score.criterion],
                             update={Score.value: values[c.id]}).execute()
        assignment.comment = comment[:2000]
        if submit:
            assignment.status, assignment.submitted_at = "submitted", utcnow()
        assignment.save()
        if submit:
            record_history(n, expert, "scored", n.version, [expert.display_name])
    return assignment


def set_blind(user: User, body: ReviewBody, blind: bool) -> BodyResult:
    """盲评: the body's experts see no recommending unit (nor materials not marked safe)."""
    own_body(user, body)
    result = result_row(body)
    result.blind = blind
    result.save()
    audit.record("blind_on" if blind else "blind_off", f"body:{body.short_id}", actor=user)
    return result


# --- the panel: discussion, 组长 and 组长意见 ------------------------------------------------------

DISCUSSION_MAX = 2000


def _panel_open(nomination: Nomination) -> ReviewBody:
    """The routed body of a nomination whose panel may still write (results not reported)."""
    body = scope.body_by_id(permissions.routed_body_id(nomination))
    if body is None:
        raise Refused("该推荐不在本年度的初评范围内。")
    refuse_if(years.write_refusal(body.campaign))
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，讨论和组长意见不能再修改。")
    return body


def post_discussion(user: User, nomination: Nomination, text: str) -> DiscussionPost:
    """评审讨论: the nomination's experts (not those who declared a conflict) and its body."""
    if user.role not in ("review", "expert") or not permissions.can_view_nomination(user,
                                                                                     nomination):
        raise Refused("只有该项目的评审专家和初评机构可以参与讨论。")
    text = text.strip()
    if not text:
        raise Refused("请填写讨论内容。")
    if len(text) > DISCUSSION_MAX:
        raise Refused(f"讨论内容最多{DISCUSSION_MAX}字（当前{len(text)}字），请精简后再发。")
    _panel_open(nomination)
    with database.atomic():
        return DiscussionPost.create(nomination=nomination, author=user, text=text,
                                     campaign=nomination.campaign_id)


def set_chair(user: User, body: ReviewBody, expert: User | None) -> BodyResult:
    """The body names its panel's 组长 (one of its experts), or none."""
    own_body(user, body)
    if expert is not None and (expert.role != "expert" or expert.body_key != body.short_id):
        raise Refused("组长应为本机构的评审专家。")
    if result_of(body).status == "submitted":
        raise Refused("初评结果已报送，不能再更换组长。")
    result = result_row(body)
    result.chair = expert
    result.save()
    audit.record("chair_set", f"body:{body.short_id}",
                 expert.display_name if expert else "（无）", actor=user)
    return result


def write_summary(user: User, nomination: Nomination, text: str) -> PanelSummary:
    """组长意见 on a nomination: written by the panel's 组长, or entered by the body on the
    组长's behalf (from a paper record); required for each 初评入围 item before the results
    are reported (operations/results.py)."""
    body = _panel_open(nomination)
    chair_id = result_of(body).chair_id
    is_body = user.role == "review" and permissions.is_body_of(user, body)
    if not (is_body or (user.role == "expert" and chair_id == user.id)):
        raise Refused("组长意见由本机构指定的组长填写，或由初评机构代为录入。")
    text = text.strip()
    if not text:
        raise Refused("请填写组长意见。")
    if len(text) > DISCUSSION_MAX:
        raise Refused(f"组长意见最多{DISCUSSION_MAX}字（当前{len(text)}字）。")
    with database.atomic():
        summary = PanelSummary.get_or_none(PanelSummary.nomination == nomination)
        if summary is None:
            summary = PanelSummary(nomination=nomination, campaign=nomination.campaign_id)
        summary.text, summary.author, summary.updated_at = text, user, utcnow()
        summary.save()
        audit.record("panel_summary", f"nomination:{nomination.id}", text[:200], actor=user)
    return summary
