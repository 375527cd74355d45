"""The campaign calendar: which phase is current, what comes next, whether submission is open.

Every answer is computed from the stored campaign (which the secretariat may change), in the
campaign's own time zone, never from constants.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from kczg.campaigns.facts import facts_of
from kczg.models import Campaign, Extension, Organisation, Phase, unscoped


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def aware(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=timezone.utc)


def local(campaign: Campaign, instant: datetime) -> datetime:
    return instant.astimezone(ZoneInfo(campaign.timezone))


def format_local(value: datetime | None, tz: str = "Asia/Shanghai", fmt: str = "%Y-%m-%d %H:%M"):
    """Render a stored (naive UTC) or aware datetime in the campaign's zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = aware(value)
    return value.astimezone(ZoneInfo(tz)).strftime(fmt)


def submission_deadline(campaign: Campaign, organisation=None, lst=None) -> datetime:
    """The submission deadline (aware UTC): the list's own (a list opened by a supplementary
    notice) or the campaign's, or the unit's extension in this campaign when later."""
    base = aware(lst.deadline if lst is not None and lst.deadline else
                 campaign.submission_deadline)
    if organisation is not None:
        until = extension_until(organisation, campaign)
        if until is not None and aware(until) > base:
            return aware(until)
    return base


def deadline_label(campaign: Campaign, lst=None) -> str:
    """The notice's wording of the deadline that applies to `lst`."""
    if lst is not None and lst.deadline and lst.deadline_label:
        return lst.deadline_label
    return campaign.submission_deadline_label


def list_not_yet_open(lst, at: datetime | None = None) -> bool:
    """A list whose own calendar starts later (opened by a supplementary notice)."""
    at = at or now_utc()
    return lst is not None and lst.opens_at is not None and at < aware(lst.opens_at)


_NOT_READ = object()


def extension_until(organisation, campaign: Campaign | None = None) -> datetime | None:
    """The unit's latest extension in `campaign` (naive UTC) or None: in the current year any
    extension, in an earlier one only a reopening (kczg.rules.years); read once per
    organisation row (a request's organisation is loaded with its user, with the current
    campaign's extension, so a page asks once)."""
    until = getattr(organisation, "_extension_until", _NOT_READ)
    if campaign is not None and getattr(organisation, "_extension_campaign", None) not in (
            None, campaign.id):
        until = _NOT_READ  # read for another campaign
    if until is _NOT_READ:
        with unscoped():  # the campaign named, whatever the scope in force
            query = Extension.select(Extension.until).where(
                Extension.organisation == organisation)
            if campaign is not None:
                query = query.where(Extension.campaign == campaign)
                if not campaign.is_current:
                    query = query.where(Extension.kind == "reopen")
            ext = query.order_by(Extension.granted_at.desc()).first()
        until = ext.until if ext is not None else None
        if isinstance(organisation, Organisation):
            organisation._extension_until = until
            organisation._extension_campaign = campaign.id if campaign is not None else None
    return until


def submission_open(campaign: Campaign, at: datetime | None = None, organisation=None,
                    lst=None) -> bool:
    """True while the stored deadline (the list's own, the unit's if extended) has not passed
    and, for a list with its own calendar, once it has opened."""
    at = at or now_utc()
    if list_not_yet_open(lst, at):
        return False
    return at < submission_deadline(campaign, organisation, lst)


def current_phases(campaign: Campaign, at: datetime | None = None) -> list[Phase]:
    """The phases whose days include today in the campaign's zone (they may overlap)."""
    today = local(campaign, at or now_utc()).date()
    return [p for p in facts_of(campaign).phases if p.start <= today <= p.end]


@dataclass
class Milestone:
    label: str
    at: datetime  # aware UTC

    def remaining(self, at: datetime) -> timedelta:
        return self.at - at


def _day_start(campaign: Campaign, day: date) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(campaign.timezone)).astimezone(timezone.utc)


def milestones(campaign: Campaign) -> list[Milestone]:
    items = [
        Milestone(f"网上申报截止（{campaign.submission_deadline_label}）",
                  aware(campaign.submission_deadline)),
        Milestone(f"初评结果报送截止（{campaign.initial_results_deadline_label}）",
                  aware(campaign.initial_results_deadline)),
    ]
    for p in facts_of(campaign).phases:
        items.append(Milestone(f"{p.name}阶段开始", _day_start(campaign, p.start)))
        items.append(Milestone(f"{p.name}阶段结束",
                               _day_start(campaign, p.end + timedelta(days=1))))
    return sorted(items, key=lambda m: m.at)


def next_milestone(campaign: Campaign, at: datetime | None = None) -> Milestone | None:
    """The next step of the year's sequence: a phase that starts while the one in force is
    still running (宣传发布推广 runs beside collection and review, as the notice has it) is no
    next step, and is not announced as one."""
    at = at or now_utc()
    running = [_day_start(campaign, p.end + timedelta(days=1)) for p in facts_of(campaign).phases
               if _day_start(campaign, p.start) <= at < _day_start(campaign,
                                                                    p.end + timedelta(days=1))]
    busy_until = max(running, default=at)
    return next((m for m in milestones(campaign) if m.at > at
                 and not (m.label.endswith("阶段开始") and m.at < busy_until)), None)


def countdown_text(delta: timedelta) -> str:
    """A remaining time as Chinese text: 12天3小时5分 (minutes shown only in the last day)."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分"
    return f"{minutes}分"


def cn_deadline(value: datetime, tz: str = "Asia/Shanghai") -> str:
    """A deadline as the notice writes one: "2021年11月30日24时" (a local midnight is the end of
    the day before), else "2021年12月5日16时" or "2021年12月5日16时30分"."""
    if value.tzinfo is None:
        value = aware(value)
    local_time = value.astimezone(ZoneInfo(tz))
    if local_time.hour == 0 and local_time.minute == 0:
        day = local_time - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日24时"
    minutes = f"{local_time.minute}分" if local_time.minute else ""
    return f"{local_time.year}年{local_time.month}月{local_time.day}日{local_time.hour}时{minutes}"


def calendar_context(campaign, organisation=None, lst=None):
    """The calendar facts pages show; with a unit, its own (possibly extended) deadline; with a
    list, that list's (a list opened by a supplementary notice has its own)."""
    now = now_utc()
    upcoming = next_milestone(campaign, now)
    deadline = submission_deadline(campaign, organisation, lst)
    extended = deadline != submission_deadline(campaign, None, lst)
    return {
        "deadline_label": deadline_label(campaign, lst),
        "extended_until": cn_deadline(deadline, campaign.timezone) if extended else None,
        "now": now,
        "current_phases": current_phases(campaign, now),
        "next_milestone": upcoming,
        "countdown": countdown_text(upcoming.remaining(now)) if upcoming else None,
        "submission_open": submission_open(campaign, now, organisation, lst),
        "submission_left": countdown_text(deadline - now),
    }
