"""Who may see or change what. Named for what they allow; every view asks one of these.

Review bodies are rows of one campaign; an account is bound to its body's stable id (its
short_id, `User.body_key`), so the same account reviews its body in each year, and sees an
earlier year's items of its body in that year's archive."""
from __future__ import annotations

from kczg.models import Assignment, Attachment, BodyResult, Nomination, ReviewBody, User


def routed_body(nomination: Nomination) -> ReviewBody | None:
    """The initial review body the nomination goes to: its domain's, else its list's."""
    return (nomination.domain if nomination.domain_id else nomination.list).review_body


def routed_body_id(nomination: Nomination) -> int | None:
    if nomination.domain_id:
        return nomination.domain.review_body_id
    return nomination.list.review_body_id


def is_body_of(user: User, body: ReviewBody | None) -> bool:
    """`body` (any year's row) is the user's own body: the same stable id."""
    if body is None or user.role not in ("review", "expert"):
        return False
    return user.body_key == body.short_id if user.body_key else user.review_body_id == body.id


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
        return nomination.status == "submitted" and is_body_of(user, routed_body(nomination))
    if user.role == "expert":  # assigned to it (not declined), or its body's 组长
        return nomination.status == "submitted" and (Assignment.select().where(
            Assignment.nomination == nomination, Assignment.expert == user,
            Assignment.status != "conflict").exists() or BodyResult.select().where(
            BodyResult.body == routed_body_id(nomination), BodyResult.chair == user).exists())
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
    # a stamped scan is of one letter of a unit: the secretariat, and the body the letter's
    # nominations are routed to while one of them is submitted and the scan is current
    if user.role == "secretariat":
        return True
    if user.role == "review":
        return scan_routed_to(user, attachment)
    return False


def scan_routed_to(user: User, scan) -> bool:
    if scan.retired_at is not None:
        return False
    letter = Nomination.select().where(
        Nomination.organisation == scan.organisation_id, Nomination.list == scan.list_id,
        Nomination.status == "submitted")
    if scan.domain_id:
        letter = letter.where(Nomination.domain == scan.domain_id)
    return any(is_body_of(user, routed_body(n)) for n in letter)


def blind_for(user: User) -> bool:
    """An expert of a body that reviews blind (the recommending unit hidden), in the scope's
    year."""
    return user.role == "expert" and BodyResult.select().join(ReviewBody).where(
        ReviewBody.short_id == user.body_key, BodyResult.blind == True).exists()  # noqa: E712


def nomination_files(user: User, nomination: Nomination) -> list:
    """The 证明材料 of a nomination and its unit's stamped scan for the list, as `user` — who
    may see the nomination (the caller checked) — may download them: what
    can_download_attachment allows, decided for all at once (one query, and one more for an
    expert's blind review)."""
    rows = list(Attachment.select().where(
        (Attachment.nomination == nomination)
        | ((Attachment.kind == "stamped_scan") & (Attachment.list == nomination.list_id)
           & (Attachment.organisation == nomination.organisation_id)
           & Attachment.retired_at.is_null()
           & ((Attachment.domain == nomination.domain_id) | Attachment.domain.is_null())))
        .order_by(Attachment.id))
    if user.role != "expert":
        return rows
    blind = blind_for(user)
    return [a for a in rows if a.nomination_id and (a.blind_safe or not blind)]
