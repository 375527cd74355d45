"""The secretariat's final review (终审) and publication: decisions staged one by one or for
several at once (never past the list's size), the list published on the public site (its units
told), and a publication withdrawn with a reason (the decisions open again)."""
from __future__ import annotations

from kczg.db import database
from kczg.models import Decision, Nomination, NominationList, Publication, User, utcnow
from kczg.rules import earlier, gates, shape
from kczg.rules import review as rules
from kczg.services import audit, outbox
from kczg.services.review import publication_preview

from . import Refused, refuse_if
from .nominations import record_history
from .results import tell_units
from .review import secretariat


def stage_decision(user: User, nomination: Nomination, selected: bool, comment: str = "") \
        -> Decision:
    secretariat(user, nomination.list.campaign)
    if Publication.get_or_none(Publication.list == nomination.list_id):
        raise Refused("该榜单已发布，不能再修改；如确需修改，请先撤回发布。")
    refuse_if(gates.decision_refusal(nomination))
    with database.atomic():
        if selected:
            refuse_if(rules.size_refusal(nomination.list, excluding=nomination.id))
        decision = Decision.get_or_none(Decision.nomination == nomination)
        if decision is None:
            decision = Decision.create(nomination=nomination, selected=selected, comment=comment,
                                       decided_by=user, campaign=nomination.campaign_id)
        else:
            decision.selected, decision.comment = selected, comment
            decision.decided_by, decision.decided_at = user, utcnow()
            decision.save()
        record_history(nomination, user, "decided", nomination.version,
                       ["入选" if selected else "未入选"])
    return decision


def stage_decisions(user: User, lst: NominationList, nominations: list[Nomination],
                    selected: bool, comment: str = "") -> int:
    """Batch 入选 / 未入选: all or none, never past the list's size; returns how many."""
    secretariat(user, lst.campaign)
    if not nominations:
        raise Refused("请先勾选项目。")
    if any(n.list_id != lst.id for n in nominations):
        raise Refused("只能对本榜单的项目批量决定。")
    if selected:
        ids = [n.id for n in nominations]
        others = (Decision.select().join(Nomination)
                  .where(Nomination.list == lst, Decision.selected == True,  # noqa: E712
                         Nomination.id.not_in(ids)).count())
        if others + len(ids) > lst.size:
            raise Refused(f"批量入选后{lst.name}{shape.domains_together(lst)}将有"
                          f"{others + len(ids)}项入选，超过榜单规模{lst.size}项；请减少勾选。")
    with database.atomic():
        for n in nominations:
            stage_decision(user, n, selected, comment)
    return len(nominations)


def publish(user: User, lst: NominationList) -> Publication:
    secretariat(user, lst.campaign)
    if Publication.get_or_none(Publication.list == lst):
        raise Refused("该榜单已发布。")
    entries = publication_preview(lst)
    refuse_if(gates.publication_refusal(lst, len(entries)))
    decided = dict(Decision.select(Decision.nomination, Decision.selected).join(Nomination)
                   .where(Nomination.list == lst).tuples())
    chosen = {i for i, s in decided.items() if s}
    with database.atomic():
        pub = Publication.create(list=lst, entries=entries, published_by=user,
                                 campaign=lst.campaign_id)
        for selected in (True, False):
            Nomination.update(outcome="selected" if selected else "not_selected").where(
                Nomination.id.in_([i for i, s in decided.items() if s == selected] or [0])
            ).execute()
        for n in Nomination.select().where(Nomination.id.in_(chosen or {0})):
            record_history(n, user, "published", n.version)
        audit.record("published", f"list:{lst.code}", f"{len(entries)} entries", actor=user)
        tell_units(list(Nomination.select().where(Nomination.list == lst,
                                                   Nomination.status == "submitted")),
                   f"{lst.name}已发布", lambda n: "入选" if n.id in chosen else "未入选")
    earlier.forget()  # next year's forms flag these winners
    return pub


def unpublish(user: User, lst: NominationList, reason: str) -> None:
    """撤回发布: the list leaves the public site and its decisions can change again (audited,
    with the reason; the units of its entries are told)."""
    secretariat(user, lst.campaign)
    pub = Publication.get_or_none(Publication.list == lst)
    if pub is None:
        raise Refused("该榜单尚未发布。")
    if not reason.strip():
        raise Refused("撤回发布时请填写理由。")
    selected = list(Nomination.select().join(Decision, on=(Decision.nomination == Nomination.id))
                    .where(Nomination.list == lst, Decision.selected == True))  # noqa: E712
    with database.atomic():
        pub.delete_instance()
        Nomination.update(outcome="shortlisted").where(
            Nomination.list == lst, Nomination.outcome.in_(["selected", "not_selected"])).execute()
        for n in selected:
            record_history(n, user, "unpublished", n.version, [reason[:100]])
        audit.record("unpublished", f"list:{lst.code}", reason[:500], actor=user)
        units = {n.organisation_id: n.organisation for n in selected}
        outbox.notify([u for org in units.values() for u in outbox.unit_users(org)],
                      f"{lst.name}已撤回发布", f"撤回理由：{reason}。终审结果以重新发布为准。")
    earlier.forget()
