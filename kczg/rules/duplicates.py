"""Cross-unit duplicates: the same 统一社会信用代码 or repository URL nominated for one list by
two or more units. Allowed, but flagged for the secretariat."""
from peewee import fn

from kczg.models import Nomination, NominationList, Organisation


def duplicate_groups(campaign) -> list[dict]:
    """[{list, key, nominations}] for every key nominated by more than one unit (2 queries)."""
    keys = (Nomination.select(Nomination.list, Nomination.dedupe_key)
            .join(NominationList)
            .where(NominationList.campaign == campaign, Nomination.dedupe_key != "",
                   Nomination.status == "submitted")
            .group_by(Nomination.list, Nomination.dedupe_key)
            .having(fn.COUNT(fn.DISTINCT(Nomination.organisation)) > 1).tuples())
    wanted = set(keys)
    if not wanted:
        return []
    rows = (Nomination.select(Nomination, Organisation, NominationList)
            .join(Organisation).switch(Nomination).join(NominationList)
            .where(Nomination.status == "submitted",
                   Nomination.dedupe_key.in_([k for _, k in wanted]))
            .order_by(NominationList.position, Nomination.dedupe_key, Nomination.submitted_at))
    groups: dict[tuple, dict] = {}
    for n in rows:
        if (n.list_id, n.dedupe_key) in wanted:
            groups.setdefault((n.list_id, n.dedupe_key),
                              {"list": n.list, "key": n.dedupe_key, "nominations": []}
                              )["nominations"].append(n)
    return list(groups.values())

