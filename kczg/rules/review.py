"""The review's rules as plain functions: when review and results are open, the weight rule,
weighted scores and rankings, list sizes. (Conflicts of interest: rules/conflicts.py; automatic
assignment: rules/assignment.py.)"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from kczg.models import (
    Assignment,
    Campaign,
    Criterion,
    Decision,
    Extension,
    Nomination,
    NominationList,
    ReviewBody,
    Score,
)
from kczg.rules import calendar, shape
from kczg.rules import calibration as calibration_rules

EXPERT_PLEDGE = ("本人承诺：对评审材料和评审结果严格保密，不复制、不外传、不用于评审以外的用途；"
                 "与被评项目或其完成单位存在利益关系时主动声明回避；独立、客观、公正地评审，"
                 "不接受任何单位或个人的请托。")

# fields naming the nominee's own organisation, per list (the first one present is used)
NOMINEE_FIELDS = ("first_unit", "company_name", "lead_unit", "org_name", "unit", "maintainer")


# --- calendar --------------------------------------------------------------------------------

def review_open(campaign: Campaign, at: datetime | None = None) -> bool:
    """Assignment and scoring open when online collection has closed."""
    return not calendar.submission_open(campaign, at)


def results_deadline(body: ReviewBody) -> datetime:
    """The body's deadline for initial results (aware UTC): the campaign's, or an extension."""
    ext = (Extension.select().where(Extension.body == body)
           .order_by(Extension.granted_at.desc()).first())
    naive = ext.until if ext else body.campaign.initial_results_deadline
    return calendar.aware(naive)


def results_open(body: ReviewBody, at: datetime | None = None) -> bool:
    return (at or calendar.now_utc()) < results_deadline(body)


# --- criteria --------------------------------------------------------------------------------

def weight_problem(weights: list[int]) -> str | None:
    if not weights:
        return "请至少设置一项评分指标"
    if any(w <= 0 for w in weights):
        return "每项指标的权重应大于0"
    if sum(weights) != 100:
        return f"各项指标权重之和应为100（当前为{sum(weights)}）"
    return None


def scoring_started(body: ReviewBody, lst: NominationList) -> bool:
    return (Score.select().join(Criterion)
            .where(Criterion.body == body, Criterion.list == lst).exists())


# --- conflicts of interest -------------------------------------------------------------------

def _norm(name: str) -> str:
    return "".join((name or "").split()).replace("（", "(").replace("）", ")").lower()


def nominee_organisation(nomination: Nomination) -> str:
    data = nomination.clean or {}
    return next((data[f] for f in NOMINEE_FIELDS if data.get(f)), "")


# --- scores and rankings ---------------------------------------------------------------------

def weighted_total(values: dict[int, int], criteria: list[Criterion]) -> float:
    """One expert's score of a nomination: Σ weight × score / 100, on a 0–100 scale."""
    return sum(c.weight * values.get(c.id, 0) for c in criteria) / 100


@dataclass
class RankRow:
    nomination: Nomination
    totals: list[float]                     # one per expert who submitted
    per_criterion: dict[int, float]         # criterion id -> mean score
    assigned: int

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 2) if self.totals else None

    @property
    def spread(self) -> float | None:
        return round(max(self.totals) - min(self.totals), 2) if self.totals else None

    @property
    def scored(self) -> int:
        return len(self.totals)

    @property
    def complete(self) -> bool:
        """Every expert still assigned has scored (declined assignments do not count)."""
        return self.assigned > 0 and self.scored == self.assigned

    rank: int | None = None  # equal means, equal rank (1, 2, 2, 4); none without a score
    calibrated: float | None = None  # the mean with each expert's lenience taken out
    by_expert: dict[int, float] | None = None  # expert id -> weighted total

    def value(self, order: str) -> float | None:
        return self.calibrated if order == "calibrated" else self.mean


@dataclass
class Ranking:
    rows: list[RankRow]
    calibration: calibration_rules.Calibration


def ranking(nominations: list[Nomination], criteria: list[Criterion],
            order: str = "raw") -> list[RankRow]:
    return ranked(nominations, criteria, order).rows


def ranked(nominations: list[Nomination], criteria: list[Criterion],
           order: str = "raw") -> Ranking:
    """Nominations by weighted mean ("raw") or by calibrated score ("calibrated",
    rules/calibration.py), best first (unscored ones last), in three queries; equal values
    share a rank."""
    ids = [n.id for n in nominations]
    assignments = list(Assignment.select().where(Assignment.nomination.in_(ids),
                                                 Assignment.status != "conflict")
                       .order_by(Assignment.id)) if ids else []  # each expert's total in turn
    submitted = {a.id: a for a in assignments if a.status == "submitted"}
    values: dict[int, dict[int, int]] = {}
    for s in Score.select().where(Score.assignment.in_(list(submitted))) if submitted else []:
        values.setdefault(s.assignment_id, {})[s.criterion_id] = s.value
    rows = []
    for n in nominations:
        mine = [a for a in submitted.values() if a.nomination_id == n.id]
        totals = [weighted_total(values.get(a.id, {}), criteria) for a in mine]
        per = {c.id: round(statistics.fmean(values.get(a.id, {}).get(c.id, 0) for a in mine), 2)
               for c in criteria} if mine else {}
        rows.append(RankRow(n, totals, per, sum(1 for a in assignments
                                                 if a.nomination_id == n.id),
                            by_expert={a.expert_id: t for a, t in zip(mine, totals)}))
    calibration = calibration_rules.calibrate(
        [(r.nomination.id, e, t) for r in rows for e, t in r.by_expert.items()])
    for r in rows:
        r.calibrated = calibration.quality.get(r.nomination.id)
    rows.sort(key=lambda r: (r.value(order) is None, -(r.value(order) or 0), r.nomination.id))
    for i, row in enumerate(rows):
        if row.value(order) is not None:
            row.rank = rows[i - 1].rank if i and rows[i - 1].value(order) == row.value(order) \
                else i + 1
    return Ranking(rows, calibration)


# --- final review ----------------------------------------------------------------------------

def selected_count(lst: NominationList, excluding: int | None = None) -> int:
    """Nominations of the list (all its domains together) staged as 入选."""
    query = (Decision.select().join(Nomination)
             .where(Nomination.list == lst, Decision.selected == True))  # noqa: E712
    if excluding is not None:
        query = query.where(Decision.nomination != excluding)
    return query.count()


def size_refusal(lst: NominationList, excluding: int | None = None) -> str | None:
    """The message refusing one more 入选 for the list, or None when there is room."""
    if selected_count(lst, excluding) >= lst.size:
        return (f"{lst.name}{shape.domains_together(lst)}最多入选{lst.size}项，已达上限；"
                "请先将其他项目改为未入选。")
    return None
