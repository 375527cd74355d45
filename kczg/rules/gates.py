"""The review's gates, in one place: what may happen when, so that nothing irreversible happens
too early or on too little.

- 终审 (decisions and publication) opens for a list once every body routed it (or one of its
  domains) has reported its results, or once the results deadline of each has passed.
- A decision only on a nomination its body shortlisted in the results it reported.
- Publication only with every body reported and every shortlisted item decided; the checklist
  says, per body, what is missing. 撤回发布 reopens the decisions (audited, with a reason).
- Reporting results with assignments not yet scored (and not declined) needs a typed reason,
  which the secretariat sees.
- A nomination delivered to its body (collection closed for everyone) is changed by its unit
  only after the body or the secretariat returns it; an extension lets a unit create, submit
  and edit drafts, not reopen what has been delivered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kczg.campaigns import scope
from kczg.campaigns.facts import domains_of
from kczg.models import (
    Assignment,
    BodyResult,
    Decision,
    Nomination,
    NominationList,
    ReviewBody,
)
from kczg.rules import calendar, permissions
from kczg.rules import review as rules


def bodies_of(lst: NominationList) -> list[ReviewBody]:
    """The initial review bodies the list's submitted nominations went to (its own body, or
    its domains' bodies; a domain nobody nominated in waits for nobody)."""
    domain_body = {d.id: d.review_body_id for d in domains_of(lst)}
    ids = {domain_body.get(domain_id) if domain_id else lst.review_body_id
           for (domain_id,) in Nomination.select(Nomination.domain).distinct()
           .where(Nomination.list == lst, Nomination.status == "submitted").tuples()}
    return [b for b in scope.bodies() if b.id in ids]  # the year's facts, in their order


def _result(body: ReviewBody) -> BodyResult:
    return BodyResult.get_or_none(BodyResult.body == body) or BodyResult(body=body)


def final_review_refusal(lst: NominationList, now: datetime | None = None) -> str | None:
    """Why 终审 of `lst` cannot happen yet, or None."""
    now = now or calendar.now_utc()
    waiting = [b for b in bodies_of(lst) if _result(b).status != "submitted"
               and now < rules.results_deadline(b)]
    if waiting:
        return (f"终审须在初评结果报送后进行：{'、'.join(b.name for b in waiting)}尚未报送初评结果，"
                f"报送截止时间为{lst.campaign.initial_results_deadline_label}。")
    return None


def shortlisted_by_body(nomination: Nomination) -> bool:
    """The nomination is on the shortlist its routed body reported."""
    body_id = permissions.routed_body_id(nomination)
    result = BodyResult.get_or_none(BodyResult.body == body_id)
    return bool(result and result.status == "submitted" and nomination.id in result.shortlist)


def decision_refusal(nomination: Nomination, now: datetime | None = None) -> str | None:
    if nomination.status != "submitted":
        return "只能对已提交的推荐作出终审决定。"
    refusal = final_review_refusal(nomination.list, now)
    if refusal:
        return refusal
    if not shortlisted_by_body(nomination):
        return "只能对初评机构报送的初评入围项目作出终审决定。"
    return None


@dataclass
class ChecklistRow:
    body: ReviewBody
    domains: list[str]
    status: str              # 已报送 / 未报送 / 已退回修改
    reported: bool
    shortlisted: int = 0
    undecided: list[Nomination] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.reported and not self.undecided


def publication_checklist(lst: NominationList) -> list[ChecklistRow]:
    """Per body routed the list: has it reported, how many it shortlisted, which of those the
    secretariat has not decided."""
    decided = {d.nomination_id for d in Decision.select().join(Nomination)
               .where(Nomination.list == lst)}
    rows = []
    for body in bodies_of(lst):
        result = _result(body)
        domains = [d.name for d in domains_of(lst) if d.review_body_id == body.id]
        row = ChecklistRow(body, domains, result.status_name, result.status == "submitted")
        if row.reported and result.shortlist:
            mine = list(Nomination.select().where(Nomination.id.in_(result.shortlist),
                                                  Nomination.list == lst,
                                                  Nomination.status == "submitted"))
            row.shortlisted = len(mine)
            row.undecided = [n for n in mine if n.id not in decided]
        rows.append(row)
    return rows


def publication_refusal(lst: NominationList, selected: int,
                        now: datetime | None = None) -> str | None:
    refusal = final_review_refusal(lst, now)
    if refusal:
        return refusal
    checklist = publication_checklist(lst)
    missing = [r.body.name for r in checklist if not r.reported]
    if missing:
        return f"{'、'.join(missing)}未报送初评结果，不能发布。"
    undecided = sum(len(r.undecided) for r in checklist)
    if undecided:
        return f"尚有{undecided}项初评入围项目未作终审决定，请逐项决定后再发布。"
    if not selected:
        return "还没有入选的项目，不能发布。"
    if selected > lst.size:
        return rules.size_refusal(lst) or "入选数量超过榜单规模。"
    return None


def unscored_assignments(body: ReviewBody, nomination_ids: list[int]) -> int:
    """Assignments of the body's nominations still waiting for a score (declined ones apart)."""
    if not nomination_ids:
        return 0
    return (Assignment.select().where(Assignment.nomination.in_(nomination_ids),
                                      Assignment.status == "assigned").count())


def delivered(nomination: Nomination, now: datetime | None = None) -> bool:
    """Submitted and gone to its body: online collection has closed for everyone (a unit's own
    extension does not bring it back)."""
    return (nomination.status in ("submitted", "withdrawn")
            and not calendar.submission_open(nomination.list.campaign, now, lst=nomination.list))


DELIVERED = ("这份推荐已送达初评机构，单位不能再撤回或修改；确需修改的，"
             "请联系初评机构或联合体秘书处退回。")


def unit_may_change(nomination: Nomination, reopened: bool, now: datetime | None = None) -> bool:
    """Whether the unit may still withdraw or reopen a submitted nomination: not once it has
    gone to its body (routed, reviewed, published), unless the secretariat reopened the year
    for the unit. The page offers 重新编辑 and 撤回推荐 only then; the operation checks again."""
    return reopened or not delivered(nomination, now)
