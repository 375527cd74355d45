"""What a campaign is: its lists, domains, review bodies, calendar and contacts.

Loaded from one data file per campaign (kczg/campaigns/*.toml); the secretariat may later move
dates, so every rule reads these rows, never the file or a constant.
"""
import peewee

from .base import BaseModel, utcnow
from .scoping import YearOwned, default_campaign


class Campaign(BaseModel):
    slug = peewee.CharField(unique=True)
    year = peewee.IntegerField(default=0)  # 2021: labels and "the three years before" come from it
    title = peewee.CharField()
    notice_title = peewee.CharField()
    notice_text = peewee.TextField(default="")
    issuer = peewee.CharField(default="")
    platform_url = peewee.CharField(default="")
    timezone = peewee.CharField(default="Asia/Shanghai")
    # Naive UTC instants; the labels are the notice's own wording.
    submission_deadline = peewee.DateTimeField()
    submission_deadline_label = peewee.CharField()
    initial_results_deadline = peewee.DateTimeField()
    initial_results_deadline_label = peewee.CharField()
    is_current = peewee.BooleanField(default=True)
    # Days the demo command moved the calendar by (0 for a real campaign); shown on every page.
    demo_shift_days = peewee.IntegerField(default=0)
    # millimetres left blank at the top of a letter for a pre-printed letterhead (units may
    # set their own)
    letterhead_mm = peewee.IntegerField(default=0)
    loaded_at = peewee.DateTimeField(default=utcnow)
    # Bumped whenever a list, domain, review body, phase or contact changes: processes keep
    # those facts in memory per (campaign, facts_version) (kczg/campaigns/facts.py).
    facts_version = peewee.IntegerField(default=0)


def year_owned_by(backref: str = "+") -> peewee.ForeignKeyField:
    """The `campaign` column of a year-owned model: the campaign its rows belong to (filled from
    the scope in force when not given; kczg/models/scoping.py)."""
    return peewee.ForeignKeyField(Campaign, backref=backref, on_delete="CASCADE",
                                  default=default_campaign)


class CampaignFact:
    """Mixin for a row of a campaign's facts: saving it tells every process's facts cache."""

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        touch_facts(self.campaign_id)
        return result


def touch_facts(campaign_id) -> None:
    """Bump the facts version of a campaign, so cached lists, domains, bodies and phases are
    read again (call after bulk updates that bypass save())."""
    Campaign.update(facts_version=Campaign.facts_version + 1) \
        .where(Campaign.id == campaign_id).execute()


class ReviewBody(CampaignFact, YearOwned, BaseModel):
    """初评机构: one of the bodies that review what is routed to them."""

    campaign = year_owned_by("review_bodies")
    short_id = peewee.CharField()
    name = peewee.CharField()
    scope = peewee.CharField(default="")
    contact = peewee.CharField(default="")
    phones = peewee.CharField(default="")  # "/"-separated, as the notice writes them
    email = peewee.CharField(default="")
    address = peewee.CharField(default="")
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("campaign", "short_id"), True),)

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split("/") if p]


class NominationList(CampaignFact, YearOwned, BaseModel):
    """榜单. `quota_scope` is "list" (per unit per list) or "domain" (per unit per domain)."""

    campaign = year_owned_by("lists")
    code = peewee.CharField()
    name = peewee.CharField()
    size = peewee.IntegerField()
    quota = peewee.IntegerField(null=True)
    quota_scope = peewee.CharField(default="list")
    is_open = peewee.BooleanField(default=True)
    status_note = peewee.CharField(default="")
    description = peewee.TextField(default="")
    review_body = peewee.ForeignKeyField(ReviewBody, null=True, backref="lists")
    position = peewee.IntegerField(default=0)
    item_noun = peewee.CharField(default="项")  # measure word and noun: 项技术, 家企业, 个组织
    # the quota counts per channel (推荐渠道): a unit in two channels may nominate twice the
    # quota (2022). Its wording is generated: quota_text
    quota_per_channel = peewee.BooleanField(default=False)
    # a form defined in the campaign file ([lists.form], forms/spec.py), as JSON; "" when the
    # list's form is a class in forms/
    form_spec = peewee.TextField(default="")
    # a list opened by a supplementary notice (补充通知) has its own calendar and notice text;
    # None/"" follow the campaign's
    opens_at = peewee.DateTimeField(null=True)        # naive UTC
    deadline = peewee.DateTimeField(null=True)        # naive UTC, the first instant too late
    deadline_label = peewee.CharField(default="")
    notice_title = peewee.CharField(default="")
    notice_text = peewee.TextField(default="")

    class Meta:
        indexes = ((("campaign", "code"), True),)

    @property
    def has_domains(self) -> bool:
        return self.quota_scope == "domain"

    @property
    def quota_text(self) -> str:
        """The rule in Chinese, generated from the data: per unit, per domain, per channel."""
        if not self.is_open or self.quota is None:
            return self.status_note or "—"
        text = f"每个领域不超过{self.quota}项" if self.has_domains else f"不超过{self.quota}项"
        if self.quota_per_channel:
            text += f"；按推荐渠道分别计算，同属多个推荐渠道的单位每个渠道各{self.quota}项"
        return text


class Domain(CampaignFact, YearOwned, BaseModel):
    """领域 of a list (先导技术榜 has six in 2021), each routed to its own review body."""

    campaign = year_owned_by()
    list = peewee.ForeignKeyField(NominationList, backref="domains", on_delete="CASCADE")
    code = peewee.CharField()
    name = peewee.CharField()
    review_body = peewee.ForeignKeyField(ReviewBody, backref="domains")
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("list", "code"), True),)


class Phase(CampaignFact, YearOwned, BaseModel):
    """A stage of 三、工作安排; start and end are inclusive days in the campaign's time zone."""

    campaign = year_owned_by("phases")
    key = peewee.CharField()
    name = peewee.CharField()
    start = peewee.DateField()
    end = peewee.DateField()
    label = peewee.CharField(default="")
    description = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("campaign", "key"), True),)


class Contact(CampaignFact, YearOwned, BaseModel):
    """工作咨询 and 申报系统技术咨询 contacts."""

    campaign = year_owned_by("contacts")
    kind = peewee.CharField()
    organisation = peewee.CharField(default="")
    person = peewee.CharField(default="")
    phones = peewee.CharField(default="")
    position = peewee.IntegerField(default=0)

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split("/") if p]


class UnitType(BaseModel):
    """Kinds of recommending unit named by 二、推荐渠道 (全国学会, 省级科协, …)."""

    code = peewee.CharField(unique=True)
    name = peewee.CharField()
    position = peewee.IntegerField(default=0)
