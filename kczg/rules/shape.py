"""The shape of a year in words, from its data: how many lists and domains, which lists come
later (另行通知), the years “近三年” covers. Nothing about a year's shape is written anywhere
else: the notice of another year has other lists, domains and years.
"""
from __future__ import annotations

from kczg.campaigns.facts import domains_of

DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """A count as a Chinese numeral, as the notices write counts: 七, 十, 十二, 二十, 一百."""
    if n < 0:
        return "负" + cn_number(-n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if not rest else ("零" + DIGITS[rest] if rest < 10
                                    else ("一" + cn_number(rest) if rest < 20 else cn_number(rest)))
        return DIGITS[n // 100] + "百" + tail
    return str(n)


def domains_together(lst) -> str:
    """“七个领域合计”: a per-domain list's size counts its domains together (empty otherwise)."""
    count = len(domains_of(lst)) if lst.has_domains else 0
    if not count:
        return ""
    return f"{cn_number(count)}个领域合计"


def lists_sentence(lists) -> str:
    """“共设置六类榜单”, with the lists the notice leaves for later: “其中“青年创业榜”另行通知”."""
    text = f"共设置{cn_number(len(lists))}类榜单"
    later = [lst for lst in lists if not lst.is_open]
    if later:
        text += "，其中" + "、".join(f"“{lst.name}”{lst.status_note or '暂不征集'}"
                                    for lst in later)
    return text


def later_lists(lists) -> list:
    """The lists not open for nomination here (announced later, or closed)."""
    return [lst for lst in lists if not lst.is_open]


def recent_years(year: int, count: int = 3) -> tuple[int, ...]:
    """“近三年” of a campaign year: the `count` whole years before it (2021: 2018–2020)."""
    return tuple(range(year - count, year))
