"""Files the secretariat publishes with the current year's notice (a template, a user guide,
common questions), and their removal; both audited."""
from __future__ import annotations

from kczg.campaigns import scope
from kczg.db import database
from kczg.models import NoticeFile, User
from kczg.services import audit, files

from .review import secretariat


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
