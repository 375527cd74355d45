"""A nomination's life as its unit changes it: a draft created, saved as typed (autosave), filled
from a Word file, submitted within the quota, withdrawn, reopened, deleted; a stale save kept as
a conflict copy, and the copy marked as dealt with.

Each checks the year (an earlier year only where the secretariat reopened it for the unit), the
phase (deadline, the unit's extension) and the version in one transaction, records the history,
and tells the unit's accounts after the commit.

Quota under concurrency: the unit's row is the lock. On SQLite the transaction starts with
BEGIN IMMEDIATE (one writer at a time); on PostgreSQL it takes SELECT … FOR UPDATE on the
organisation, so two submissions of one unit (two tabs, two users) count one after the other.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from werkzeug.datastructures import MultiDict

from exports import word_forms
from forms.registry import form_class
from kczg import queue
from kczg.campaigns import scope
from kczg.campaigns.scope import attach
from kczg.db import database, is_postgres, write_transaction
from kczg.models import (
    Domain,
    Nomination,
    NominationConflict,
    NominationHistory,
    NominationList,
    Organisation,
    User,
    utcnow,
)
from kczg.models.compiled import Compiled
from kczg.rules import calendar, gates, quota, years
from kczg.services import documents, outbox
from kczg.services import nominations as forms_svc
from kczg.services.review_stats import province_from

from . import Refused, Stale, search

HISTORY_MERGE_WINDOW = timedelta(minutes=10)  # autosaves by one user within it share a row


def check_open(nomination_list: NominationList, now: datetime | None = None,
               organisation: Organisation | None = None) -> None:
    """Refuse an earlier year (unless reopened for the unit), a list not yet open, and a
    deadline passed (the unit's extended one, if the secretariat granted it)."""
    campaign = nomination_list.campaign
    refusal = years.unit_write_refusal(campaign, organisation, now)
    if refusal:
        raise Refused(refusal)
    if calendar.list_not_yet_open(nomination_list, now):
        raise Refused(f"{nomination_list.name}尚未开始征集，请关注补充通知。")
    if not calendar.submission_open(campaign, now, organisation, nomination_list):
        raise Refused(f"网上申报已于{calendar.deadline_label(campaign, nomination_list)}（北京时间）"
                      "截止，不能再新建、修改、提交或撤回推荐。")


def editable(nomination: Nomination, now: datetime | None = None) -> bool:
    """The unit may still change this draft now (its page shows the form, not the record)."""
    try:
        check_open(nomination.list, now, nomination.organisation)
    except Refused:
        return False
    return nomination.status == "draft"


def _lock_unit(organisation_id: int) -> None:
    """PostgreSQL: lock the unit's row, so its submissions count one after the other."""
    Organisation.select(Organisation.id).where(Organisation.id == organisation_id) \
        .for_update().get()


_last_history = Compiled(lambda nid: NominationHistory.select()
                         .where(NominationHistory.nomination == nid)
                         .order_by(NominationHistory.id.desc()).limit(1))


def record_history(nomination: Nomination, user: User, action: str, version: int,
                   fields: list = ()) -> None:
    """`fields`: notes (text), or the changes of a save ({label, before, after}). Saves by the
    same user within a few minutes are one entry: each field's first before, last after."""
    labels = [f["label"] if isinstance(f, dict) else f for f in fields]
    changes = [f for f in fields if isinstance(f, dict)]
    if action == "saved":
        last = _last_history.first(nomination.id)
        if (last and last.action == "saved" and last.user_id == user.id
                and utcnow() - last.at < HISTORY_MERGE_WINDOW):
            merged = {c["label"]: dict(c) for c in last.changes or []}
            for c in changes:
                if c["label"] in merged:
                    merged[c["label"]]["after"] = c["after"]
                else:
                    merged[c["label"]] = dict(c)
            last.changes = [c for c in merged.values() if c["before"] != c["after"]]
            last.fields = list(dict.fromkeys(list(last.fields) + labels))
            last.at, last.version = utcnow(), version
            last.save()
            return
    NominationHistory.create(nomination=nomination, user=user, action=action,
                             fields=labels, changes=changes, version=version,
                             campaign=nomination.campaign_id)


nomination_by_id = Compiled(lambda nid: Nomination.select().where(Nomination.id == nid)
                            .limit(1))


def _reload(nomination_id: int, user: User | None = None) -> Nomination:
    """The nomination as stored now, its list and domain from the campaign facts and, when
    it is the user's own, the unit row the user came with (one query)."""
    nomination = nomination_by_id.first(nomination_id)
    if nomination is None:
        raise Nomination.DoesNotExist(nomination_id)
    return attach(nomination,
                  organisation=user.organisation if user is not None and user.organisation_id
                  else None)


def create_draft(user: User, nomination_list: NominationList, domain: Domain | None,
                 now: datetime | None = None) -> Nomination:
    check_open(nomination_list, now, user.organisation)
    if not nomination_list.is_open:
        raise Refused(f"{nomination_list.name}{nomination_list.status_note or '未开放申报'}")
    with database.atomic():
        n = Nomination.create(list=nomination_list, domain=domain, campaign=nomination_list.campaign_id,
                              organisation=user.organisation, created_by=user)
        record_history(n, user, "created", n.version)
    return attach(n, organisation=user.organisation)


def _record_conflict(nomination: Nomination, user: User, raw: dict, based_on: int) -> Stale:
    """Keep what the user sent beside the stored version. Further autosaves from the same stale
    page update that one copy instead of piling up new ones."""
    with database.atomic():
        conflict = (NominationConflict.select()
                    .where(NominationConflict.nomination == nomination,
                           NominationConflict.user == user,
                           NominationConflict.based_on_version == based_on,
                           NominationConflict.resolved == False)  # noqa: E712
                    .first())
        if conflict:
            conflict.raw, conflict.at, conflict.stored_version = raw, utcnow(), nomination.version
            conflict.save()
        else:
            conflict = NominationConflict.create(nomination=nomination, user=user, raw=raw,
                                                 based_on_version=based_on,
                                                 stored_version=nomination.version,
                                                 campaign=nomination.campaign_id)
            record_history(nomination, user, "conflict", nomination.version)
    return Stale(f"这份推荐已在其他页面或由其他用户修改（当前为第{nomination.version}版，"
                 f"您编辑的是第{based_on}版）。为避免覆盖，您刚才的内容已另存为冲突副本，"
                 "请刷新页面查看最新内容后再合并修改。", nomination.version, conflict.id)


def _current(based_on_version: int, editor: str):
    """The version check: the page saw the latest version, or made it itself (a page's own
    autosave may still be in flight when it saves again; other pages conflict)."""
    same_page = (Nomination.last_editor == editor) if editor else False
    return (Nomination.version == based_on_version) | same_page


def save_draft(nomination_id: int, user: User, raw: dict, based_on_version: int,
               derived: dict, changed: list[str], now: datetime | None = None,
               editor: str = "") -> Nomination:
    """Store what the user typed (valid or not). `derived` holds title, dedupe_key, domain;
    `editor` names the page that sends it."""
    nomination = _reload(nomination_id, user)
    check_open(nomination.list, now, nomination.organisation)
    if nomination.status != "draft":
        raise Refused("这份推荐已提交，不能直接修改；如需修改，请先点击“重新编辑”。")
    with database.atomic():
        updated = (Nomination.update(raw=raw, version=Nomination.version + 1, updated_at=utcnow(),
                                     last_editor=editor, **derived)
                   .where(Nomination.id == nomination_id, Nomination.status == "draft",
                          _current(based_on_version, editor)).execute())
        if updated:
            nomination = _reload(nomination_id, user)
            search.index(nomination)
            if changed:
                record_history(nomination, user, "saved", nomination.version, changed)
            return nomination
    nomination = _reload(nomination_id, user)
    if nomination.status != "draft":
        raise Refused("这份推荐已提交，不能直接修改；如需修改，请先点击“重新编辑”。")
    raise _record_conflict(nomination, user, raw, based_on_version)


def submit(nomination_id: int, user: User, raw: dict, clean: dict, based_on_version: int,
           derived: dict, changed: list[str], now: datetime | None = None,
           editor: str = "") -> Nomination:
    """Submit a validated draft: year, deadline, version and quota checked under the unit's
    lock; the unit's message and the documents' rendering queued for after the commit."""
    stale = None
    with write_transaction():
        nomination = _reload(nomination_id, user)
        check_open(nomination.list, now, nomination.organisation)
        if is_postgres():  # SQLite's BEGIN IMMEDIATE holds the lock already
            _lock_unit(nomination.organisation_id)
            nomination = _reload(nomination_id, user)
        if nomination.status != "draft":
            raise Refused("这份推荐已提交，无需重复提交。")
        if nomination.version != based_on_version and not (
                editor and nomination.last_editor == editor):
            stale = nomination
        else:
            domain = derived.get("domain", nomination.domain)
            refusal = quota.quota_refusal(nomination.organisation, nomination.list, domain)
            if refusal:
                raise Refused(refusal)
            Nomination.update(raw=raw, clean=clean, status="submitted", submitted_at=utcnow(),
                              version=Nomination.version + 1, updated_at=utcnow(),
                              last_editor=editor,
                              province=province_from(clean.get("province"),
                                                     nomination.organisation.name),
                              **derived) \
                .where(Nomination.id == nomination_id).execute()
            nomination = _reload(nomination_id, user)
            search.index(nomination)
            record_history(nomination, user, "submitted", nomination.version, changed)
            _tell_unit(nomination, f"推荐“{nomination.display_title}”已提交",
                       f"{nomination.list.name}：已提交，提交人 {user.username}。")
            if current_app.config.get("KCZG_PRERENDER_DOCUMENTS"):
                queue.after_commit(documents.render_nomination_documents, nomination.id)
    if stale is None:
        return nomination
    raise _record_conflict(stale, user, raw, based_on_version)


def _change_status(nomination_id: int, user: User, expected: tuple[str, ...], new: str,
                   action: str, wrong_state: str, now: datetime | None) -> Nomination:
    with write_transaction():
        nomination = _reload(nomination_id, user)
        check_open(nomination.list, now, nomination.organisation)
        if nomination.status not in expected:
            raise Refused(wrong_state)
        if not gates.unit_may_change(nomination, years.reopened(
                nomination.organisation, nomination.list.campaign, now), now):
            raise Refused(gates.DELIVERED)
        Nomination.update(status=new, outcome="", version=Nomination.version + 1,
                          updated_at=utcnow()).where(Nomination.id == nomination_id).execute()
        nomination = _reload(nomination_id, user)
        record_history(nomination, user, action, nomination.version)
    return nomination


def _tell_unit(nomination: Nomination, subject: str, body: str) -> None:
    """Every account of the unit hears of its nominations' state changes (two users, one
    unit: each sees what the other did)."""
    outbox.notify(outbox.unit_users(nomination.organisation), subject, body)


def withdraw(nomination_id: int, user: User, now: datetime | None = None) -> Nomination:
    """撤回: a submitted nomination leaves the review and frees its quota place."""
    nomination = _change_status(nomination_id, user, ("submitted",), "withdrawn", "withdrawn",
                                "只有已提交的推荐可以撤回。", now)
    _tell_unit(nomination, f"推荐“{nomination.display_title}”已撤回",
               f"撤回人 {user.username}，不再计入推荐名额。")
    return nomination


def reopen(nomination_id: int, user: User, now: datetime | None = None) -> Nomination:
    """重新编辑: a submitted or withdrawn nomination becomes a draft again (not counted)."""
    return _change_status(nomination_id, user, ("submitted", "withdrawn"), "draft", "reopened",
                          "这份推荐已是草稿，可直接编辑。", now)


def delete_draft(nomination_id: int, user: User, now: datetime | None = None) -> None:
    nomination = _reload(nomination_id, user)
    check_open(nomination.list, now, nomination.organisation)
    if nomination.status != "draft":
        raise Refused("只能删除草稿；已提交的推荐请先撤回。")
    nomination.delete_instance(recursive=True)


def resolve_conflict(user: User, nomination: Nomination, conflict_id: int) -> None:
    """The unit has dealt with a conflict copy: it leaves the nomination's page."""
    refusal = years.unit_write_refusal(nomination.list.campaign, nomination.organisation)
    if refusal:
        raise Refused(refusal)
    NominationConflict.update(resolved=True).where(
        NominationConflict.id == conflict_id,
        NominationConflict.nomination == nomination).execute()


# --- the Word round trip ---------------------------------------------------------------------

PREFILLED = {"contact_name", "contact_phone", "contact_email"}


def _word_may_fill(nomination: Nomination) -> None:
    check_open(nomination.list, organisation=nomination.organisation)
    if nomination.status != "draft":
        raise Refused("已提交的推荐不能导入；如需修改，请先点击“重新编辑”。")


def read_word(nomination: Nomination, data: bytes):
    """What a Word file would put into the draft, without writing: (the file's reading, the new
    raw data, the changes over what the draft holds). Refused when the draft cannot change or
    the file is not a form of this list and year."""
    _word_may_fill(nomination)
    lst = nomination.list
    blank = forms_svc.build_form(nomination, MultiDict())
    try:
        reading = word_forms.read_docx(data, blank, lst.code, lst.campaign.year or "",
                                       lst.name, {x.code: x.name for x in scope.lists()})
    except word_forms.WordFormError as e:
        raise Refused(str(e)) from e
    return reading, *word_changes(nomination, reading.data)


def word_changes(nomination: Nomination, data: dict) -> tuple[dict, list[dict]]:
    """The draft's raw data with a file's values (a group the file holds replaces the draft's
    rows; the domain chosen on the dashboard stays unless the file names one), and the values
    it would overwrite ({label, before, after}; filling an empty field is not one)."""
    cls = form_class(nomination.list)
    groups = {k.split("-", 1)[0] for k in data if re.match(r"^[a-z_]+-\d+-", k)}
    old = dict(nomination.raw or {})
    if cls.DOMAIN_FIELD and not (old.get(cls.DOMAIN_FIELD) or [""])[0] and nomination.domain_id:
        old[cls.DOMAIN_FIELD] = [nomination.domain.code]
    raw = {k: v for k, v in old.items() if k.split("-", 1)[0] not in groups} | data
    formdata = forms_svc.form_input(MultiDict([(k, v) for k, vs in raw.items() for v in vs]), cls)
    new_raw = forms_svc.raw_from(formdata)
    typed = any((v or [""])[0].strip() for k, v in old.items()
                if k not in PREFILLED and k != cls.DOMAIN_FIELD)
    if not typed:  # a new draft: only the unit's contact details and the domain to replace
        return new_raw, []
    return new_raw, [c for c in forms_svc.changed_fields(nomination, new_raw)
                     if c["before"].strip()]


def import_word(user: User, nomination: Nomination, new_raw: dict, based_on_version: int,
                editor: str = ""):
    """上传Word填报, confirmed: the draft takes the file's values (read_word); returns (the
    saved nomination, the form bound to what is now stored, validated)."""
    _word_may_fill(nomination)
    cls = form_class(nomination.list)
    formdata = forms_svc.form_input(MultiDict([(k, v) for k, vs in new_raw.items()
                                               for v in (vs if isinstance(vs, list) else [])]),
                                    cls)
    new_raw, over = forms_svc.storable(nomination, forms_svc.raw_from(formdata))
    form = forms_svc.build_form(nomination, formdata)
    saved = save_draft(nomination.id, user, new_raw, based_on_version,
                       forms_svc.derived(form, nomination),
                       forms_svc.changed_fields(nomination, new_raw), editor=editor)
    form.validate()
    forms_svc.mark_over_long(form, over)
    return saved, form
