"""Files units give: a nomination's supporting material (证明材料), the stamped scan (盖章扫描件)
of a list's letter; and the review body's mark that a material names no unit (盲评可见).

An upload is checked by content and size (kczg.services.files) before any row is written; a
refused file leaves nothing behind.
"""
from __future__ import annotations

from kczg.models import Attachment, Nomination, NominationList, User
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


def add_scan(user: User, lst: NominationList, upload) -> Attachment:
    """The unit's stamped letter of a list, scanned (several may be uploaded)."""
    check_open(lst, organisation=user.organisation)
    return _stored(user, upload, list=lst, nomination=None, kind="stamped_scan",
                   campaign=lst.campaign_id)


def remove(user: User, att: Attachment) -> None:
    """A material of a draft, or a stamped scan, deleted with its file."""
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
