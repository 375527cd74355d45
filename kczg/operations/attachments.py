"""Files units give: a nomination's supporting material (证明材料), the stamped scan (盖章扫描件)
of a list's letter; and the review body's mark that a material names no unit (盲评可见).

An upload is checked by content and size (kczg.services.files) before any row is written; a
refused file leaves nothing behind.
"""
from __future__ import annotations

from kczg.db import database
from kczg.models import Attachment, Domain, Nomination, NominationList, User, utcnow
from kczg.rules import years
from kczg.services import audit, files

from . import Refused
from .nominations import check_open, record_history

NOT_A_DRAFT = "已提交的推荐不能增删附件；如需修改，请先点击“重新编辑”。"


def _stored(user: User, upload, **fields) -> Attachment:
    if upload is None or not upload.filename:
        raise files.UploadError("请选择要上传的文件")
    stored = files.store(upload.stream, upload.filename)
    return Attachment.create(uploaded_by=user, organisation=user.organisation, **fields,
                             **stored)


def add_material(user: User, nomination: Nomination, upload) -> Attachment:
    """A supporting file of a draft (PDF, JPG or PNG, at most 20 MB)."""
    check_open(nomination.list, organisation=nomination.organisation)
    if nomination.status != "draft":
        raise Refused(NOT_A_DRAFT)
    att = _stored(user, upload, list=nomination.list, nomination=nomination, kind="material",
                  campaign=nomination.campaign_id)
    record_history(nomination, user, "attached", nomination.version, [att.original_name])
    return att


def add_scan(user: User, lst: NominationList, domain: Domain | None, upload) -> Attachment:
    """The stamped scan of one letter (the list's, or on a per-domain list the domain's): a
    new upload replaces the letter's current scan, which is kept as history."""
    check_open(lst, organisation=user.organisation)
    if bool(lst.domain_rows) != (domain is not None):
        raise Refused("请选择推荐函所属的领域。" if domain is None else "该榜单不分领域。")
    letter = lst.name + (f"（{domain.name}领域）" if domain else "")
    if not Nomination.select().where(
            Nomination.organisation == user.organisation, Nomination.list == lst,
            Nomination.domain == domain, Nomination.status == "submitted").exists():
        raise Refused(f"{letter}尚无已提交的推荐，没有需要盖章的推荐函。")
    with database.atomic():
        previous = list(current_scans(user.organisation, lst, domain))
        att = _stored(user, upload, list=lst, domain=domain, nomination=None,
                      kind="stamped_scan", campaign=lst.campaign_id)
        for old in previous:
            retire_scan(user, old, replaced=True)
        audit.record("scan_uploaded", letter, att.original_name, actor=user)
    return att


def current_scans(organisation, lst: NominationList, domain: Domain | None):
    return Attachment.select().where(
        Attachment.organisation == organisation, Attachment.kind == "stamped_scan",
        Attachment.list == lst, Attachment.domain == domain, Attachment.retired_at.is_null())


def retire_scan(user: User, att: Attachment, replaced: bool = False) -> None:
    """A stamped scan replaced or deleted: no longer its letter's scan (nor served to the
    body), kept with its file as the unit's history."""
    check_open(att.list, organisation=att.organisation)
    if att.kind != "stamped_scan" or att.retired_at is not None:
        raise Refused("该扫描件已被替换或删除。")
    att.retired_at = utcnow()
    att.save(only=[Attachment.retired_at])
    if not replaced:
        audit.record("scan_removed", att.list.name, att.original_name, actor=user)


def remove(user: User, att: Attachment) -> None:
    """A material of a draft deleted with its file; a stamped scan retired (kept as history)."""
    if att.kind == "stamped_scan":
        retire_scan(user, att)
        return
    check_open(att.list, organisation=att.organisation)
    nomination = att.nomination if att.nomination_id else None
    if nomination is not None and nomination.status != "draft":
        raise Refused(NOT_A_DRAFT)
    name = att.original_name
    att.delete_instance()
    files.discard(att.stored_name)
    if nomination is not None:
        record_history(nomination, user, "detached", nomination.version, [name])


def set_blind_safe(user: User, att: Attachment, safe: bool) -> None:
    """The body marks a material as naming no unit (its experts see it in blind review), or
    takes the mark back; audited."""
    if att.kind != "material":
        raise Refused("只有证明材料可以标记为盲评可见。")
    refusal = years.write_refusal(att.list.campaign)
    if refusal:
        raise Refused(refusal)
    att.blind_safe = safe
    att.save()
    audit.record("blind_safe_marked" if safe else "blind_safe_unmarked", f"attachment:{att.id}",
                 att.original_name, actor=user)
