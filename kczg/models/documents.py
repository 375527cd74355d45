"""Generated documents and the bundles that gather them.

A DocumentRecord is what a printed copy's verification code resolves to: which document of
which unit, list and nomination, generated when, from content with which hash. The same content
keeps its code; changed content gets a new code and the old record points to the new one.
"""
import peewee

from .accounts import Organisation, User
from .base import BaseModel, utcnow
from .campaign import Domain, NominationList, ReviewBody, year_owned_by
from .nominations import JSONField, Nomination
from .scoping import YearOwned


class DocumentRecord(YearOwned, BaseModel):
    campaign = year_owned_by()

    KINDS = {"letter": "推荐函", "form": "申报书", "summary_unit": "推荐汇总表（推荐单位）",
             "summary_body": "推荐汇总表（初评机构）", "ranking": "初评排名",
             "published": "发布榜单"}

    code = peewee.CharField(unique=True)
    kind = peewee.CharField(index=True)
    subject = peewee.CharField(index=True)  # what it is about: form:12, letter:3:xdjs:dzxx, …
    title = peewee.CharField()
    organisation = peewee.ForeignKeyField(Organisation, null=True, backref="+")
    nomination = peewee.ForeignKeyField(Nomination, null=True, backref="documents")
    review_body = peewee.ForeignKeyField(ReviewBody, null=True, backref="+")
    list = peewee.ForeignKeyField(NominationList, null=True, backref="+")
    domain = peewee.ForeignKeyField(Domain, null=True, backref="+")
    content_hash = peewee.CharField()
    # for a 申报书: the hash of what its content was made of (services/documents.form_state),
    # so that its record is found again without building the content to hash it
    state = peewee.CharField(null=True)
    generated_at = peewee.DateTimeField(default=utcnow)
    superseded_by = peewee.ForeignKeyField("self", null=True, backref="+")
    superseded_at = peewee.DateTimeField(null=True)
    # what the document says that a reader can compare with the paper: [[label, value], ...]
    downloaded_at = peewee.DateTimeField(null=True)  # first downloaded by its unit
    facts = JSONField(default=lambda: [])  # (not default=list: `list` is the field above)
    # each printed page's text (whitespace removed), as the PDF was generated: page codes
    pages = JSONField(default=lambda: [])

    @property
    def kind_name(self) -> str:
        return self.KINDS.get(self.kind, self.kind)


class NoticeFile(YearOwned, BaseModel):
    """A file the secretariat publishes with the notice: a template, a user guide, common
    questions (PDF, DOCX or XLSX), downloadable by anyone from the notice page."""

    campaign = year_owned_by()
    title = peewee.CharField()
    original_name = peewee.CharField()
    stored_name = peewee.CharField()
    content_type = peewee.CharField()
    size = peewee.IntegerField()
    sha256 = peewee.CharField()
    position = peewee.IntegerField(default=0)
    uploaded_by = peewee.ForeignKeyField(User, backref="+")
    uploaded_at = peewee.DateTimeField(default=utcnow)


class BundleBuild(YearOwned, BaseModel):
    """One request for a review body's (or a list's) bundle, built in the background."""

    campaign = year_owned_by()
    STATUS = {"queued": "排队中", "running": "正在生成", "done": "已完成", "failed": "生成失败"}

    scope = peewee.CharField(index=True)        # body:it, list:xdjs, list:xdjs:dzxx
    content_key = peewee.CharField(index=True)  # hash of everything the ZIP holds
    status = peewee.CharField(default="queued")
    done = peewee.IntegerField(default=0)
    total = peewee.IntegerField(default=0)
    size = peewee.BigIntegerField(default=0)
    error = peewee.TextField(default="")
    requested_by = peewee.ForeignKeyField(User, null=True, backref="+")
    created_at = peewee.DateTimeField(default=utcnow)
    finished_at = peewee.DateTimeField(null=True)
    # The worker building it renews its lease while it writes; a running build whose lease has
    # run out lost its worker, and is removed and retried (kczg/services/bundles.py).
    lease_until = peewee.DateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)
    worker = peewee.CharField(default="")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
