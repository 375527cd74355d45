"""Figures for the secretariat's review pages: per list by status, unit type and province;
per body 备案 and progress; the final-review table of every body's shortlist."""
from __future__ import annotations

from collections import Counter

from peewee import fn

from forms.choices import PROVINCES
from kczg.models import (
    Assignment,
    Decision,
    Domain,
    Nomination,
    NominationList,
    Organisation,
    ReviewBody,
    UnitType,
)
from kczg.rules import review as rules
from kczg.rules import review_flow as flow

SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _short(province: str) -> str:
    for suffix in SUFFIXES:
        if province.endswith(suffix) and province != "新疆生产建设兵团":
            return province.removesuffix(suffix)
    return province


def province_of(n: Nomination) -> str:
    """The 新锐企业榜 registered province, else the province a unit's name starts with
    (浙江省科学技术协会 → 浙江省; 新疆生产建设兵团… stays the 兵团), else 全国性单位及其他."""
    data = n.clean or {}
    if data.get("province"):
        return data["province"]
    name = n.organisation.name
    for province in sorted(PROVINCES, key=len, reverse=True):
        if name.startswith(province):
            return province
    for province in sorted(PROVINCES, key=lambda p: len(_short(p)), reverse=True):
        if name.startswith(_short(province)) and not name.startswith("新疆生产建设兵团"):
            return province
    return "全国性单位及其他"


def list_dashboard(campaign) -> list[dict]:
    lists = list(NominationList.select().where(NominationList.campaign == campaign,
                                               NominationList.is_open == True)  # noqa: E712
                 .order_by(NominationList.position))
    rows = list(Nomination.select(Nomination, Organisation, UnitType)
                .join(Organisation).join(UnitType)
                .where(Nomination.list.in_([lst.id for lst in lists])))
    out = []
    for lst in lists:
        mine = [n for n in rows if n.list_id == lst.id]
        submitted = [n for n in mine if n.status == "submitted"]
        out.append({
            "list": lst,
            "status": Counter(n.status_name for n in mine),
            "unit_type": Counter(n.organisation.unit_type.name for n in submitted).most_common(),
            "province": Counter(province_of(n) for n in submitted).most_common(8),
            "submitted": len(submitted),
        })
    return out


def body_progress(campaign) -> list[dict]:
    bodies = list(ReviewBody.select().where(ReviewBody.campaign == campaign)
                  .order_by(ReviewBody.position))
    counts = {}
    for body_id, status, n in (Assignment.select(Nomination.id, Assignment.status,
                                                 fn.COUNT(Assignment.id))
                               .join(Nomination).group_by(Nomination.id, Assignment.status)
                               .tuples()):
        counts.setdefault(body_id, Counter())[status] += n
    out = []
    from kczg.services.documents import submitted_for_body
    for b in bodies:
        ns = submitted_for_body(b)
        c = Counter()
        for n in ns:
            c.update(counts.get(n.id, Counter()))
        out.append({"body": b, "filing": flow.filing_of(b), "result": flow.result_of(b),
                    "nominations": len(ns), "assigned": c["assigned"] + c["submitted"],
                    "scored": c["submitted"], "deadline": rules.results_deadline(b)})
    return out


def final_review(lst: NominationList) -> dict:
    """Every body's submitted shortlist for the list, with its mean score and the staged
    decision; and how many are selected against the list's size."""
    bodies = {lst.review_body_id} | {d.review_body_id for d in lst.domains}
    shortlisted: list[tuple[Nomination, object]] = []
    results = []
    for body in ReviewBody.select().where(ReviewBody.id.in_([b for b in bodies if b])):
        result = flow.result_of(body)
        results.append((body, result))
        if result.status != "submitted":
            continue
        ns = list(Nomination.select().where(Nomination.id.in_(result.shortlist),
                                            Nomination.list == lst)) if result.shortlist else []
        crit = flow.criteria_for(body, lst)
        for row in rules.ranking(ns, crit):
            shortlisted.append((row.nomination, row))
    decisions = {d.nomination_id: d for d in Decision.select().join(Nomination)
                 .where(Nomination.list == lst)}
    domains = {d.id: d.name for d in Domain.select().where(Domain.list == lst)}
    return {"shortlisted": shortlisted, "decisions": decisions, "results": results,
            "selected": rules.selected_count(lst), "domains": domains}
