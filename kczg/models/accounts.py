"""Who uses the platform: recommending units, review bodies, experts, the secretariat."""
import peewee
from flask_login import UserMixin

from .base import BaseModel, utcnow
from .campaign import ReviewBody, UnitType, year_owned_by
from .scoping import YearOwned

ROLES = {
    "unit": "推荐单位",
    "review": "初评机构",
    "expert": "评审专家",
    "secretariat": "联合体秘书处",
}


class Organisation(BaseModel):
    """推荐单位: the recommending organisation a unit account belongs to."""

    name = peewee.CharField(unique=True)
    unit_type = peewee.ForeignKeyField(UnitType, backref="organisations")
    contact = peewee.CharField(default="")
    phone = peewee.CharField(default="")
    email = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    letterhead_mm = peewee.IntegerField(null=True)  # the unit's letter paper; None: the campaign's
    # channels (推荐渠道, unit type codes) the unit belongs to besides its own type: where a list
    # stacks its quota per channel, each counts
    extra_channels = peewee.CharField(default="")

    @property
    def extra_channel_names(self) -> str:
        """The extra channels' names (a query, only when there are any)."""
        codes = [c for c in self.extra_channels.split(",") if c.strip()]
        if not codes:
            return ""
        return "、".join(t.name for t in UnitType.select().where(UnitType.code.in_(codes))
                        .order_by(UnitType.position))

    @property
    def channel_count(self) -> int:
        return 1 + len({c for c in self.extra_channels.split(",") if c.strip()})


class LetterNumber(YearOwned, BaseModel):
    """The 发文字号 a unit gives one of its letters (printed above the title)."""

    campaign = year_owned_by()
    organisation = peewee.ForeignKeyField(Organisation, backref="+", on_delete="CASCADE")
    letter = peewee.CharField()   # the list's id (one campaign's), or "id:domain code"
    number = peewee.CharField()

    class Meta:
        indexes = ((("organisation", "letter"), True),)


class User(UserMixin, BaseModel):
    username = peewee.CharField(unique=True)
    password_hash = peewee.CharField()
    role = peewee.CharField(index=True)
    display_name = peewee.CharField(default="")
    affiliation = peewee.CharField(default="")  # an expert's own employer: conflicts of interest
    affiliation_uscc = peewee.CharField(null=True, max_length=18)  # that employer's, where known
    review_capacity = peewee.IntegerField(null=True)  # the most nominations an expert takes
    email = peewee.CharField(default="")
    organisation = peewee.ForeignKeyField(Organisation, null=True, backref="users")
    review_body = peewee.ForeignKeyField(ReviewBody, null=True, backref="users")
    # the body's stable id (its short_id): each campaign has its own ReviewBody rows, and the
    # same account reviews for the body of this id in whichever campaign is current
    body_key = peewee.CharField(default="")
    active = peewee.BooleanField(default=True)
    must_change_password = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)
    last_login_at = peewee.DateTimeField(null=True)
    pledged_at = peewee.DateTimeField(null=True)  # an expert's 保密与回避承诺, before any score

    # the server-side session this request came with (kczg.services.sessions); Flask-Login
    # keeps its token in the cookie, never the user's id
    session_token: str | None = None
    # a review or expert account's body in the current year (kczg.access.bind_body): the row of
    # its stable id, None when the year does not name that body
    body = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def save(self, *args, **kwargs):
        if self.review_body_id and not self.body_key:  # the body's stable id, for later years
            self.body_key = self.review_body.short_id
            if kwargs.get("only"):
                kwargs["only"] = [*kwargs["only"], User.body_key]
        return super().save(*args, **kwargs)

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


class AccountApplication(BaseModel):
    """A unit's request for an account, approved or rejected by the secretariat."""

    organisation_name = peewee.CharField()
    unit_type = peewee.ForeignKeyField(UnitType)
    contact = peewee.CharField()
    phone = peewee.CharField()
    email = peewee.CharField()
    username = peewee.CharField()
    password_hash = peewee.CharField()
    status = peewee.CharField(default="pending", index=True)  # pending / approved / rejected
    comment = peewee.CharField(default="")
    created_at = peewee.DateTimeField(default=utcnow)
    decided_at = peewee.DateTimeField(null=True)
    decided_by = peewee.ForeignKeyField(User, null=True)

    STATUS = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}

    @property
    def status_name(self) -> str:
        return self.STATUS[self.status]


class UserSession(BaseModel):
    """One login: the cookie holds a random token, this row its hash. Ending the row (logout,
    a password change or reset, the account disabled) refuses that cookie from then on."""

    token_hash = peewee.CharField(unique=True)
    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)
    last_seen_at = peewee.DateTimeField(default=utcnow)
    ended_at = peewee.DateTimeField(null=True)
    ip = peewee.CharField(default="")
    user_agent = peewee.CharField(default="")
