"""Demo data: one account per actor, password kczg-demo, and a calendar moved to today.

The 2021 campaign closed long ago; for a demo the calendar is shifted by whole days so that the
submission deadline falls DEMO_DAYS_LEFT days from today, every other date moving with it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kczg.campaigns import DEFAULT_CAMPAIGN, current_campaign, load_campaign, read_campaign_file
from kczg.db import database
from kczg.models import Organisation, Phase, ReviewBody, UnitType, User
from kczg.passwords import hash_password, verify_password

PASSWORD = "kczg-demo"
DEMO_DAYS_LEFT = 30
DEMO_UNITS = [
    ("unit-a", "中国电子学会", "society", "王明", "010-68283463", "unit-a@example.org"),
    ("unit-b", "浙江省科学技术协会", "provincial", "李华", "0571-85155050", "unit-b@example.org"),
]
EXPERTS = [("expert-it", "it", "电子信息领域评审专家")]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def shift_calendar(campaign, today: date) -> int:
    """Move the campaign's dates (as the file has them) so the deadline is DEMO_DAYS_LEFT away."""
    data = read_campaign_file(DEFAULT_CAMPAIGN)["campaign"]
    tz = ZoneInfo(campaign.timezone)
    original_deadline = data["submission_deadline"].astimezone(tz)
    # the deadline is "day D 24:00", i.e. the first instant of day D+1
    last_day = (original_deadline - timedelta(seconds=1)).date()
    days = (today + timedelta(days=DEMO_DAYS_LEFT) - last_day).days
    shift = timedelta(days=days)

    def moved(instant: datetime) -> datetime:
        return (instant.astimezone(tz) + shift).astimezone(timezone.utc).replace(tzinfo=None)

    campaign.submission_deadline = moved(data["submission_deadline"])
    campaign.submission_deadline_label = f"{_cn_date(last_day + shift)}24时"
    campaign.initial_results_deadline = moved(data["initial_results_deadline"])
    results_day = (data["initial_results_deadline"].astimezone(tz) - timedelta(seconds=1)).date()
    campaign.initial_results_deadline_label = _cn_date(results_day + shift)
    campaign.demo_shift_days = days
    campaign.save()
    for p in read_campaign_file(DEFAULT_CAMPAIGN)["phases"]:
        start, end = p["start"] + shift, p["end"] + shift
        (Phase.update(start=start, end=end, label=f"{_cn_date(start)}—{_cn_date(end)}")
         .where(Phase.campaign == campaign, Phase.key == p["key"]).execute())
    return days


def _ensure_user(username: str, **fields) -> User:
    user = User.get_or_none(User.username == username)
    if user is None:
        return User.create(username=username, password_hash=hash_password(PASSWORD), **fields)
    if not verify_password(user.password_hash, PASSWORD):
        user.password_hash = hash_password(PASSWORD)
    for k, v in fields.items():
        setattr(user, k, v)
    user.active, user.must_change_password = True, False
    user.save()
    return user


def load(today: date | None = None, move_calendar: bool = True) -> None:
    """Create (or reset) the demo accounts; unless told not to, move the calendar to `today`."""
    with database.atomic():
        campaign = current_campaign() or load_campaign(DEFAULT_CAMPAIGN)
        if move_calendar:
            today = today or datetime.now(ZoneInfo(campaign.timezone)).date()
            shift_calendar(campaign, today)
        _ensure_user("secretariat", role="secretariat", display_name="“科创中国”联合体秘书处")
        for username, name, type_code, contact, phone, email in DEMO_UNITS:
            org = Organisation.get_or_none(Organisation.name == name) or Organisation.create(
                name=name, unit_type=UnitType.get(UnitType.code == type_code), contact=contact,
                phone=phone, email=email)
            _ensure_user(username, role="unit", display_name=name, organisation=org)
        bodies = {b.short_id: b for b in campaign.review_bodies}
        for short_id, body in bodies.items():
            _ensure_user(f"review-{short_id}", role="review", display_name=body.name,
                         review_body=body)
        for username, short_id, name in EXPERTS:
            _ensure_user(username, role="expert", display_name=name, review_body=bodies[short_id])


def summary() -> list[str]:
    campaign = current_campaign()
    lines = [
        "",
        f"demo accounts (password for every one: {PASSWORD})",
        "  secretariat     联合体秘书处",
    ]
    for username, name, *_ in DEMO_UNITS:
        lines.append(f"  {username:<15} {name}")
    for body in campaign.review_bodies.order_by(ReviewBody.position):
        lines.append(f"  review-{body.short_id:<8} {body.name}")
    for username, short_id, name in EXPERTS:
        lines.append(f"  {username:<15} {name}")
    lines.append(f"demo calendar moved by {campaign.demo_shift_days} days: submission closes "
                 f"{campaign.submission_deadline_label} (Asia/Shanghai)")
    return lines
