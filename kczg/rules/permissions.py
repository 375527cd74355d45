"""Who may see or change what. Named for what they allow; every view asks one of these."""
from __future__ import annotations

from kczg.models import Nomination, User


def routed_body_id(nomination: Nomination) -> int | None:
    """The initial review body the nomination goes to: its domain's, else its list's."""
    if nomination.domain_id:
        return nomination.domain.review_body_id
    return nomination.list.review_body_id


def can_edit_nomination(user: User, nomination: Nomination) -> bool:
    return (user.is_authenticated and user.role == "unit"
            and user.organisation_id == nomination.organisation_id)


def can_view_nomination(user: User, nomination: Nomination) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == "secretariat":
        return nomination.status != "draft"
    if user.role == "unit":
        return user.organisation_id == nomination.organisation_id
    if user.role == "review":
        return nomination.status == "submitted" and user.review_body_id == routed_body_id(nomination)
    if user.role == "expert":
        from kczg.models import Assignment

        return nomination.status == "submitted" and Assignment.select().where(
            Assignment.nomination == nomination, Assignment.expert == user,
            Assignment.status != "conflict").exists()
    return False


def can_download_attachment(user: User, attachment) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == "unit":
        return user.organisation_id == attachment.organisation_id
    if attachment.nomination_id:
        if user.role == "expert" and blind_for(user) and not attachment.blind_safe:
            return False  # materials carry the unit's name: in blind review only those the
            # body marked blind-safe
        return can_view_nomination(user, attachment.nomination)
    # a stamped scan belongs to a unit and a list: the list's (or its domains') bodies may see it
    if user.role == "secretariat":
        return True
    if user.role == "review":
        lst = attachment.list
        return user.review_body_id in ({lst.review_body_id} |
                                       {d.review_body_id for d in lst.domains})
    return False


def blind_for(user: User) -> bool:
    """An expert of a body that reviews blind (the recommending unit hidden)."""
    from kczg.models import BodyResult

    return user.role == "expert" and BodyResult.select().where(
        BodyResult.body == user.review_body_id, BodyResult.blind == True).exists()  # noqa: E712


def nomination_files(user: User, nomination: Nomination) -> list:
    """The 证明材料 of a nomination and its unit's stamped scan for the list, as `user` — who
    may see the nomination (the caller checked) — may download them: what
    can_download_attachment allows, decided for all at once (one query, and one more for an
    expert's blind review)."""
    from kczg.models import Attachment

    rows = list(Attachment.select().where(
        (Attachment.nomination == nomination)
        | ((Attachment.kind == "stamped_scan") & (Attachment.list == nomination.list_id)
           & (Attachment.organisation == nomination.organisation_id))).order_by(Attachment.id))
    if user.role != "expert":
        return rows
    blind = blind_for(user)
    return [a for a in rows if a.nomination_id and (a.blind_safe or not blind)]
