"""Reads of a review body's work: its 备案, its results, its criteria for a list, the entries a
list would be published with. Nothing here writes: a body without a filing or results yet gets
an unsaved empty one to show."""
from __future__ import annotations

from kczg.models import (
    BodyResult,
    Criterion,
    Decision,
    Filing,
    Nomination,
    NominationList,
    ReviewBody,
)
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
