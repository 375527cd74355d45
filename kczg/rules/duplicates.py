"""Cross-unit duplicates, by the kind of list (the form's DEDUPE_KIND):

- "key": the same 统一社会信用代码 or repository URL nominated for one list by two or more units
  is the same enterprise, organisation or project.
- "technology": the key is the completing unit's, and one university completes many different
  technologies; two nominations are duplicates only if, besides the same completing unit, their
  titles are similar (rapidfuzz, ≥ TITLE_SIMILARITY) or they share key people.

Allowed, but flagged for the secretariat, with the reason; a group it marks 非重复 is not shown
again (DuplicateDismissal).
"""
from __future__ import annotations

from itertools import combinations

from peewee import fn
from rapidfuzz import fuzz

from forms.registry import form_class
from kczg.models import DuplicateDismissal, Nomination, NominationList, Organisation

TITLE_SIMILARITY = 80  # rapidfuzz ratio (0–100) of two technology names


def group_key(nominations) -> str:
    return ",".join(str(i) for i in sorted(n.id for n in nominations))


def _people(n: Nomination) -> set[str]:
    raw = n.raw or {}
    return {v[0].strip() for k, v in raw.items()
            if k.startswith("people-") and k.endswith("-name") and v and v[0].strip()}


def _similar(a: Nomination, b: Nomination) -> str | None:
    """Why two technologies of one completing unit look like the same one, or None."""
    ratio = fuzz.ratio(a.title or "", b.title or "")
    if ratio >= TITLE_SIMILARITY:
        return f"技术名称相似度{round(ratio)}%"
    shared = _people(a) & _people(b)
    if shared:
        return f"共同主要完成人：{'、'.join(sorted(shared))}"
    return None


def _technology_groups(group: dict) -> list[dict]:
    """Split one completing unit's technologies into groups of look-alikes from two units."""
    nominations = group["nominations"]
    parent = {n.id: n.id for n in nominations}
    reasons: dict[int, list[str]] = {}

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in combinations(nominations, 2):
        if a.organisation_id == b.organisation_id:
            continue
        why = _similar(a, b)
        if why:
            parent[root(b.id)] = root(a.id)
            reasons.setdefault(root(a.id), []).append(f"“{a.display_title}”与“{b.display_title}”{why}")
    members: dict[int, list[Nomination]] = {}
    for n in nominations:
        members.setdefault(root(n.id), []).append(n)
    out = []
    for r, ns in members.items():
        if len(ns) > 1 and len({n.organisation_id for n in ns}) > 1:
            why = [w for i in {root(n.id) for n in ns} for w in reasons.get(i, [])]
            out.append({**group, "nominations": ns,
                        "reason": "同一第一完成单位，且" + "；".join(why)})
    return out


def duplicate_groups() -> list[dict]:
    """[{list, key, nominations, reason, ids}] of suspected duplicates in the scope's year
    (3 queries)."""
    keys = (Nomination.select(Nomination.list, Nomination.dedupe_key)
            .where(Nomination.dedupe_key != "", Nomination.status == "submitted")
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
    by_key: dict[tuple, dict] = {}
    for n in rows:
        if (n.list_id, n.dedupe_key) in wanted:
            by_key.setdefault((n.list_id, n.dedupe_key),
                              {"list": n.list, "key": n.dedupe_key, "nominations": []}
                              )["nominations"].append(n)
    groups = []
    for group in by_key.values():
        cls = form_class(group["list"])
        if cls is not None and cls.DEDUPE_KIND == "technology":
            groups.extend(_technology_groups(group))
        else:
            same = "相同代码仓库地址" if "://" in group["key"] or "/" in group["key"] \
                else "相同统一社会信用代码"
            groups.append({**group, "reason": f"不同推荐单位提交了{same}"})
    dismissed = {d for (d,) in DuplicateDismissal.select(DuplicateDismissal.ids).tuples()}
    for g in groups:
        g["ids"] = group_key(g["nominations"])
    return [g for g in groups if g["ids"] not in dismissed]
