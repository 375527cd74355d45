"""Which year may still change: the current campaign, and an earlier one only where the
secretariat has reopened it for a unit (an Extension of kind "reopen" in that campaign, until a
given time). Everything else of an earlier year is read-only, whatever its own deadlines say.
"""
from __future__ import annotations

from datetime import datetime

from kczg.models import Campaign, Organisation

from . import calendar


def reopened_until(organisation: Organisation | None, campaign: Campaign) -> datetime | None:
    """Until when (aware UTC) the secretariat reopened an earlier `campaign` for the unit, or
    None: in an earlier year the unit's only extensions are reopenings (kczg.rules.calendar,
    read once per organisation row)."""
    if organisation is None or campaign.is_current:
        return None
    until = calendar.extension_until(organisation, campaign)
    return calendar.aware(until) if until is not None else None


def reopened(organisation: Organisation | None, campaign: Campaign,
             now: datetime | None = None) -> bool:
    """An earlier year the secretariat reopened for the unit, and the reopening still runs."""
    until = reopened_until(organisation, campaign)
    return until is not None and (now or calendar.now_utc()) < until


def unit_write_refusal(campaign: Campaign, organisation: Organisation | None,
                       now: datetime | None = None) -> str | None:
    """Why a unit may not change anything of `campaign` now, or None."""
    if campaign.is_current or reopened(organisation, campaign, now):
        return None
    return (f"{campaign.title}已不是当前征集年度：往年的推荐只能查看，不能新建、修改、提交、撤回或删除。"
            "如确需更正，请联系联合体秘书处重新开放。")


def write_refusal(campaign: Campaign) -> str | None:
    """Why a review body, an expert or the secretariat may not change `campaign`'s data."""
    if campaign.is_current:
        return None
    return f"{campaign.title}已不是当前征集年度：往年的评审与结果只能查看，不能修改。"
