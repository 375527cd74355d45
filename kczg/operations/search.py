"""The search index follows every save of a nomination's text (called inside the save's
transaction by kczg/operations/nominations.py) and is filled for rows that have none by
`flask kczg init` (after migration 023, or a restore)."""
from __future__ import annotations

from kczg.campaigns import scope
from kczg.db import database
from kczg.models import Campaign, Nomination, SearchEntry, unscoped
from kczg.rules import text
from kczg.services.search import content_of


def index(n: Nomination) -> None:
    content = content_of(n)
    terms = " ".join(sorted(text.grams(content)))
    (SearchEntry.insert(nomination=n.id, campaign=n.campaign_id, content=content, terms=terms)
     .on_conflict(conflict_target=[SearchEntry.nomination],
                  update={SearchEntry.content: content, SearchEntry.terms: terms})
     .execute())


def index_missing(batch: int = 500) -> int:
    """Index every nomination of every year that has no entry yet; returns how many."""
    done = 0
    with unscoped():
        campaigns = list(Campaign.select())
    for campaign in campaigns:
        with scope.of(campaign):
            while True:
                rows = list(Nomination.select().where(Nomination.id.not_in(
                    SearchEntry.select(SearchEntry.nomination))).limit(batch))
                if not rows:
                    break
                with database.atomic():
                    for n in rows:
                        index(n)
                done += len(rows)
    return done
