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
        return can_view_nomination(user, attachment.nomination)
    # a stamped scan belongs to a unit and a list: the list's (or its domains') bodies may see it
    if user.role == "secretariat":
        return True
    if user.role == "review":
        lst = attachment.list
        return user.review_body_id in ({lst.review_body_id} |
                                       {d.review_body_id for d in lst.domains})
    return False
