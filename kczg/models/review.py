"""The review: what each initial review body files (备案), its criteria and experts, the
experts' scores, the body's initial results, the secretariat's final decisions and the published
lists, and the messages that tell people about each step."""
import peewee

from .accounts import Organisation, User
from .base import BaseModel, utcnow
from .campaign import NominationList, ReviewBody, year_owned_by
from .nominations import JSONField, Nomination
from .scoping import YearOwned


class Filing(YearOwned, BaseModel):
    """备案: the body's 评审工作方案, 专家构成方案 and 评价标准, acknowledged or returned by the
    secretariat. Scoring cannot open before it is acknowledged (已备案)."""

    campaign = year_owned_by()
    STATUS = {"draft": "未提交", "submitted": "待备案", "acknowledged": "已备案", "returned": "已退回"}

    body = peewee.ForeignKeyField(ReviewBody, unique=True, backref="+")
    plan = peewee.TextField(default="")           # 评审工作方案
    experts = peewee.TextField(default="")        # 专家构成方案
    standards = peewee.TextField(default="")      # 评价标准
    status = peewee.CharField(default="draft")
    comment = peewee.CharField(default="")
    submitted_at = peewee.DateTimeField(null=True)
    decided_at = peewee.DateTimeField(null=True)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+")

    @property
    def status_name(self) -> str:
        return self.STATUS[self.status]


class Criterion(YearOwned, BaseModel):
    """One scoring criterion of a body for one list, with its weight (weights add up to 100)."""

    campaign = year_owned_by()
    body = peewee.ForeignKeyField(ReviewBody, backref="criteria")
    list = peewee.ForeignKeyField(NominationList, backref="+")
    name = peewee.CharField()
    weight = peewee.IntegerField()
    position = peewee.IntegerField(default=0)


class Assignment(YearOwned, BaseModel):
    """A nomination given to an expert to score."""

    campaign = year_owned_by()
    STATUS = {"assigned": "待评分", "submitted": "已评分", "conflict": "已回避"}

    nomination = peewee.ForeignKeyField(Nomination, backref="assignments")
    expert = peewee.ForeignKeyField(User, backref="assignments")
    status = peewee.CharField(default="assigned", index=True)
    conflict_reason = peewee.CharField(default="")
    comment = peewee.TextField(default="")
    assigned_by = peewee.ForeignKeyField(User, backref="+")
    assigned_at = peewee.DateTimeField(default=utcnow)
    submitted_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("nomination", "expert"), True),)

    @property
    def status_name(self) -> str:
        return self.STATUS[self.status]


class Score(YearOwned, BaseModel):
    campaign = year_owned_by()

    assignment = peewee.ForeignKeyField(Assignment, backref="scores", on_delete="CASCADE")
    criterion = peewee.ForeignKeyField(Criterion, backref="+")
    value = peewee.IntegerField()  # 0–100 on every criterion; the weight does the rest

    class Meta:
        indexes = ((("assignment", "criterion"), True),)


class BodyResult(YearOwned, BaseModel):
    """The body's initial results (初评结果): its shortlist, submitted to the secretariat."""

    campaign = year_owned_by()
    STATUS = {"open": "未报送", "submitted": "已报送", "returned": "已退回修改"}

    body = peewee.ForeignKeyField(ReviewBody, unique=True, backref="+")
    status = peewee.CharField(default="open")
    shortlist = JSONField(default=list)          # nomination ids, 初评入围
    blind = peewee.BooleanField(default=False)   # hide the recommending unit from experts
    comment = peewee.CharField(default="")        # the secretariat's, when it returns them
    note = peewee.CharField(default="", max_length=600)  # reported with unscored assignments
    chair = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")  # 组长
    submitted_at = peewee.DateTimeField(null=True)

    @property
    def status_name(self) -> str:
        return self.STATUS[self.status]


class ConflictClearance(YearOwned, BaseModel):
    """A conflict the platform derived from the data (kczg/rules/conflicts.py), cleared by the
    body with its reason: the expert may then be assigned. Declared conflicts are never
    cleared."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, backref="+", on_delete="CASCADE")
    expert = peewee.ForeignKeyField(User, backref="+")
    reason = peewee.CharField()
    cleared_by = peewee.ForeignKeyField(User, backref="+")
    cleared_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("nomination", "expert"), True),)


class DiscussionPost(YearOwned, BaseModel):
    """评审讨论: one message of the panel's thread on a nomination (its experts and its body)."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, backref="+", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, backref="+")
    text = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow, index=True)


class PanelSummary(YearOwned, BaseModel):
    """组长意见: the panel chair's conclusion on a nomination, required before results go."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, unique=True, backref="+",
                                        on_delete="CASCADE")
    text = peewee.TextField()
    author = peewee.ForeignKeyField(User, backref="+")
    updated_at = peewee.DateTimeField(default=utcnow)


class Extension(YearOwned, BaseModel):
    """A deadline the secretariat moved for one unit (submission) or one body (results)."""

    campaign = year_owned_by()
    organisation = peewee.ForeignKeyField(Organisation, null=True, backref="+")
    body = peewee.ForeignKeyField(ReviewBody, null=True, backref="+")
    until = peewee.DateTimeField()               # naive UTC
    # "deadline": the unit's (or body's) deadline in its own, current year; "reopen": an
    # earlier year opened again for one unit (its nominations may change until `until`)
    kind = peewee.CharField(default="deadline")
    reason = peewee.CharField(default="")
    granted_by = peewee.ForeignKeyField(User, backref="+")
    granted_at = peewee.DateTimeField(default=utcnow)


class Decision(YearOwned, BaseModel):
    """The secretariat's staged final decision on a nomination (终审)."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, unique=True, backref="+")
    selected = peewee.BooleanField()
    comment = peewee.CharField(default="")
    decided_by = peewee.ForeignKeyField(User, backref="+")
    decided_at = peewee.DateTimeField(default=utcnow)


class Publication(YearOwned, BaseModel):
    """A list published on the public site: the selected nominations as they were then."""

    campaign = year_owned_by()
    list = peewee.ForeignKeyField(NominationList, unique=True, backref="+")
    entries = JSONField(default=lambda: [])  # [{domain, title, unit}]; `list` is the field above
    published_by = peewee.ForeignKeyField(User, backref="+")
    published_at = peewee.DateTimeField(default=utcnow)


class Message(BaseModel):
    """The outbox: what the platform told someone, shown in the app and e-mailed via SMTP
    when configured."""

    user = peewee.ForeignKeyField(User, backref="messages")
    subject = peewee.CharField()
    body = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    read = peewee.BooleanField(default=False)
    emailed = peewee.BooleanField(default=False)


class AuditEvent(BaseModel):
    """Every account event (logins, creation, import, approval, resets, disabling) and every
    state change of the review that is not a nomination's own (those are in NominationHistory):
    who did what to which object, when, from which address (kczg.services.audit)."""

    actor = peewee.ForeignKeyField(User, backref="+", null=True)  # none: a failed login
    action = peewee.CharField(index=True)
    subject = peewee.CharField()
    detail = peewee.TextField(default="")
    ip = peewee.CharField(default="")
    at = peewee.DateTimeField(default=utcnow, index=True)
