"""Lists of nominations paged and filtered in SQL: a page costs a count and one query for its
rows, whatever the number of nominations (a body of the 新锐企业榜 sees about 1,300)."""
from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, fn

from forms.choices import PROVINCES
from forms.registry import form_class
from kczg.campaigns import scope
from kczg.models import (
    Assignment,
    Attachment,
    AuditEvent,
    Campaign,
    Decision,
    Domain,
    Extension,
    Message,
    Nomination,
    NominationList,
    Organisation,
    UnitType,
    User,
    unscoped,
)
from kczg.parsing import parse_int
from kczg.services import documents as docs
from kczg.services import search
from kczg.services.review_stats import province_condition

PER_PAGE = 50


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(value: str | None) -> int:
    """A page number from the query string: anything odd is page 1."""
    return parse_int(value, 1, 999_999) or 1


def duplicate_flag():
    """SQL: true when another unit submitted the same (non-empty) key to the same list, for
    lists whose key is the nominee's (a technology list's key is its completing unit's: only
    the 疑似重复 page, kczg/rules/duplicates.py, tells its duplicates)."""
    other = Nomination.alias()
    by_key = [lst.id for lst in scope.lists()
              if getattr(form_class(lst), "DEDUPE_KIND", "key") != "technology"]
    return (Nomination.dedupe_key != "") & Nomination.list.in_(by_key or [0]) & fn.EXISTS(other.select(other.id).where(
        other.list == Nomination.list, other.dedupe_key == Nomination.dedupe_key,
        other.status == "submitted", other.organisation != Nomination.organisation))


def paged(query, page: int, per_page: int = PER_PAGE, shown=None) -> Page:
    """One page of `query` and its total (two queries); `shown`, when given, is the same query
    selecting what the page shows (more columns than counting needs)."""
    total = query.count()
    page = min(page, max(1, -(-total // per_page)))
    rows = list((shown if shown is not None else query).paginate(page, per_page))
    return Page(rows=rows, total=total, page=page, per_page=per_page)


def _filtered(query, filters: dict):
    """Nominations (joined to list, domain and unit) by list, domain, unit name, a search
    (kczg/services/search.py: names, units, people, summaries, key) and duplicates: the
    filters every list of nominations offers."""
    if filters.get("list"):
        lst = scope.list_by_code(filters["list"])
        query = query.where(Nomination.list == (lst.id if lst else -1))
    if filters.get("domain"):
        query = query.where(Domain.code == filters["domain"])
    if filters.get("unit"):
        query = query.where(Organisation.name.contains(filters["unit"]))
    q = search.parse(filters.get("q"))
    if q is not None and q.words:
        query = query.where(search.condition(q, units=filters.get("blind") != "1"))
    if filters.get("dup"):
        query = query.where(duplicate_flag())
    return query


ALL_STATUSES = ("submitted", "withdrawn")  # what the secretariat sees (never drafts)


def all_nominations(filters: dict, page: int, per_page: int = PER_PAGE) -> Page:
    """全部推荐: the year's submitted (and withdrawn) nominations filtered by list, domain,
    unit name, unit type, status, duplicates and a search text, paged in SQL."""
    query = (Nomination.select(Nomination, Organisation, UnitType)
             .join(NominationList).switch(Nomination).join(Domain, JOIN.LEFT_OUTER)
             .switch(Nomination).join(Organisation).join(UnitType))
    status = filters.get("status")
    query = query.where(Nomination.status == status) if status in ALL_STATUSES \
        else query.where(Nomination.status == "submitted")
    if filters.get("unit_type"):
        query = query.where(UnitType.code == filters["unit_type"])
    if filters.get("province") in PROVINCES:
        query = query.where(province_condition(filters["province"]))
    query = _filtered(query, filters)
    result = paged(query, page, per_page, shown=(
        query.select(Nomination, Organisation, UnitType, duplicate_flag().alias("is_dup"))
        .order_by(NominationList.position, Domain.position, Organisation.name, Nomination.id)))
    facts = scope.facts()
    for n in result.rows:
        scope.attach(n, facts_=facts)
        n.is_dup = bool(n.is_dup)
    return result


def all_nominations_rows(filters: dict, limit: int = 20000) -> list:
    """Every nomination 全部推荐 would list with `filters` (for the XLSX), with its decision."""
    result = all_nominations(filters, 1, per_page=limit)
    decisions = dict(Decision.select(Decision.nomination, Decision.selected).where(
        Decision.nomination.in_([n.id for n in result.rows] or [0])).tuples())
    for n in result.rows:
        n.decision = decisions.get(n.id)
    return result.rows


def body_nominations(body, filters: dict, page: int, per_page: int = PER_PAGE) -> Page:
    """The body's nominations filtered by list, domain, unit name, review status, duplicates
    and a search text; one page of them with the unit, the duplicate flag and the experts."""
    query = _filtered(docs.routed_query(body), filters)
    live = Assignment.select(Assignment.id).where(Assignment.nomination == Nomination.id,
                                                  Assignment.status != "conflict")
    if filters.get("status") == "unassigned":
        query = query.where(~fn.EXISTS(live))
    elif filters.get("status") == "scored":
        open_ = Assignment.select(Assignment.id).where(
            Assignment.nomination == Nomination.id,
            Assignment.status.not_in(["submitted", "conflict"]))
        any_ = Assignment.select(Assignment.id).where(Assignment.nomination == Nomination.id)
        query = query.where(fn.EXISTS(any_), ~fn.EXISTS(open_))
    result = paged(query, page, per_page, shown=(
        query.select(Nomination, Organisation, duplicate_flag().alias("is_dup"))
        .order_by(NominationList.position, Domain.position, Organisation.name,
                  Nomination.submitted_at, Nomination.id)))
    assignments: dict[int, list] = {}
    facts = scope.facts()
    for n in result.rows:
        scope.attach(n, facts_=facts)
        n.is_dup = bool(n.is_dup)
    if result.rows:
        for a in (Assignment.select(Assignment, User).join(User, on=Assignment.expert)
                  .where(Assignment.nomination.in_([n.id for n in result.rows]))
                  .order_by(Assignment.id)):
            assignments.setdefault(a.nomination_id, []).append(a)
    result.extra["assignments"] = assignments
    return result


def units_page(q: str, page: int, per_page: int = PER_PAGE) -> Page:
    """Recommending units, newest first, whose name, contact or a login name contains `q`."""
    query = Organisation.select(Organisation, UnitType).join(UnitType)
    if q:
        logins = User.select(User.organisation).where(User.username.contains(q))
        query = query.where(Organisation.name.contains(q) | Organisation.contact.contains(q)
                            | Organisation.id.in_(logins))
    result = paged(query.order_by(Organisation.created_at.desc(), Organisation.id.desc()),
                   page, per_page)
    usernames: dict[int, list[str]] = {}
    if result.rows:
        for org_id, username in (User.select(User.organisation, User.username)
                                 .where(User.organisation.in_([o.id for o in result.rows]))
                                 .order_by(User.id).tuples()):
            usernames.setdefault(org_id, []).append(username)
    result.extra["usernames"] = usernames
    result.extra["counts"] = unit_counts([o.id for o in result.rows])
    return result


def unit_counts(org_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per unit: nominations submitted and in draft, stamped scans, in the scope's year
    (earlier years are the units' archives)."""
    counts = {i: {"submitted": 0, "draft": 0, "scans": 0} for i in org_ids}
    if not org_ids:
        return counts
    for org_id, status, n in (Nomination.select(Nomination.organisation, Nomination.status,
                                                fn.COUNT(Nomination.id))
                              .where(Nomination.organisation.in_(org_ids),
                                     Nomination.status.in_(["submitted", "draft"]))
                              .group_by(Nomination.organisation, Nomination.status).tuples()):
        counts[org_id][status] = n
    for org_id, n in (Attachment.select(Attachment.organisation, fn.COUNT(Attachment.id))
                      .where(Attachment.organisation.in_(org_ids),
                             Attachment.kind == "stamped_scan",
                             Attachment.retired_at.is_null())
                      .group_by(Attachment.organisation).tuples()):
        counts[org_id]["scans"] = n
    return counts


def audit_query(action: str, q: str, since=None, before=None):
    """The audit log, newest first, by action, by who or what (login name, subject, address)
    and by time (naive UTC bounds, `before` excluded)."""
    query = (AuditEvent.select(AuditEvent, User).join(User, JOIN.LEFT_OUTER,
                                                      on=(AuditEvent.actor == User.id)))
    if action:
        query = query.where(AuditEvent.action == action)
    if q:
        query = query.where(User.username.contains(q) | AuditEvent.subject.contains(q)
                            | AuditEvent.ip.contains(q))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if before is not None:
        query = query.where(AuditEvent.at < before)
    return query.order_by(AuditEvent.id.desc())


def audit_page(action: str, q: str, page: int, since=None, before=None) -> Page:
    return paged(audit_query(action, q, since, before), page)


def messages_page(user, page: int) -> Page:
    """A user's messages, newest first."""
    return paged(Message.select().where(Message.user == user).order_by(Message.id.desc()),
                 page)


def experts_page(body, q: str, page: int) -> Page:
    """A review body's experts, searched by login, name or affiliation, with how many
    assignments (conflicts apart) each holds."""
    query = User.select().where(User.role == "expert", User.body_key == body.short_id)
    if q:
        query = query.where(User.username.contains(q) | User.display_name.contains(q)
                            | User.affiliation.contains(q))
    result = paged(query.order_by(User.id), page)
    ids = [e.id for e in result.rows]
    result.extra["load"] = dict(
        Assignment.select(Assignment.expert, fn.COUNT(Assignment.id))
        .where(Assignment.expert.in_(ids), Assignment.status != "conflict")
        .group_by(Assignment.expert).tuples()) if ids else {}
    return result


def audit_rows(action: str, limit: int = 50) -> list:
    """The latest audit events of one kind (e.g. every deadline moved), newest first."""
    return list(AuditEvent.select(AuditEvent, User)
                .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
                .where(AuditEvent.action == action).order_by(AuditEvent.id.desc()).limit(limit))


def reopenings() -> list[Extension]:
    """Every earlier year reopened for a unit, newest first (a read across years), with its
    unit and campaign."""
    with unscoped():
        return list(Extension.select(Extension, Organisation, Campaign)
                    .join(Organisation, on=(Extension.organisation == Organisation.id))
                    .switch(Extension).join(Campaign, on=(Extension.campaign == Campaign.id))
                    .where(Extension.kind == "reopen").order_by(Extension.granted_at.desc()))
