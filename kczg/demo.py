"""Demo data: one account per actor, password kczg-demo, and a calendar moved to today.

The 2021 campaign closed long ago; for a demo the calendar is shifted by whole days so that the
submission deadline falls DEMO_DAYS_LEFT days from today, every other date moving with it.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from kczg.campaigns import DEFAULT_CAMPAIGN, current_campaign, load_campaign, read_campaign_file
from kczg.db import database
from kczg.demo_data import sample
from kczg.models import (
    Attachment,
    Domain,
    Nomination,
    NominationList,
    Organisation,
    Phase,
    ReviewBody,
    UnitType,
    User,
)
from kczg.passwords import hash_password, verify_password
from kczg.rules import transitions
from kczg.services import files
from kczg.services import nominations as svc

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


# (unit, list, domain, overrides): a spread over the lists, within every quota
DEMO_NOMINATIONS = [
    ("unit-a", "xdjs", "dzxx", {}),
    ("unit-a", "xdjs", "dzxx", {"tech_name": "高可靠工业互联网时间敏感网络交换技术",
                                "first_unit": "中国电子科技示例研究所"}),
    ("unit-a", "xdjs", "zbzz", {"domain": "zbzz", "tech_name": "大型复杂构件激光增材制造技术"}),
    ("unit-a", "xrqy", None, {}),
    ("unit-a", "kycx", None, {}),
    ("unit-a", "tpdb", None, {}),
    ("unit-b", "xdjs", "dzxx", {"tech_name": "浙江示例视觉感知芯片技术",
                                "first_unit": "杭州示例芯片有限公司"}),
    ("unit-b", "xdjs", "swyy", {"domain": "swyy", "tech_name": "新型mRNA疫苗递送系统",
                                "first_unit": "浙江示例生物医药有限公司"}),
    ("unit-b", "xrqy", None, {"company_name": "宁波示例新材料科技有限公司",
                              "uscc": "91110108551385082Q"}),
    ("unit-b", "cxyrt", None, {}),
    ("unit-b", "kjtz", None, {}),
    ("unit-b", "kycx", None, {"project_name": "示例分布式数据库（社区版）"}),
]


def load_nominations() -> int:
    """Submitted nominations with a supporting PDF each and a stamped scan per list, for the
    demo units that have none yet. Returns how many were created."""
    from exports.pdf import render_html  # WeasyPrint loads in 0.4 s: only when needed

    created = 0
    users = {u: User.get(User.username == u) for u in ("unit-a", "unit-b")}
    skip = {u for u, user in users.items()
            if Nomination.select().where(Nomination.organisation == user.organisation).exists()}
    for username, code, domain_code, overrides in DEMO_NOMINATIONS:
        if username in skip:
            continue
        user = users[username]
        lst = NominationList.get(NominationList.code == code)
        domain = Domain.get(Domain.list == lst, Domain.code == domain_code) if domain_code \
            else None
        data = MultiDict(sample(code, contact_name=user.organisation.contact,
                                contact_phone=user.organisation.phone,
                                contact_email=user.organisation.email, **overrides))
        n = transitions.create_draft(user, lst, domain)
        form = svc.build_form(n, data)
        if not form.validate():
            raise RuntimeError(f"demo nomination {code} is invalid: {form.errors}")
        material = render_html(
            f'<html lang="zh-CN"><body style="font-family: Noto Serif CJK SC">'
            f"<h1>证明材料（演示）</h1><p>{n.id}号推荐的证明材料示例。</p></body></html>")
        Attachment.create(organisation=user.organisation, list=lst, nomination=n,
                          kind="material", uploaded_by=user,
                          **files.store(io.BytesIO(material), "证明材料（演示）.pdf"))
        transitions.submit(n.id, user, svc.raw_from(data), form.clean_data(), n.version,
                           svc.derived(form, n), [])
        if not Attachment.select().where(Attachment.organisation == user.organisation,
                                         Attachment.list == lst,
                                         Attachment.kind == "stamped_scan").exists():
            Attachment.create(organisation=user.organisation, list=lst, nomination=None,
                              kind="stamped_scan", uploaded_by=user,
                              **files.store(io.BytesIO(material), f"{lst.name}推荐函盖章扫描件.pdf"))
        created += 1
    return created


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
