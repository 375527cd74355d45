"""Where a unit's nomination stands: 已提交 → 已送达初评机构 → 初评入围 / 初评未入围 → 入选 / 未入选
(the last once the list is published).

The review's steps write `Nomination.outcome` (kczg.operations: a body's results reported or
returned, a list published or withdrawn from publication; a nomination returned, withdrawn or
reopened clears it); "delivered" is the time collection closed. Reading costs no query.
"""
from __future__ import annotations

from datetime import datetime

from kczg.models import Nomination
from kczg.rules import calendar

STAGES = {"draft": "草稿", "withdrawn": "已撤回", "submitted": "已提交",
          "delivered": "已送达初评机构", "shortlisted": "初评入围", "not_shortlisted": "初评未入围",
          "selected": "入选", "not_selected": "未入选"}


def stages(nominations: list[Nomination], campaign=None, now: datetime | None = None
           ) -> dict[int, str]:
    """nomination id -> stage code (a key of STAGES); `campaign`: theirs, if known."""
    collecting: dict[int, bool] = {}  # campaign id -> collection still open
    out = {}
    for n in nominations:
        if n.status != "submitted":
            out[n.id] = n.status
        elif n.outcome:
            out[n.id] = n.outcome
        else:
            key = n.list_id  # lists may have their own calendar (a supplementary notice)
            if key not in collecting:
                cid = n.list.campaign_id
                c = campaign if campaign is not None and campaign.id == cid else n.list.campaign
                collecting[key] = calendar.submission_open(c, now, lst=n.list)
            out[n.id] = "submitted" if collecting[key] else "delivered"
    return out


def stage_name(code: str) -> str:
    return STAGES.get(code, code)
