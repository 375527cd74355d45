"""Figures for the secretariat's review pages: per list by status, unit type and province;
per body 备案 and progress; the final-review table of every body's shortlist."""
from __future__ import annotations

from collections import Counter

from peewee import JOIN, fn

from forms.choices import PROVINCES
from kczg.campaigns import scope
from kczg.campaigns.facts import domains_of
from kczg.models import (
    STATUS,
    Assignment,
    Decision,
    Domain,
    Nomination,
    NominationList,
    Organisation,
)
from kczg.rules import review as rules
from kczg.services.review import criteria_for, filing_of, result_of

SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _short(province: str) -> str:
    for suffix in SUFFIXES:
        if province.endswith(suffix) and province != "新疆生产建设兵团":
            return province.removesuffix(suffix)
    return province


def province_of(n: Nomination) -> str:
    """The 新锐企业榜 registered province, else the province a unit's name starts with
    (浙江省科学技术协会 → 浙江省; 新疆生产建设兵团… stays the 兵团), else 全国性单位及其他."""
    return province_from((n.clean or {}).get("province"), n.organisation.name)


def province_from(registered: str | None, unit_name: str) -> str:
    if registered:
        return registered
    name = unit_name
    for province in sorted(PROVINCES, key=len, reverse=True):
        if name.startswith(province):
            return province
    for province in sorted(PROVINCES, key=lambda p: len(_short(p)), reverse=True):
        if name.startswith(_short(province)) and not name.startswith("新疆生产建设兵团"):
            return province
    return "全国性单位及其他"


def province_condition(province: str):
    """SQL for the submitted nominations `province_of` places in `province` (the column their
    submission set, migration 024)."""
    return Nomination.province == province


def list_dashboard() -> list[dict]:
    """Per open list of the scope's year: nominations by status, submitted ones by unit type
    and by province. Counted in SQL (three grouped queries), never by loading the nominations
    themselves."""
    facts = scope.facts()
    lists = [lst for lst in facts.lists if lst.is_open]
    ids = [lst.id for lst in lists]
    status: dict[int, Counter] = {}
    for list_id, st, n in (Nomination.select(Nomination.list, Nomination.status,
                                             fn.COUNT(Nomination.id))
                           .where(Nomination.list.in_(ids))
                           .group_by(Nomination.list, Nomination.status).tuples()):
        status.setdefault(list_id, Counter())[STATUS.get(st, st)] += n
    unit_types: dict[int, Counter] = {}
    for list_id, type_id, n in (Nomination.select(Nomination.list, Organisation.unit_type,
                                                  fn.COUNT(Nomination.id))
                                .join(Organisation)
                                .where(Nomination.list.in_(ids),
                                       Nomination.status == "submitted")
                                .group_by(Nomination.list, Organisation.unit_type).tuples()):
        name = facts.unit_types_by_id[type_id].name
        unit_types.setdefault(list_id, Counter())[name] += n
    provinces: dict[int, Counter] = {}
    for list_id, province, n in (
            Nomination.select(Nomination.list, Nomination.province, fn.COUNT(Nomination.id))
            .where(Nomination.list.in_(ids), Nomination.status == "submitted")
            .group_by(Nomination.list, Nomination.province).tuples()):
        provinces.setdefault(list_id, Counter())[province] += n
    return [{"list": lst, "status": status.get(lst.id, Counter()),
             "unit_type": unit_types.get(lst.id, Counter()).most_common(),
             "province": provinces.get(lst.id, Counter()).most_common(8),
             "submitted": sum(unit_types.get(lst.id, Counter()).values())} for lst in lists]


def body_progress() -> list[dict]:
    """Per body of the scope's year: its 备案, its result, how many nominations it received,
    how many assignments are out and scored (counted in SQL, per body)."""
    bodies = scope.bodies()
    body_of = fn.COALESCE(Domain.review_body, NominationList.review_body)

    def routed(query):
        return (query.join(Domain, JOIN.LEFT_OUTER, on=(Nomination.domain == Domain.id))
                .switch(Nomination)
                .join(NominationList, on=(Nomination.list == NominationList.id))
                .where(Nomination.status == "submitted"))

    received = dict(routed(Nomination.select(body_of, fn.COUNT(Nomination.id)))
                    .group_by(body_of).tuples())
    work: dict[int, Counter] = {}
    for body_id, status, n in (routed(Assignment.select(body_of, Assignment.status,
                                                        fn.COUNT(Assignment.id))
                                      .join(Nomination).switch(Nomination))
                               .group_by(body_of, Assignment.status).tuples()):
        work.setdefault(body_id, Counter())[status] += n
    out = []
    for b in bodies:
        c = work.get(b.id, Counter())
        out.append({"body": b, "filing": filing_of(b), "result": result_of(b),
                    "nominations": received.get(b.id, 0),
                    "assigned": c["assigned"] + c["submitted"],
                    "scored": c["submitted"], "deadline": rules.results_deadline(b)})
    return out


def final_review(lst: NominationList) -> dict:
    """Every body's submitted shortlist for the list, with its mean score and the staged
    decision; and how many are selected against the list's size."""
    bodies = {lst.review_body_id} | {d.review_body_id for d in domains_of(lst)}
    shortlisted: list[tuple[Nomination, object]] = []
    results = []
    for body in [b for b in scope.bodies() if b.id in bodies]:
        result = result_of(body)
        results.append((body, result))
        if result.status != "submitted":
            continue
        ns = list(Nomination.select().where(Nomination.id.in_(result.shortlist),
                                            Nomination.list == lst)) if result.shortlist else []
        crit = criteria_for(body, lst)
        for row in rules.ranking(ns, crit):
            shortlisted.append((row.nomination, row))
    decisions = {d.nomination_id: d for d in Decision.select().join(Nomination)
                 .where(Nomination.list == lst)}
    domains = {d.id: d.name for d in domains_of(lst)}
    return {"shortlisted": shortlisted, "decisions": decisions, "results": results,
            "selected": rules.selected_count(lst), "domains": domains}
