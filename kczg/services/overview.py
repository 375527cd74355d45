"""The campaign at a glance for the secretariat: submitted nominations per list and domain,
submissions per day towards the deadline, and the units that have submitted nothing yet.
Three queries whatever the number of rows; the charts are drawn as SVG by the template
(templates/secretariat/_charts.html), nothing to load in the browser."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from peewee import JOIN, fn

from kczg.models import Campaign, Nomination, NominationList, Organisation, UnitType
from kczg.rules import calendar


@dataclass
class Bar:
    label: str
    value: int
    limit: int | None = None        # the list's size, said beside the bar
    indent: bool = False            # a domain under its list
    scale: int | None = None        # what a full bar stands for (else the list's size)

    @property
    def full(self) -> int:
        return max(self.scale or self.limit or 0, self.value, 1)


@dataclass
class Day:
    day: date
    count: int
    total: int                      # cumulative


def per_list(lists: list[NominationList]) -> list[Bar]:
    """Submitted nominations of the scope's year per list and domain."""
    counts = dict(((lst, dom), n) for lst, dom, n in (
        Nomination.select(Nomination.list, Nomination.domain, fn.COUNT(Nomination.id))
        .where(Nomination.status == "submitted")
        .group_by(Nomination.list, Nomination.domain).tuples()))
    bars = []
    for lst in lists:
        if not lst.is_open:
            continue
        total = sum(n for (list_id, _), n in counts.items() if list_id == lst.id)
        bars.append(Bar(lst.name, total, lst.size))
        for d in getattr(lst, "domain_rows", []):  # drawn against the list's size too
            bars.append(Bar(f"{d.name}领域", counts.get((lst.id, d.id), 0), None, True,
                            lst.size))
    return bars


def per_day(campaign: Campaign) -> list[Day]:
    """Submissions per local day, from the first one (or the collection's start) to the
    deadline's day, with the running total."""
    times = [t for (t,) in Nomination.select(Nomination.submitted_at)
             .where(Nomination.status == "submitted",
                    Nomination.submitted_at.is_null(False)).tuples()]
    last_day = deadline_day(campaign)
    days: dict[date, int] = {}
    for t in times:
        d = calendar.local(campaign, calendar.aware(t)).date()
        days[d] = days.get(d, 0) + 1
    if not days:
        return []
    start = min(min(days), last_day - timedelta(days=13))
    end = max(max(days), last_day)
    out, total, d = [], 0, start
    while d <= end:
        total += days.get(d, 0)
        out.append(Day(d, days.get(d, 0), total))
        d += timedelta(days=1)
    return out


def units_without(limit: int | None = None) -> list[Organisation]:
    """Units with no submitted nomination in the scope's year, with their contacts (a list the
    secretariat calls down before the deadline)."""
    submitted = Nomination.select(Nomination.organisation).where(
        Nomination.status == "submitted")
    query = (Organisation.select(Organisation, UnitType).join(UnitType, JOIN.INNER)
             .where(Organisation.id.not_in(submitted))
             .order_by(UnitType.position, Organisation.name))
    return list(query.limit(limit) if limit else query)


def line_chart(days: list[Day], deadline_day: date, today: date | None = None,
               width: int = 640, height: int = 200, pad: int = 32) -> dict:
    """SVG coordinates of the running total of submissions per day up to `today` (the days
    still to come are on the axis, with the deadline, but carry no line), and where the
    deadline falls."""
    if not days:
        return {}
    top = max(d.total for d in days) or 1
    step = (width - 2 * pad) / max(len(days) - 1, 1)
    xs = [round(pad + i * step, 1) for i in range(len(days))]
    ys = [round(height - pad - d.total / top * (height - 2 * pad), 1) for d in days]
    deadline_x = next((x for x, d in zip(xs, days) if d.day == deadline_day), xs[-1])
    past = [(x, y, d) for x, y, d in zip(xs, ys, days) if today is None or d.day <= today]
    today_x = past[-1][0] if past and today is not None and today < days[-1].day else None
    # a day without submissions is a flat stretch of the line: only the ends of each stretch
    # are drawn, and a dot marks each day with submissions (and the last): the chart stays as
    # small over years of days (a campaign's data with a stray early date) as over weeks
    kept = [p for i, p in enumerate(past)
            if i in (0, len(past) - 1) or p[2].count or past[i + 1][2].count]
    return {"width": width, "height": height, "pad": pad, "top": top,
            "points": " ".join(f"{x},{y}" for x, y, _ in kept),
            "dots": [p for i, p in enumerate(past) if p[2].count or i == len(past) - 1],
            "deadline_x": deadline_x, "today_x": today_x,
            "first": days[0].day, "last": days[-1].day}


def deadline_day(campaign: Campaign) -> date:
    """The last day units may submit (a deadline at 00:00 is the end of the day before)."""
    return (calendar.local(campaign, calendar.aware(campaign.submission_deadline))
            - timedelta(seconds=1)).date()
