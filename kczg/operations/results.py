"""A body's initial results (初评结果): its shortlist kept, reported to the secretariat (with
assignments still unscored only with a typed reason), returned by the secretariat for changes;
and a nomination the secretariat sends back to its unit. Units hear where each of their
nominations stands."""
from __future__ import annotations

from datetime import datetime

from peewee import Case

from kczg.db import database
from kczg.models import BodyResult, Nomination, ReviewBody, User, utcnow
from kczg.rules import gates, permissions, years
from kczg.rules import review as rules
from kczg.services import audit, outbox
from kczg.services import review as review_reads
from kczg.services.documents import submitted_for_body

from . import Refused, refuse_if
from .nominations import record_history
from .review import own_body, result_row, secretariat


def tell_units(nominations: list[Nomination], subject: str, outcome) -> None:
    """Each unit hears, in one message, where each of its nominations stands."""
    by_unit: dict[int, list[Nomination]] = {}
    for n in nominations:
        by_unit.setdefault(n.organisation_id, []).append(n)
    for mine in by_unit.values():
        lines = "；".join(f"“{n.display_title}”：{outcome(n)}" for n in mine)
        outbox.notify(outbox.unit_users(mine[0].organisation), subject, lines + "。")


def set_shortlist(user: User, body: ReviewBody, nomination_ids: list[int]) -> BodyResult:
    own_body(user, body)
    result = result_row(body)
    if result.status == "submitted":
        raise Refused("初评结果已报送，只读；如需修改，请联系秘书处退回。")
    candidates = Nomination.select().where(Nomination.id.in_(nomination_ids),
                                           Nomination.status == "submitted") \
        if nomination_ids else []
    result.shortlist = sorted({n.id for n in candidates
                               if permissions.routed_body_id(n) == body.id})
    result.save()
    return result


def submit_results(user: User, body: ReviewBody, now: datetime | None = None,
                   reason: str = "") -> BodyResult:
    """报送: the shortlist goes to the secretariat. With assignments still unscored (declined
    ones apart) only with a typed `reason`, kept for the secretariat to see."""
    own_body(user, body)
    result = result_row(body)
    if result.status == "submitted":
        raise Refused("初评结果已报送。")
    if not rules.results_open(body, now):
        raise Refused(f"初评结果报送已于{body.campaign.initial_results_deadline_label}截止；"
                      "如需延期，请联系联合体秘书处。")
    if not result.shortlist:
        raise Refused("请先勾选初评入围项目。")
    missing = review_reads.missing_summaries(result.shortlist)
    if missing:
        raise Refused(f"请先填写初评入围项目的组长意见（尚缺{len(missing)}项：{'、'.join(missing[:5])}"
                      f"{'等' if len(missing) > 5 else ''}）。组长意见由组长填写，或由本机构代为录入。")
    routed = submitted_for_body(body)
    unscored = gates.unscored_assignments(body, [n.id for n in routed])
    reason = reason.strip()[:500]
    if unscored and not reason:
        raise Refused(f"尚有{unscored}个评审任务未评分。请等专家评完，或填写提前报送的理由"
                      "（秘书处可见）后再报送。")
    with database.atomic():
        result.status, result.submitted_at = "submitted", utcnow()
        result.note = f"报送时{unscored}个评审任务未评分。理由：{reason}" if unscored else ""
        result.save()
        ids = [n.id for n in routed]
        Nomination.update(outcome=Case(None, [(Nomination.id.in_(result.shortlist or [0]),
                                                "shortlisted")], "not_shortlisted")) \
            .where(Nomination.id.in_(ids or [0])).execute()
        for n in Nomination.select().where(Nomination.id.in_(result.shortlist)):
            record_history(n, user, "shortlisted", n.version)
        audit.record("results_submitted", f"body:{body.short_id}",
                     f"{len(result.shortlist)} shortlisted", actor=user)
        outbox.notify(outbox.secretariat_users(), f"{body.name}报送了初评结果",
                      f"初评入围{len(result.shortlist)}项。" + (result.note or ""))
        tell_units(routed, f"{body.name}已报送初评结果",
                   lambda n: "初评入围" if n.id in result.shortlist else "初评未入围")
    return result


def return_results(user: User, body: ReviewBody, comment: str) -> BodyResult:
    secretariat(user, body.campaign)
    result = result_row(body)
    if result.status != "submitted":
        raise Refused("该机构尚未报送初评结果。")
    if not comment.strip():
        raise Refused("退回时请填写意见。")
    with database.atomic():
        result.status, result.comment = "returned", comment
        result.save()
        Nomination.update(outcome="").where(
            Nomination.id.in_([n.id for n in submitted_for_body(body)] or [0])).execute()
        audit.record("results_returned", f"body:{body.short_id}", comment, actor=user)
        outbox.notify(outbox.body_users(body), "初评结果被退回修改", f"退回意见：{comment}")
    return result


def return_nomination(user: User, nomination: Nomination, comment: str) -> Nomination:
    """The secretariat sends a submitted nomination back to its unit as a draft (it leaves the
    review and its quota place is free until resubmitted)."""
    secretariat(user)
    refuse_if(years.write_refusal(nomination.list.campaign))
    if nomination.status != "submitted":
        raise Refused("只能退回已提交的推荐。")
    if not comment.strip():
        raise Refused("退回时请填写意见。")
    with database.atomic():
        Nomination.update(status="draft", outcome="", version=Nomination.version + 1,
                          updated_at=utcnow()).where(Nomination.id == nomination.id).execute()
        nomination = Nomination.get_by_id(nomination.id)
        record_history(nomination, user, "returned", nomination.version, [comment[:100]])
        outbox.notify(outbox.unit_users(nomination.organisation),
                      f"推荐“{nomination.display_title}”被秘书处退回",
                      f"退回意见：{comment}。请修改后重新提交；如已过截止时间，秘书处会另行延期。")
    return nomination
