"""Nominations (推荐), their history and saved versions, and the files units upload."""
import json

import peewee

from .accounts import Organisation, User
from .base import BaseModel, utcnow
from .campaign import Domain, NominationList, year_owned_by
from .scoping import YearOwned

STATUS = {"draft": "草稿", "submitted": "已提交", "withdrawn": "已撤回"}


class JSONField(peewee.TextField):
    """JSON in a text column: the same on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class Nomination(YearOwned, BaseModel):
    """One candidate a unit nominates for one list (and domain, for per-domain lists).

    `raw` is the form exactly as typed (field name -> list of strings), so a draft keeps even
    invalid input; `clean` is the validated data, set when the nomination is submitted.
    `version` grows with every save and refuses stale writes.
    """

    campaign = year_owned_by()
    list = peewee.ForeignKeyField(NominationList, backref="nominations")
    domain = peewee.ForeignKeyField(Domain, null=True, backref="nominations")
    organisation = peewee.ForeignKeyField(Organisation, backref="nominations")
    title = peewee.CharField(default="")
    raw = JSONField(default=dict)
    clean = JSONField(null=True)
    status = peewee.CharField(default="draft", index=True)
    # how the review went, as its unit sees it (kczg.rules.outcomes): "", shortlisted,
    # not_shortlisted (its body reported), selected, not_selected (its list published)
    outcome = peewee.CharField(default="")
    version = peewee.IntegerField(default=1)
    # the page (browser tab) that made the latest save: its own racing autosaves are not conflicts
    last_editor = peewee.CharField(default="")
    # normalised 统一社会信用代码 or repository URL: the same key from two units is flagged
    dedupe_key = peewee.CharField(default="", index=True)
    # the province it counts under (registered, else its unit's name), set on submission
    province = peewee.CharField(default="")
    created_by = peewee.ForeignKeyField(User, backref="+")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    submitted_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("list", "dedupe_key"), False),)

    @property
    def status_name(self) -> str:
        return STATUS[self.status]

    @property
    def display_title(self) -> str:
        return self.title or "（未命名）"


# a nomination's columns but its raw form data (what was typed, as typed): what reads the
# cleaned data of thousands of nominations at once (summaries, duplicates) selects these
WITHOUT_RAW = tuple(f for f in Nomination._meta.sorted_fields if f.name != "raw")


class SearchEntry(YearOwned, BaseModel):
    """What search finds a nomination by (kczg/services/search.py): its typed text, normalised
    (`content`: names, units, people, summaries; never contacts or the 推荐意见), and that text's
    search terms (`terms`: Chinese bigrams and Latin words, space-separated). Indexed by SQLite
    FTS5 (the search_fts table, kept by triggers) or a PostgreSQL GIN index (migration 023);
    rewritten with every save of the nomination."""

    nomination = peewee.ForeignKeyField(Nomination, primary_key=True, backref="+",
                                        on_delete="CASCADE")
    campaign = year_owned_by()
    content = peewee.TextField(default="")
    terms = peewee.TextField(default="")

    class Meta:
        table_name = "search_entry"


class DuplicateDismissal(YearOwned, BaseModel):
    """A group of nominations the secretariat marked 非重复 (not shown as duplicates again)."""

    campaign = year_owned_by()
    ids = peewee.CharField(unique=True)  # the nominations' ids, sorted, comma-separated
    by = peewee.ForeignKeyField(User, backref="+")
    at = peewee.DateTimeField(default=utcnow)


class NominationHistory(YearOwned, BaseModel):
    """Who did what to a nomination, when, and which fields changed."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, backref="history", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+")
    at = peewee.DateTimeField(default=utcnow)
    action = peewee.CharField()  # created saved submitted withdrawn reopened conflict
    fields = JSONField(default=list)  # labels of the fields that changed, in form order
    changes = JSONField(default=list)  # [{label, before, after}] of a save, in form order
    version = peewee.IntegerField()

    ACTIONS = {"created": "创建草稿", "saved": "保存", "submitted": "提交", "withdrawn": "撤回",
               "reopened": "重新编辑", "conflict": "保存冲突（已另存）",
               "attached": "上传附件", "detached": "删除附件", "assigned": "分配评审专家",
               "unassigned": "取消分配",
               "conflict_declared": "专家声明回避", "scored": "专家提交评分",
               "shortlisted": "初评入围", "decided": "终审决定", "published": "榜单发布",
               "returned": "秘书处退回", "routed": "送达初评机构"}

    @property
    def action_name(self) -> str:
        return self.ACTIONS.get(self.action, self.action)


class NominationConflict(YearOwned, BaseModel):
    """A save refused as stale: what the user sent is kept beside the stored version."""

    campaign = year_owned_by()
    nomination = peewee.ForeignKeyField(Nomination, backref="conflicts", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+")
    at = peewee.DateTimeField(default=utcnow)
    based_on_version = peewee.IntegerField()
    stored_version = peewee.IntegerField()
    raw = JSONField()
    resolved = peewee.BooleanField(default=False)


class Attachment(YearOwned, BaseModel):
    """A file a unit uploaded: supporting material of a nomination, or the stamped scan
    (盖章扫描件) of its recommendation for one list. Stored outside static/ under a random name."""

    campaign = year_owned_by()
    KINDS = {"material": "证明材料", "stamped_scan": "盖章扫描件"}

    organisation = peewee.ForeignKeyField(Organisation, backref="attachments")
    list = peewee.ForeignKeyField(NominationList, backref="attachments")
    nomination = peewee.ForeignKeyField(Nomination, null=True, backref="attachments",
                                        on_delete="CASCADE")
    kind = peewee.CharField()
    original_name = peewee.CharField()
    stored_name = peewee.CharField(unique=True)
    content_type = peewee.CharField()
    size = peewee.IntegerField()
    sha256 = peewee.CharField()
    uploaded_by = peewee.ForeignKeyField(User, backref="+")
    # a stamped scan is of one letter: its list and, on a per-domain list, its domain
    domain = peewee.ForeignKeyField(Domain, null=True, backref="+", on_delete="SET NULL")
    # a stamped scan replaced or deleted: kept as history, no longer the letter's scan
    retired_at = peewee.DateTimeField(null=True)
    # the body checked it names no unit: its experts may see it in blind review
    blind_safe = peewee.BooleanField(default=False)
    uploaded_at = peewee.DateTimeField(default=utcnow)
