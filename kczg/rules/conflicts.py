"""Conflicts of interest the platform finds from the data, as plain functions.

An expert conflicts with a nomination when the expert's employer (User.affiliation, and its
统一社会信用代码 where known) is one of the nomination's parties: the recommending unit, or an
organisation the form names (完成单位, 其他完成单位, the main people's employers, the enterprise,
its investors, the lead and member units, a fund's portfolio companies, an open-source
project's maintainer: each form class's PARTY_FIELDS). Names match after normalising spaces,
brackets and case, or when one contains the other (at least four characters: "清华大学" and
"清华大学深圳国际研究生院"); USCCs match exactly. Each conflict carries its reason in Chinese.

Declared conflicts (the expert's own 回避) are Assignment rows; a derived conflict can be
cleared by the body with a reason (ConflictClearance), a declared one never.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from forms.registry import form_class
from kczg.models import Nomination, User

MIN_CONTAINED = 4  # a shorter name inside a longer one counts from this many characters
_SPLIT = re.compile(r"[、，,;；/|]+|\s{2,}|\n")


def norm(name: str | None) -> str:
    return "".join((name or "").split()).replace("（", "(").replace("）", ")").lower()


@dataclass(frozen=True)
class Party:
    what: str       # 推荐单位, 完成单位, 投资方, …
    name: str
    key: str        # the normalised name
    uscc: str = ""


def _values(data: dict, path: str) -> list[str]:
    """A field's value, or each row's sub-field ("other_units.name")."""
    if "." in path:
        rows, sub = path.split(".", 1)
        return [str(r.get(sub) or "") for r in data.get(rows) or [] if isinstance(r, dict)]
    value = data.get(path)
    return [str(value)] if value else []


def parties(nomination: Nomination) -> list[Party]:
    """Every organisation the nomination names, with what it is to the nomination."""
    out = [Party("推荐单位", nomination.organisation.name, norm(nomination.organisation.name))]
    cls = form_class(nomination.list)
    data = nomination.clean or nomination.data or {}
    if cls is None:
        return out
    uscc = ""
    if cls.DEDUPE_FIELD and "uscc" in cls.DEDUPE_FIELD:
        uscc = str(data.get(cls.DEDUPE_FIELD) or "").strip().upper()
    for i, (path, what) in enumerate(cls.PARTY_FIELDS):
        for value in _values(data, path):
            for name in (n.strip() for n in _SPLIT.split(value)):
                if name:
                    # the first party field is the nominee's own organisation: its USCC
                    out.append(Party(what, name, norm(name), uscc if i == 0 else ""))
    return out


@dataclass(frozen=True)
class Employer:
    name: str
    key: str
    uscc: str


def employer(expert: User) -> Employer | None:
    if not (expert.affiliation or "").strip():
        return None
    return Employer(expert.affiliation.strip(), norm(expert.affiliation),
                    (expert.affiliation_uscc or "").strip().upper())


def reason(own: Employer | None, found: list[Party]) -> str | None:
    """Why the expert (by employer) conflicts with a nomination (by its parties), or None."""
    if own is None:
        return None
    for p in found:
        if own.uscc and p.uscc and own.uscc == p.uscc:
            return f"专家所在单位的统一社会信用代码与{p.what}（{p.name}）相同"
        if own.key and own.key == p.key:
            return f"专家所在单位与{p.what}相同（{p.name}）"
    for p in found:
        shorter, longer = sorted((own.key, p.key), key=len)
        if len(shorter) >= MIN_CONTAINED and shorter in longer:
            return f"专家所在单位（{own.name}）与{p.what}（{p.name}）名称相近，可能为同一单位或其下属单位"
    return None


def matrix(experts: list[User], nominations: list[Nomination],
           cleared: set[tuple[int, int]] = frozenset()) -> dict[tuple[int, int], str]:
    """(nomination id, expert id) -> reason, for every derived conflict not cleared."""
    employers = [(e, employer(e)) for e in experts]
    out = {}
    for n in nominations:
        found = parties(n)
        for e, own in employers:
            why = reason(own, found)
            if why and (n.id, e.id) not in cleared:
                out[(n.id, e.id)] = why
    return out
