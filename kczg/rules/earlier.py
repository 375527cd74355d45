"""Earlier winners: a nomination whose nominee was selected (入选) on a list an earlier campaign
published. Later notices say such items are in principle not nominated again, so the unit is
told while it types, and the body and the secretariat see the flag beside the item.

The same key (统一社会信用代码 or repository address) is the same nominee, whatever the list;
for technology lists, whose key is the completing unit's, a similar title (rapidfuzz, as the
duplicates rule) is the same technology.
"""
from __future__ import annotations

import time

from rapidfuzz import fuzz

from forms.registry import form_class
from kczg.models import Campaign, Nomination, NominationList, unscoped

TITLE_SIMILARITY = 85


def _kind(lst) -> str:
    cls = form_class(lst)
    return getattr(cls, "DEDUPE_KIND", "key") if cls is not None else "key"


_cache: dict[int, tuple[float, list]] = {}
CACHE_SECONDS = 300


def forget() -> None:
    """Drop what this process keeps (a list was published, a campaign loaded)."""
    _cache.clear()


def _selected_before(campaign: Campaign) -> list[Nomination]:
    """Every nomination selected on a list of an earlier campaign (a few hundred a year at
    most), read at most every five minutes per process: earlier years' results do not change
    while units type, and a form page spends no query on them."""
    if campaign is None:
        return []
    now = time.monotonic()
    hit = _cache.get(campaign.id)
    if hit is None or now - hit[0] > CACHE_SECONDS:
        with unscoped():  # earlier years' winners: a read across years
            rows = list(Nomination.select(Nomination, NominationList, Campaign)
                        .join(NominationList).join(Campaign)
                        .where(Nomination.outcome == "selected", Campaign.id != campaign.id,
                               Campaign.year < campaign.year))
        hit = _cache[campaign.id] = (now, rows)
    return hit[1]


def _message(winner: Nomination) -> str:
    c = winner.list.campaign
    return (f"曾入选{c.year or c.slug}年“科创中国”{winner.list.name}（{winner.display_title}）。"
            "已入选往年榜单的，原则上不再推荐，请对照本年度通知确认。")


def match(key: str, title: str, kind: str, winners: list[Nomination]) -> str | None:
    key = (key or "").strip()
    title = (title or "").strip()
    for w in winners:
        if kind != "technology" and key and w.dedupe_key == key:
            return _message(w)
        if kind == "technology" and title and _kind(w.list) == "technology" and \
                fuzz.ratio(title, w.display_title) >= TITLE_SIMILARITY:
            return _message(w)
    return None


def flags(nominations: list[Nomination], campaign: Campaign) -> dict[int, str]:
    """{nomination id: message} for those whose nominee an earlier campaign selected."""
    winners = _selected_before(campaign)
    if not winners:
        return {}
    out = {}
    kinds: dict[int, str] = {}
    for n in nominations:
        kind = kinds.setdefault(n.list_id, _kind(n.list))
        found = match(n.dedupe_key, n.title or n.display_title, kind, winners)
        if found:
            out[n.id] = found
    return out


def flag_for_input(nomination: Nomination, key: str, title: str) -> str | None:
    """The message for what the unit is typing (inline validation of the key or title)."""
    winners = _selected_before(nomination.list.campaign)
    return match(key, title, _kind(nomination.list), winners) if winners else None
