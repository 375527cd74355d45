"""The year's calendar as the secretariat changes it: a deadline extended for one unit or one
body, the year's own dates moved (a general 延期 for everyone, or one list's), and an earlier
year reopened for one unit so it can correct what it nominated then.

Every change is audited with what it was before, and the people it concerns are told."""
from __future__ import annotations

from datetime import datetime

from kczg.campaigns import scope
from kczg.db import database
from kczg.models import Campaign, Extension, NominationList, Organisation, ReviewBody, User
from kczg.models.scoping import unscoped
from kczg.rules import calendar
from kczg.services import audit, outbox

from . import Refused
from .review import secretariat


def grant_extension(user: User, until: datetime, reason: str, organisation=None,
                    body: ReviewBody | None = None) -> Extension:
    """Move one unit's submission deadline or one body's results deadline (naive UTC), in the
    current campaign: an extension never opens another year."""
    campaign = scope.campaign()
    secretariat(user, campaign)
    if (organisation is None) == (body is None):
        raise Refused("请选择一个推荐单位或一个初评机构。")
    if not reason.strip():
        raise Refused("请填写延期理由。")
    if body is not None and body.campaign_id != campaign.id:
        raise Refused("该初评机构不属于当前征集年度。")
    with database.atomic():
        ext = Extension.create(campaign=campaign, organisation=organisation, body=body,
                               until=until, reason=reason, granted_by=user)
        target = organisation.name if organisation else body.name
        audit.record("extension_granted", f"{'unit' if organisation else 'body'}:{target}",
                     f"until {until.isoformat()} UTC: {reason}", actor=user)
        users = outbox.unit_users(organisation) if organisation else outbox.body_users(body)
        outbox.notify(users, "截止时间已延期",
                      f"延期至{calendar.cn_deadline(until, campaign.timezone)}（北京时间）。{reason}")
    return ext


DEADLINES = {"submission": "网上申报截止时间", "results": "初评结果报送截止时间"}


def move_deadline(user: User, what: str, until: datetime, reason: str) -> str:
    """延期通知: move the current year's submission deadline or results deadline (what is
    "submission" or "results"), or one list's submission deadline ("list:<code>"), to `until`
    (naive UTC, the first instant too late). Every page, letter and check reads the stored
    calendar, so all of them follow. Returns the new deadline as the notice writes it."""
    campaign = scope.campaign()
    secretariat(user, campaign)
    if not reason.strip():
        raise Refused("请填写调整理由（如延期通知的文号或说明）。")
    label = calendar.cn_deadline(until, campaign.timezone)
    with database.atomic():
        row = Campaign.get_by_id(campaign.id)
        if what == "submission":
            before = row.submission_deadline_label
            row.submission_deadline, row.submission_deadline_label = until, label
            row.save(only=[Campaign.submission_deadline, Campaign.submission_deadline_label])
            subject, told = "网上申报截止时间调整", outbox.all_unit_users()
        elif what == "results":
            before = row.initial_results_deadline_label
            row.initial_results_deadline, row.initial_results_deadline_label = until, label
            row.save(only=[Campaign.initial_results_deadline,
                           Campaign.initial_results_deadline_label])
            subject = "初评结果报送截止时间调整"
            told = [u for b in scope.bodies() for u in outbox.body_users(b)]
        elif what.startswith("list:") and scope.list_by_code(what[5:]) is not None:
            lst = NominationList.get_by_id(scope.list_by_code(what[5:]).id)  # not the shared copy
            if not lst.is_open:
                raise Refused(f"{lst.name}尚未开放申报，不能调整其截止时间。")
            if lst.opens_at is not None and until <= lst.opens_at:
                raise Refused(f"{lst.name}的截止时间应晚于其开始征集的时间。")
            before = calendar.deadline_label(row, lst)
            lst.deadline, lst.deadline_label = until, label
            lst.save()
            subject, told = f"{lst.name}网上申报截止时间调整", outbox.all_unit_users()
        else:
            raise Refused("请选择要调整的截止时间。")
        audit.record("deadline_moved", f"{campaign.slug}:{what}", f"{before} → {label}：{reason}",
                     actor=user)
        outbox.notify(told, subject, f"调整为{label}（北京时间），原为{before}。{reason}")
    return label


def reopen_year(user: User, organisation: Organisation, campaign: Campaign, until: datetime,
                reason: str) -> Extension:
    """Open an earlier year again for one unit until `until` (naive UTC): it may then change
    that year's nominations (edit, submit, withdraw, reopen, delete) as if collecting."""
    secretariat(user)
    if campaign.is_current:
        raise Refused("当前征集年度无需重新开放；如需延长截止时间，请使用延期。")
    if not reason.strip():
        raise Refused("请填写重新开放的理由。")
    if until <= calendar.now_utc().replace(tzinfo=None):
        raise Refused("重新开放的截止时间应晚于现在。")
    with scope.of(campaign), database.atomic():
        ext = Extension.create(campaign=campaign, organisation=organisation, until=until,
                               reason=reason, granted_by=user, kind="reopen")
        audit.record("year_reopened", f"unit:{organisation.name}",
                     f"{campaign.slug} until {until.isoformat()} UTC: {reason}", actor=user)
        outbox.notify(outbox.unit_users(organisation), f"{campaign.title}已为本单位重新开放",
                      f"可在“往年推荐”中修改{campaign.title}的推荐，截止"
                      f"{calendar.cn_deadline(until, campaign.timezone)}（北京时间）。{reason}")
    return ext


def end_reopening(user: User, reopening_id: int) -> None:
    """End a reopening now (the unit's earlier-year nominations are read-only again)."""
    secretariat(user)
    with unscoped():
        ext = Extension.get_or_none(Extension.id == reopening_id, Extension.kind == "reopen")
    if ext is None:
        raise Refused("未找到该重新开放记录。")
    now = calendar.now_utc().replace(tzinfo=None)
    if ext.until <= now:
        raise Refused("该重新开放已结束。")
    with unscoped():
        campaign = Campaign.get_by_id(ext.campaign_id)
    with scope.of(campaign), database.atomic():
        ext.until = now
        ext.save()
        audit.record("reopening_ended", f"unit:{ext.organisation.name}", campaign.slug,
                     actor=user)

