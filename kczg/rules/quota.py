"""Per-unit quotas: submitted nominations per unit, per list, and per domain where the list
says so (先导技术榜). Drafts and withdrawn nominations do not count."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from kczg.campaigns.facts import domains_of
from kczg.models import Domain, Nomination, NominationList, Organisation
from kczg.models.compiled import Compiled


@dataclass
class QuotaLine:
    list: NominationList
    domain: Domain | None
    used: int
    quota: int

    @property
    def label(self) -> str:
        return f"{self.list.name}·{self.domain.name}" if self.domain else self.list.name

    @property
    def full(self) -> bool:
        return self.used >= self.quota


def _count(*where):
    return Nomination.select(fn.COUNT(Nomination.id)).where(
        Nomination.status == "submitted", *where).tuples()


_in_list = Compiled(lambda org, lst: _count(Nomination.organisation == org,
                                            Nomination.list == lst))
_in_domain = Compiled(lambda org, lst, dom: _count(Nomination.organisation == org,
                                                   Nomination.list == lst,
                                                   Nomination.domain == dom))


def submitted_count(org: Organisation, lst: NominationList, domain: Domain | None) -> int:
    if lst.has_domains:
        if domain is None:  # (a domain list's draft without its domain yet)
            return Nomination.select().where(
                Nomination.organisation == org, Nomination.list == lst,
                Nomination.domain.is_null(), Nomination.status == "submitted").count()
        return _in_domain.first(org.id, lst.id, domain.id)[0]
    return _in_list.first(org.id, lst.id)[0]


def quota_of(org: Organisation, lst: NominationList) -> int:
    """The unit's quota on a list: the list's, times the unit's channels where the list stacks
    it per channel."""
    return lst.quota * (org.channel_count if lst.quota_per_channel else 1)


def quota_refusal(org: Organisation, lst: NominationList, domain: Domain | None) -> str | None:
    """The Chinese message refusing one more submission, or None when there is room."""
    if not lst.is_open or lst.quota is None:
        return f"{lst.name}{lst.status_note or '未开放申报'}"
    used = submitted_count(org, lst, domain)
    limit = quota_of(org, lst)
    if used < limit:
        return None
    where = f"{lst.name}“{domain.name}”领域" if lst.has_domains and domain else lst.name
    how = (f"{org.channel_count}个推荐渠道，每个渠道{lst.quota}项"
           if lst.quota_per_channel and org.channel_count > 1 else "")
    return (f"本单位{where}已提交{used}项，已达推荐名额上限（{limit}项"
            f"{'：' + how if how else ''}）。如需更换，请先撤回一项已提交的推荐。")


_submitted_counts = Compiled(lambda org_id: (
    Nomination.select(Nomination.list, Nomination.domain, fn.COUNT(Nomination.id))
    .where(Nomination.organisation == org_id, Nomination.status == "submitted")
    .group_by(Nomination.list, Nomination.domain).tuples()))


def usage(org: Organisation, lists: list[NominationList],
          nominations: list[Nomination] | None = None) -> list[QuotaLine]:
    """Every open list's (and domain's) quota and how much of it the unit used: one query, or
    none when the caller holds the unit's nominations of the campaign already."""
    counts: dict = {}
    if nominations is not None:
        for n in nominations:
            if n.status == "submitted":
                counts[(n.list_id, n.domain_id)] = counts.get((n.list_id, n.domain_id), 0) + 1
    else:
        for list_id, domain_id, n in _submitted_counts(org.id):
            counts[(list_id, domain_id)] = n
    lines = []
    for lst in lists:
        if not lst.is_open or lst.quota is None:
            continue
        limit = quota_of(org, lst)
        if lst.has_domains:
            for d in domains_of(lst):
                lines.append(QuotaLine(lst, d, counts.get((lst.id, d.id), 0), limit))
        else:
            lines.append(QuotaLine(lst, None, counts.get((lst.id, None), 0), limit))
    return lines
