"""Reads of a review body's work: its 备案, its results, its criteria for a list, the entries a
list would be published with. Nothing here writes: a body without a filing or results yet gets
an unsaved empty one to show."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Value

from kczg.models import (
    Assignment,
    BodyResult,
    ConflictClearance,
    Criterion,
    Decision,
    DiscussionPost,
    Filing,
    Nomination,
    NominationList,
    PanelSummary,
    ReviewBody,
    User,
)
from kczg.rules import conflicts as conflict_rules
from kczg.rules import review as rules


def filing_of(body: ReviewBody) -> Filing:
    return Filing.get_or_none(Filing.body == body) or Filing(body=body,
                                                              campaign=body.campaign_id)


def result_of(body: ReviewBody) -> BodyResult:
    return BodyResult.get_or_none(BodyResult.body == body) or BodyResult(
        body=body, campaign=body.campaign_id)


def criteria_for(body: ReviewBody, lst: NominationList) -> list[Criterion]:
    return list(Criterion.select().where(Criterion.body == body, Criterion.list == lst)
                .order_by(Criterion.position))


def publication_preview(lst: NominationList) -> list[dict]:
    """The entries the list would be published with: its 入选 items, by domain."""
    rows = (Nomination.select().join(Decision, on=(Decision.nomination == Nomination.id))
            .where(Nomination.list == lst, Decision.selected == True)  # noqa: E712
            .order_by(Nomination.domain, Nomination.id))
    return [{"domain": n.domain.name if n.domain_id else "", "title": n.display_title,
             "unit": n.organisation.name, "nominee": rules.nominee_organisation(n)}
            for n in rows]


@dataclass(frozen=True)
class Conflict:
    reason: str
    declared: bool  # the expert's own 回避 (never cleared); else derived from the data


def conflicts(nominations: list[Nomination], experts: list[User]) -> dict[tuple[int, int],
                                                                         Conflict]:
    """(nomination id, expert id) -> the conflict that keeps the pair apart: declared ones, and
    those derived from the data that the body has not cleared. One query: the declared
    conflicts and the body's clearances as one UNION ALL."""
    ids = [n.id for n in nominations]
    if not ids or not experts:
        return {}
    declared_q = Assignment.select(
        Assignment.nomination, Assignment.expert, Assignment.conflict_reason,
        Value(1).alias("declared")).where(
        Assignment.nomination.in_(ids), Assignment.status == "conflict",
        Assignment.expert.in_([e.id for e in experts]))
    cleared_q = ConflictClearance.select(
        ConflictClearance.nomination, ConflictClearance.expert, ConflictClearance.reason,
        Value(0)).where(ConflictClearance.nomination.in_(ids))
    declared, cleared = {}, set()
    for n_id, e_id, reason, is_declared in (declared_q + cleared_q).tuples():
        if is_declared:
            declared[(n_id, e_id)] = Conflict(f"专家已声明回避：{reason}", True)
        else:
            cleared.add((n_id, e_id))
    derived = conflict_rules.matrix(experts, nominations, cleared)
    return {**{pair: Conflict(why, False) for pair, why in derived.items()}, **declared}


def derived_conflicts(nomination: Nomination, experts: list[User]) -> list[tuple[User, str, bool]]:
    """For the nomination's page: each expert the data says conflicts with it, the reason, and
    whether the body has cleared it."""
    cleared = {c.expert_id for c in ConflictClearance.select(ConflictClearance.expert)
               .where(ConflictClearance.nomination == nomination)}
    found = conflict_rules.parties(nomination)
    out = []
    for e in experts:
        why = conflict_rules.reason(conflict_rules.employer(e), found)
        if why:
            out.append((e, why, e.id in cleared))
    return out


def discussion_of(nomination_ids: list[int]) -> dict[int, list[DiscussionPost]]:
    """nomination id -> its panel's posts, oldest first (one query)."""
    out: dict[int, list[DiscussionPost]] = {}
    if nomination_ids:
        for p in (DiscussionPost.select(DiscussionPost, User).join(User, on=DiscussionPost.author)
                  .where(DiscussionPost.nomination.in_(nomination_ids))
                  .order_by(DiscussionPost.created_at, DiscussionPost.id)):
            out.setdefault(p.nomination_id, []).append(p)
    return out


def summaries_of(nomination_ids: list[int]) -> dict[int, PanelSummary]:
    return {s.nomination_id: s for s in PanelSummary.select().where(
        PanelSummary.nomination.in_(nomination_ids))} if nomination_ids else {}


def missing_summaries(nomination_ids: list[int]) -> list[str]:
    """The titles of the nominations among these that have no 组长意见 yet."""
    have = summaries_of(nomination_ids)
    return [n.display_title for n in Nomination.select().where(
        Nomination.id.in_([i for i in nomination_ids if i not in have] or [0]))
        .order_by(Nomination.id)]
