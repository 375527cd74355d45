"""A campaign's static facts (lists, domains, review bodies, phases, contacts, unit types) kept in
memory per process, keyed by the campaign's `facts_version`.

Every request reads the campaign row itself (deadlines may move at any time); the facts behind it
are read from the database once per process and version, so a page does not spend five queries
on the same seven lists. Saving a list, domain, body, phase or contact bumps the version
(kczg/models/campaign.py), and every process sees the new facts on its next request.

The cached rows are shared between requests: read them, never change them in place.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from peewee import JOIN

from kczg.models import Campaign, Contact, Domain, NominationList, Phase, ReviewBody, UnitType
from kczg.models.scoping import unscoped


@dataclass
class Facts:
    campaign_id: int
    version: int
    lists: list[NominationList]                 # in order, each with .domain_rows
    bodies: list[ReviewBody]
    phases: list[Phase]
    contacts: list[Contact]
    unit_types: list[UnitType]
    lists_by_id: dict[int, NominationList] = field(default_factory=dict)
    lists_by_code: dict[str, NominationList] = field(default_factory=dict)
    domains_by_id: dict[int, Domain] = field(default_factory=dict)
    bodies_by_id: dict[int, ReviewBody] = field(default_factory=dict)
    bodies_by_key: dict[str, ReviewBody] = field(default_factory=dict)  # by stable short_id
    unit_types_by_id: dict[int, UnitType] = field(default_factory=dict)


_cache: dict[tuple[int, int], Facts] = {}
_lock = threading.Lock()


def _load(campaign: Campaign) -> Facts:
    with unscoped():  # the facts of the campaign named, whatever the scope in force
        return _read(campaign)


def _read(campaign: Campaign) -> Facts:
    bodies = list(ReviewBody.select().where(ReviewBody.campaign == campaign)
                  .order_by(ReviewBody.position))
    bodies_by_id = {b.id: b for b in bodies}
    lists = list(NominationList.select().where(NominationList.campaign == campaign)
                 .order_by(NominationList.position))
    domains = list(Domain.select().join(NominationList, JOIN.INNER)
                   .where(NominationList.campaign == campaign).order_by(Domain.position))
    facts = Facts(
        campaign_id=campaign.id, version=campaign.facts_version, lists=lists, bodies=bodies,
        phases=list(Phase.select().where(Phase.campaign == campaign).order_by(Phase.position)),
        contacts=list(Contact.select().where(Contact.campaign == campaign)
                      .order_by(Contact.position)),
        unit_types=list(UnitType.select().order_by(UnitType.position)),
        bodies_by_id=bodies_by_id, bodies_by_key={b.short_id: b for b in bodies},
    )
    by_list: dict[int, list[Domain]] = {}
    for lst in lists:
        if lst.review_body_id:
            lst.review_body = bodies_by_id[lst.review_body_id]
        facts.lists_by_id[lst.id] = lst
        facts.lists_by_code[lst.code] = lst
    for d in domains:
        d.list = facts.lists_by_id[d.list_id]
        d.review_body = bodies_by_id[d.review_body_id]
        facts.domains_by_id[d.id] = d
        by_list.setdefault(d.list_id, []).append(d)
    for lst in lists:
        lst.domain_rows = by_list.get(lst.id, [])
    facts.unit_types_by_id = {t.id: t for t in facts.unit_types}
    return facts


def facts_of(campaign: Campaign) -> Facts:
    """The campaign's facts, from memory when this process has read this version already."""
    key = (campaign.id, campaign.facts_version)
    facts = _cache.get(key)
    if facts is None:
        facts = _load(campaign)
        with _lock:
            for old in [k for k in _cache if k[0] == campaign.id]:
                del _cache[old]
            _cache[key] = facts
    # The campaign row itself is read fresh by every request (deadlines move): the cached rows
    # point at this one, never at a row some earlier request read.
    for row in (*facts.lists, *facts.phases, *facts.bodies):
        row.campaign = campaign
    return facts


def domains_of(lst) -> list:
    """A list's domains in order: from the facts when the list came from there."""
    rows = getattr(lst, "domain_rows", None)
    if rows is None:
        rows = facts_of(lst.campaign).lists_by_id[lst.id].domain_rows
    return rows

