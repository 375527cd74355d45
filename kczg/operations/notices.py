"""Files the secretariat publishes with the current year's notice (a template, a user guide,
common questions), and their removal; the reminder to units that have submitted nothing; all
audited."""
from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app

from kczg.campaigns import scope
from kczg.db import database
from kczg.models import AuditEvent, NoticeFile, User
from kczg.rules import calendar
from kczg.services import audit, files, outbox
from kczg.services import overview as ov

from . import Refused
from .review import secretariat

REMINDED = "units_reminded"


def last_reminder_today() -> AuditEvent | None:
    """Today's (local day's) reminder, if one was sent."""
    tz = ZoneInfo(current_app.config["KCZG_TZ"])
    start = calendar.now_utc().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    since = start.astimezone(timezone.utc).replace(tzinfo=None)
    return (AuditEvent.select().where(AuditEvent.action == REMINDED, AuditEvent.at >= since,
                                      AuditEvent.subject == f"campaign:{scope.campaign().slug}")
            .order_by(AuditEvent.at.desc()).first())


def remind_units_without(user: User) -> int:
    """A message (and mail, where configured) to every unit with nothing submitted in the
    current year: at most once a local day; returns how many units."""
    campaign = scope.campaign()
    secretariat(user, campaign)
    if not calendar.submission_open(campaign, None):
        raise Refused("网上申报已截止，不再发送提醒。")
    earlier = last_reminder_today()
    if earlier is not None:
        at = earlier.at.replace(tzinfo=timezone.utc).astimezone(
            ZoneInfo(current_app.config["KCZG_TZ"]))
        raise Refused(f"今天已于{at:%H:%M}提醒过（{earlier.detail}），每天最多提醒一次，以免打扰。")
    units = ov.units_without()
    if not units:
        raise Refused("所有推荐单位都已提交推荐，无需提醒。")
    users = [u for o in units for u in outbox.unit_users(o)]
    with database.atomic():
        outbox.notify(users, f"提醒：{campaign.title}网上申报将于{campaign.submission_deadline_label}截止",
                      f"贵单位尚未在本平台提交{campaign.title}的推荐。如需推荐，请在截止前登录平台，"
                      "在单位工作台新建、填写并提交；如不推荐，可忽略本消息。\n"
                      "咨询电话见平台页面底部。")
        audit.record(REMINDED, f"campaign:{campaign.slug}",
                     f"{len(units)}家单位，{len(users)}个账号", actor=user)
    return len(units)


def add_notice_file(user: User, title: str, upload) -> NoticeFile:
    """Publish a PDF, DOCX or XLSX under the notice (checked by content)."""
    campaign = scope.campaign()
    secretariat(user, campaign)
    if not title:
        raise files.UploadError("请填写附件名称，如“推荐书填写指南”")
    if upload is None or not upload.filename:
        raise files.UploadError("请选择要上传的文件")
    stored = files.store(upload.stream, upload.filename, office=True)
    with database.atomic():
        count = NoticeFile.select().count()
        row = NoticeFile.create(campaign=campaign, title=title, position=count,
                                uploaded_by=user, **stored)
        audit.record("notice_file_added", title, stored["original_name"], actor=user)
    return row


def remove_notice_file(user: User, row: NoticeFile) -> None:
    secretariat(user, row.campaign)
    with database.atomic():
        row.delete_instance()
        audit.record("notice_file_removed", row.title, row.original_name, actor=user)
    files.discard(row.stored_name)
