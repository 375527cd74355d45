"""Every change of state in the review goes through one function here: it checks who may do it
and whether the phase allows it, writes the history (NominationHistory for a nomination, an
AuditEvent otherwise), and notifies the people concerned through the outbox.

Refusals raise kczg.rules.transitions.Refused with a Chinese message the view shows.
"""
from __future__ import annotations

from datetime import datetime

from peewee import Case

from kczg.db import database
from kczg.models import (
    Assignment,
    BodyResult,
    Criterion,
    Decision,
    Extension,
    Filing,
    Nomination,
    NominationList,
    Publication,
    ReviewBody,
    Score,
    User,
    utcnow,
)
from kczg.rules import calendar, gates, permissions
from kczg.rules import review as rules
from kczg.rules.transitions import Refused, record_history
from kczg.services import audit, outbox


def _audit(actor: User, action: str, subject: str, detail: str = "") -> None:
    audit.record(action, subject, detail, actor=actor)


def _own_body(user: User, body: ReviewBody) -> None:
    """The body's own account: bound to the body's stable id (any year's row of that body)."""
    mine = user.body_key == body.short_id if user.body_key else user.review_body_id == body.id
    if user.role != "review" or not mine:
        raise Refused("只有该初评机构可以进行此操作。")


def _secretariat(user: User) -> None:
    if user.role != "secretariat":
        raise Refused("只有联合体秘书处可以进行此操作。")


def filing_of(body: ReviewBody) -> Filing:
    return Filing.get_or_none(Filing.body == body) or Filing.create(body=body)


def result_of(body: ReviewBody) -> BodyResult:
    return BodyResult.get_or_none(BodyResult.body == body) or BodyResult.create(body=body)


# --- 备案 ---------------------------------------------------------------------------------------

def submit_filing(user: User, body: ReviewBody, plan: str, experts: str, standards: str) -> Filing:
    _own_body(user, body)
    filing = filing_of(body)
    if filing.status in ("submitted", "acknowledged"):
        raise Refused("备案材料已提交，秘书处退回后方可修改。")
    if not (plan.strip() and experts.strip() and standards.strip()):
        raise Refused("请完整填写评审工作方案、专家构成方案和评价标准。")
    filing.plan, filing.experts, filing.standards = plan, experts, standards
    filing.status, filing.submitted_at, filing.comment = "submitted", utcnow(), ""
    filing.save()
    _audit(user, "filing_submitted", f"body:{body.short_id}")
    outbox.notify(outbox.secretariat_users(), f"{body.name}提交了备案材料",
                  "请在秘书处工作台“备案”中查看并备案。")
    return filing


def decide_filing(user: User, body: ReviewBody, acknowledge: bool, comment: str = "") -> Filing:
    _secretariat(user)
    filing = filing_of(body)
    if filing.status != "submitted":
        raise Refused("该机构没有待备案的材料。")
    if not acknowledge and not comment.strip():
        raise Refused("退回时请填写意见。")
    filing.status = "acknowledged" if acknowledge else "returned"
    filing.comment, filing.decided_at, filing.decided_by = comment, utcnow(), user
    filing.save()
    _audit(user, "filing_" + filing.status, f"body:{body.short_id}", comment)
    outbox.notify(outbox.body_users(body),
                  "备案材料已备案" if acknowledge else "备案材料被退回",
                  "可以开始组织专家评分。" if acknowledge else f"退回意见：{comment}")
    return filing


# --- criteria -----------------------------------------------------------------------------------

def set_criteria(user: User, body: ReviewBody, lst: NominationList,
                 items: list[tuple[str, int]]) -> list[Criterion]:
    _own_body(user, body)
    if lst.review_body_id != body.id and not any(d.review_body_id == body.id
                                                 for d in lst.domains):
        raise Refused("该榜单不由本机构初评。")
    if rules.scoring_started(body, lst):
        raise Refused("已有专家开始评分，评分指标已锁定。")
    names = [name.strip() for name, _ in items]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise Refused("指标名称不能为空，也不能重复。")
    problem = rules.weight_problem([w for _, w in items])
    if problem:
        raise Refused(problem)
    with database.atomic():
        Criterion.delete().where(Criterion.body == body, Criterion.list == lst).execute()
        rows = [Criterion.create(body=body, list=lst, name=n, weight=w, position=i)
                for i, (n, w) in enumerate(zip(names, (w for _, w in items)))]
        _audit(user, "criteria_set", f"body:{body.short_id}:list:{lst.code}",
               "；".join(f"{n} {w}" for n, w in items))
    return rows


def criteria_for(body: ReviewBody, lst: NominationList) -> list[Criterion]:
    return list(Criterion.select().where(Criterion.body == body, Criterion.list == lst)
                .order_by(Criterion.position))


# --- experts and assignments --------------------------------------------------------------------

def _check_assignable(user: User, body: ReviewBody, nomination: Nomination,
                      now: datetime | None) -> None:
    _own_body(user, body)
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
    reason = rules.conflict_reason(expert, nomination)
    if reason:
        raise Refused(f"存在利益冲突，不能分配：{reason}。")
    existing = Assignment.get_or_none(Assignment.nomination == nomination,
                                      Assignment.expert == expert)
    if existing is not None:
        raise Refused("该专家已分配或已声明回避此项目。")
    with database.atomic():
        a = Assignment.create(nomination=nomination, expert=expert, assigned_by=user)
        record_history(nomination, user, "assigned", nomination.version, [expert.display_name])
    outbox.notify([expert], "您有新的评审任务", f"请登录专家工作台评审：{nomination.display_title}")
    return a


def unassign(user: User, body: ReviewBody, assignment: Assignment) -> None:
    """取消分配: an assignment not yet scored leaves the expert's list (the expert is told)."""
    _own_body(user, body)
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
    outbox.notify([expert], "评审任务已取消", f"初评机构取消了“{nomination.display_title}”的评审任务。")


def auto_assign(user: User, body: ReviewBody, nominations: list[Nomination],
                per_nomination: int, now: datetime | None = None) -> rules.AssignmentPlan:
    if not 1 <= per_nomination <= 15:
        raise Refused("每个项目的评审专家人数应在1到15之间。")
    for n in nominations:
        _check_assignable(user, body, n, now)
    experts = list(User.select().where(User.role == "expert", User.body_key == body.short_id,
                                       User.active == True))  # noqa: E712
    if not experts:
        raise Refused("本机构还没有评审专家账号。")
    existing = list(Assignment.select().where(
        Assignment.nomination.in_([n.id for n in nominations]))) if nominations else []
    plan = rules.plan_assignments(nominations, experts, per_nomination, existing)
    with database.atomic():
        for n, e in plan.pairs:
            Assignment.create(nomination=n, expert=e, assigned_by=user)
            record_history(n, user, "assigned", n.version, [e.display_name])
        _audit(user, "auto_assigned", f"body:{body.short_id}",
               f"{len(plan.pairs)} assignments, {per_nomination} per nomination")
    for expert in {e.id: e for _, e in plan.pairs}.values():
        count = sum(1 for _, e in plan.pairs if e.id == expert.id)
        outbox.notify([expert], "您有新的评审任务", f"新分配{count}个项目，请登录专家工作台评审。")
    return plan


def declare_conflict(expert: User, assignment: Assignment, reason: str) -> Assignment:
    if assignment.expert_id != expert.id:
        raise Refused("只能对分配给本人的项目声明回避。")
    if not reason.strip():
        raise Refused("请说明回避理由。")
    body = expert.review_body
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
                  f"{expert.display_name}对“{assignment.nomination.display_title}”声明回避："
                  f"{reason}。该分配已撤销，请另行分配专家。")
    return assignment


# --- scoring ------------------------------------------------------------------------------------

EXPERT_PLEDGE = ("本人承诺：对评审材料和评审结果严格保密，不复制、不外传、不用于评审以外的用途；"
                 "与被评项目或其完成单位存在利益关系时主动声明回避；独立、客观、公正地评审，"
                 "不接受任何单位或个人的请托。")


def accept_pledge(expert: User) -> None:
    """保密与回避承诺: an expert accepts it once, before the first score."""
    if expert.role != "expert":
        raise Refused("只有评审专家需要作出此承诺。")
    if expert.pledged_at is None:
        User.update(pledged_at=utcnow()).where(User.id == expert.id).execute()
        expert.pledged_at = utcnow()
        _audit(expert, "expert_pledged", expert.username)


def save_scores(expert: User, assignment: Assignment, values: dict[int, int], comment: str,
                submit: bool, now: datetime | None = None) -> Assignment:
    """Save an expert's scores (a draft, or submitted); changeable until the body reports."""
    if assignment.expert_id != expert.id or assignment.status == "conflict":
        raise Refused("该项目未分配给您，或您已声明回避。")
    body = expert.review_body
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
            Score.insert(assignment=assignment, criterion=c, value=values[c.id]) \
                .on_conflict(conflict_target=[Score.assignment, Score.criterion],
                             update={Score.value: values[c.id]}).execute()
        assignment.comment = comment[:2000]
        if submit:
            assignment.status, assignment.submitted_at = "submitted", utcnow()
        assignment.save()
        if submit:
            record_history(n, expert, "scored", n.version, [expert.display_name])
    return assignment


# --- initial results ----------------------------------------------------------------------------

def set_shortlist(user: User, body: ReviewBody, nomination_ids: list[int]) -> BodyResult:
    _own_body(user, body)
    result = result_of(body)
    if result.status == "submitted":
        raise Refused("初评结果已报送，只读；如需修改，请联系秘书处退回。")
    candidates = Nomination.select().where(Nomination.id.in_(nomination_ids),
                                           Nomination.status == "submitted") \
        if nomination_ids else []
    result.shortlist = sorted({n.id for n in candidates
                               if permissions.routed_body_id(n) == body.id})
    result.save()
    return result


def submit_results(user: User, body: ReviewBody, now: datetime | None = None,
                   reason: str = "") -> BodyResult:
    """报送: the shortlist goes to the secretariat. With assignments still unscored (declined
    ones apart) only with a typed `reason`, kept for the secretariat to see."""
    _own_body(user, body)
    result = result_of(body)
    if result.status == "submitted":
        raise Refused("初评结果已报送。")
    if not rules.results_open(body, now):
        raise Refused(f"初评结果报送已于{body.campaign.initial_results_deadline_label}截止；"
                      "如需延期，请联系联合体秘书处。")
    if not result.shortlist:
        raise Refused("请先勾选初评入围项目。")
    from kczg.services.documents import submitted_for_body

    unscored = gates.unscored_assignments(body, [n.id for n in submitted_for_body(body)])
    reason = reason.strip()[:500]
    if unscored and not reason:
        raise Refused(f"尚有{unscored}个评审任务未评分。请等专家评完，或填写提前报送的理由"
                      "（秘书处可见）后再报送。")
    routed = submitted_for_body(body)
    with database.atomic():
        result.status, result.submitted_at = "submitted", utcnow()
        result.note = f"报送时{unscored}个评审任务未评分。理由：{reason}" if unscored else ""
        result.save()
        ids = [n.id for n in routed]
        Nomination.update(outcome=Case(None, [(Nomination.id.in_(result.shortlist or [0]),
                                                "shortlisted")], "not_shortlisted")) \
            .where(Nomination.id.in_(ids or [0])).execute()
        for n in Nomination.select().where(Nomination.id.in_(result.shortlist)):
            record_history(n, user, "shortlisted", n.version)
        _audit(user, "results_submitted", f"body:{body.short_id}",
               f"{len(result.shortlist)} shortlisted")
    outbox.notify(outbox.secretariat_users(), f"{body.name}报送了初评结果",
                  f"初评入围{len(result.shortlist)}项。" + (f"{result.note}" if result.note else ""))
    tell_units(routed, f"{body.name}已报送初评结果",
                lambda n: "初评入围" if n.id in result.shortlist else "初评未入围")
    return result


def tell_units(nominations: list[Nomination], subject: str, outcome) -> None:
    """Each unit hears, in one message, where each of its nominations stands."""
    by_unit: dict[int, list[Nomination]] = {}
    for n in nominations:
        by_unit.setdefault(n.organisation_id, []).append(n)
    for mine in by_unit.values():
        lines = "；".join(f"“{n.display_title}”：{outcome(n)}" for n in mine)
        outbox.notify(outbox.unit_users(mine[0].organisation), subject, lines + "。")


def return_results(user: User, body: ReviewBody, comment: str) -> BodyResult:
    _secretariat(user)
    result = result_of(body)
    if result.status != "submitted":
        raise Refused("该机构尚未报送初评结果。")
    if not comment.strip():
        raise Refused("退回时请填写意见。")
    from kczg.services.documents import submitted_for_body

    with database.atomic():
        result.status, result.comment = "returned", comment
        result.save()
        Nomination.update(outcome="").where(
            Nomination.id.in_([n.id for n in submitted_for_body(body)] or [0])).execute()
    _audit(user, "results_returned", f"body:{body.short_id}", comment)
    outbox.notify(outbox.body_users(body), "初评结果被退回修改", f"退回意见：{comment}")
    return result


def return_nomination(user: User, nomination: Nomination, comment: str) -> Nomination:
    """The secretariat sends a submitted nomination back to its unit as a draft (it leaves the
    review and its quota place is free until resubmitted)."""
    _secretariat(user)
    if nomination.status != "submitted":
        raise Refused("只能退回已提交的推荐。")
    if not comment.strip():
        raise Refused("退回时请填写意见。")
    with database.atomic():
        Nomination.update(status="draft", outcome="", version=Nomination.version + 1,
                          updated_at=utcnow()).where(Nomination.id == nomination.id).execute()
        nomination = Nomination.get_by_id(nomination.id)
        record_history(nomination, user, "returned", nomination.version, [comment[:100]])
    outbox.notify(outbox.unit_users(nomination.organisation),
                  f"推荐“{nomination.display_title}”被秘书处退回",
                  f"退回意见：{comment}。请修改后重新提交；如已过截止时间，秘书处会另行延期。")
    return nomination


# --- extensions ----------------------------------------------------------------------------------

def grant_extension(user: User, until: datetime, reason: str, organisation=None,
                    body: ReviewBody | None = None, campaign=None) -> Extension:
    """Move one unit's submission deadline or one body's results deadline (naive UTC), in one
    campaign (the body's, or the current one): an extension never opens another year."""
    from kczg.campaigns import current_campaign

    _secretariat(user)
    if (organisation is None) == (body is None):
        raise Refused("请选择一个推荐单位或一个初评机构。")
    if not reason.strip():
        raise Refused("请填写延期理由。")
    campaign = body.campaign if body is not None else (campaign or current_campaign())
    ext = Extension.create(campaign=campaign, organisation=organisation, body=body, until=until,
                           reason=reason, granted_by=user)
    target = organisation.name if organisation else body.name
    _audit(user, "extension_granted", f"{'unit' if organisation else 'body'}:{target}",
           f"until {until.isoformat()} UTC: {reason}")
    users = outbox.unit_users(organisation) if organisation else outbox.body_users(body)
    when = calendar.cn_deadline(until, body.campaign.timezone if body else "Asia/Shanghai")
    outbox.notify(users, "截止时间已延期", f"延期至{when}（北京时间）。{reason}")
    return ext


# --- final review and publication ----------------------------------------------------------------

def stage_decision(user: User, nomination: Nomination, selected: bool, comment: str = "") \
        -> Decision:
    _secretariat(user)
    if Publication.get_or_none(Publication.list == nomination.list_id):
        raise Refused("该榜单已发布，不能再修改；如确需修改，请先撤回发布。")
    refusal = gates.decision_refusal(nomination)
    if refusal:
        raise Refused(refusal)
    with database.atomic():
        if selected:
            refusal = rules.size_refusal(nomination.list, excluding=nomination.id)
            if refusal:
                raise Refused(refusal)
        decision = Decision.get_or_none(Decision.nomination == nomination)
        if decision is None:
            decision = Decision.create(nomination=nomination, selected=selected, comment=comment,
                                       decided_by=user)
        else:
            decision.selected, decision.comment = selected, comment
            decision.decided_by, decision.decided_at = user, utcnow()
            decision.save()
        record_history(nomination, user, "decided", nomination.version,
                       ["入选" if selected else "未入选"])
    return decision


def stage_decisions(user: User, lst: NominationList, nominations: list[Nomination],
                    selected: bool, comment: str = "") -> int:
    """Batch 入选 / 未入选: all or none, never past the list's size; returns how many."""
    _secretariat(user)
    if not nominations:
        raise Refused("请先勾选项目。")
    if any(n.list_id != lst.id for n in nominations):
        raise Refused("只能对本榜单的项目批量决定。")
    if selected:
        ids = [n.id for n in nominations]
        others = (Decision.select().join(Nomination)
                  .where(Nomination.list == lst, Decision.selected == True,  # noqa: E712
                         Nomination.id.not_in(ids)).count())
        if others + len(ids) > lst.size:
            where = "六个领域合计" if lst.has_domains else ""
            raise Refused(f"批量入选后{lst.name}{where}将有{others + len(ids)}项入选，"
                          f"超过榜单规模{lst.size}项；请减少勾选。")
    with database.atomic():
        for n in nominations:
            stage_decision(user, n, selected, comment)
    return len(nominations)


def publication_preview(lst: NominationList) -> list[dict]:
    rows = (Nomination.select().join(Decision, on=(Decision.nomination == Nomination.id))
            .where(Nomination.list == lst, Decision.selected == True)  # noqa: E712
            .order_by(Nomination.domain, Nomination.id))
    return [{"domain": n.domain.name if n.domain_id else "", "title": n.display_title,
             "unit": n.organisation.name, "nominee": rules.nominee_organisation(n)}
            for n in rows]


def publish(user: User, lst: NominationList) -> Publication:
    _secretariat(user)
    if Publication.get_or_none(Publication.list == lst):
        raise Refused("该榜单已发布。")
    entries = publication_preview(lst)
    refusal = gates.publication_refusal(lst, len(entries))
    if refusal:
        raise Refused(refusal)
    decided = dict(Decision.select(Decision.nomination, Decision.selected).join(Nomination)
                   .where(Nomination.list == lst).tuples())
    with database.atomic():
        pub = Publication.create(list=lst, entries=entries, published_by=user)
        for selected in (True, False):
            Nomination.update(outcome="selected" if selected else "not_selected").where(
                Nomination.id.in_([i for i, s in decided.items() if s == selected] or [0])
            ).execute()
        for n in Nomination.select().join(Decision, on=(Decision.nomination == Nomination.id)) \
                .where(Nomination.list == lst, Decision.selected == True):  # noqa: E712
            record_history(n, user, "published", n.version)
        _audit(user, "published", f"list:{lst.code}", f"{len(entries)} entries")
    chosen = {n.id for n in Nomination.select(Nomination.id).join(
        Decision, on=(Decision.nomination == Nomination.id)).where(
        Nomination.list == lst, Decision.selected == True)}  # noqa: E712
    tell_units(list(Nomination.select().where(Nomination.list == lst,
                                               Nomination.status == "submitted")),
                f"{lst.name}已发布", lambda n: "入选" if n.id in chosen else "未入选")
    from kczg.rules import earlier

    earlier.forget()  # next year's forms flag these winners
    return pub


def unpublish(user: User, lst: NominationList, reason: str) -> None:
    """撤回发布: the list leaves the public site and its decisions can change again (audited,
    with the reason; the units of its entries are told)."""
    _secretariat(user)
    pub = Publication.get_or_none(Publication.list == lst)
    if pub is None:
        raise Refused("该榜单尚未发布。")
    if not reason.strip():
        raise Refused("撤回发布时请填写理由。")
    selected = list(Nomination.select().join(Decision, on=(Decision.nomination == Nomination.id))
                    .where(Nomination.list == lst, Decision.selected == True))  # noqa: E712
    with database.atomic():
        pub.delete_instance()
        Nomination.update(outcome="shortlisted").where(
            Nomination.list == lst, Nomination.outcome.in_(["selected", "not_selected"])).execute()
        for n in selected:
            record_history(n, user, "unpublished", n.version, [reason[:100]])
        _audit(user, "unpublished", f"list:{lst.code}", reason[:500])
    units = {n.organisation_id: n.organisation for n in selected}
    outbox.notify([u for org in units.values() for u in outbox.unit_users(org)],
                  f"{lst.name}已撤回发布", f"撤回理由：{reason}。终审结果以重新发布为准。")
