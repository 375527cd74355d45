"""The recommending unit's pages: dashboard, nomination forms, attachments, history, the
paper copies and earlier years (往年推荐).

Thin views: they parse the request, call one operation (kczg.operations) or read, and render a
page or an htmx partial. Every nomination is fetched through `own_nomination`, which answers
404 for anything that is not this unit's; a nomination of an earlier year is shown in that
year's scope, read-only unless the secretariat reopened the year for the unit.
"""
import io
import json
import secrets
import tempfile
import zipfile

import peewee
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from peewee import JOIN
from werkzeug.datastructures import MultiDict

from exports import word_forms
from forms.accounts import LetterSettingsForm
from forms.registry import form_class
from kczg import downloads
from kczg.access import role_required
from kczg.campaigns import scope
from kczg.db import BUSY_MESSAGE, is_busy
from kczg.models import (
    Attachment,
    Campaign,
    DocumentRecord,
    Domain,
    LetterNumber,
    Nomination,
    NominationConflict,
    NominationHistory,
    NominationList,
    unscoped,
    utcnow,
)
from kczg.models.compiled import Compiled
from kczg.operations import Refused, Stale
from kczg.operations import attachments as attachment_ops
from kczg.operations import documents as document_ops
from kczg.operations import nominations as ops
from kczg.parsing import clean_filename, parse_int
from kczg.rules import calendar, earlier, gates, outcomes, permissions, quota, steps, years
from kczg.services import documents as docs
from kczg.services import files, search
from kczg.services import nominations as svc

bp = Blueprint("unit", __name__, url_prefix="/unit")


# the dashboard's two reads (a unit's nominations of the year, its letters' scans and their
# history), compiled once per process
_nominations_of = Compiled(lambda org: Nomination.select(Nomination, NominationList, Domain)
                          .join(NominationList).switch(Nomination)
                          .join(Domain, JOIN.LEFT_OUTER)
                          .where(Nomination.organisation == org)
                          .order_by(NominationList.position, Domain.position, Nomination.id))
_scans_of = Compiled(lambda org: Attachment.select().where(
    Attachment.organisation == org, Attachment.kind == "stamped_scan").order_by(Attachment.id))
_attachments_of = Compiled(lambda nid: Attachment.select().where(Attachment.nomination == nid)
                           .order_by(Attachment.id))
_open_conflicts_of = Compiled(lambda nid: NominationConflict.select().where(
    NominationConflict.nomination == nid, NominationConflict.resolved == False))  # noqa: E712


def own_nomination(nomination_id: int) -> Nomination:
    """The unit's own nomination, in this year's scope; one of an earlier year switches the
    request to that year's scope (its page is then an archive page)."""
    nomination = ops.nomination_by_id.first(nomination_id)
    if nomination is None:
        with unscoped():  # an earlier year's, perhaps
            nomination = Nomination.get_or_none(Nomination.id == nomination_id)
            earlier_year = nomination.list.campaign if nomination is not None else None
        if nomination is None or not permissions.can_edit_nomination(current_user, nomination):
            abort(404)
        scope.switch(earlier_year)
    if not permissions.can_edit_nomination(current_user, nomination):
        abort(404)
    return scope.attach(nomination, organisation=current_user.organisation)


def _quota_lines():
    return quota.usage(current_user.organisation, scope.lists())


@bp.route("/")
@role_required("unit")
def dashboard():
    campaign = scope.campaign()
    lists = scope.lists()
    # this year's nominations only: earlier years are under 往年推荐 (archive)
    rows = list(_nominations_of(current_user.organisation_id))
    scans = list(_scans_of(current_user.organisation_id))
    context = calendar.calendar_context(campaign, current_user.organisation) if campaign else {}
    # each list's own state: open now, not yet (a supplementary notice's later start), closed
    now = calendar.now_utc()
    list_state = {lst.id: ("open" if calendar.submission_open(campaign, now,
                                                             current_user.organisation, lst)
                           else "later" if calendar.list_not_yet_open(lst, now) else "closed")
                  for lst in lists if lst.is_open}
    letters = []
    for n in rows:
        pair = (n.list, n.domain if n.domain_id else None)
        if n.status == "submitted" and pair not in letters:
            letters.append(pair)
    for n in rows:  # (the unit's own: an empty draft prefills its contacts from it, no query)
        n.organisation = current_user.organisation
    completions = {n.id: svc.completion(n) for n in rows if n.status == "draft"}
    guides = _guides(campaign, rows, scans, completions=completions)
    query = search.parse(request.args.get("q"))
    shown = rows
    if query is not None and query.words:  # 搜索 over the unit's own (drafts too)
        found = {i for (i,) in Nomination.select(Nomination.id).where(
            Nomination.organisation == current_user.organisation,
            search.condition(query, units=False)).tuples()}
        shown = [n for n in rows if n.id in found]
    return render_template("unit/dashboard.html", campaign=campaign, lists=lists, letters=letters,
                           organisation=current_user.organisation, nominations=rows,
                           shown=shown, query=query, completions=completions,
                           stages=outcomes.stages(rows, campaign), stage_name=outcomes.stage_name,
                           quota_lines=quota.usage(current_user.organisation, lists, rows),
                           scans=scans, list_state=list_state, guides=guides,
                           any_open="open" in list_state.values(), **context)


def _step_links(ns: list, lst, domain_id) -> dict[str, str]:
    """Where each step of a list's guide is done: the draft (or the nomination), the letter, the
    scans."""
    first = next((n for n in ns if n.status == "draft"), ns[0])
    page = url_for("unit.nomination", nomination_id=first.id)
    domain = ns[0].domain.code if domain_id else None
    letter = url_for("unit.document_letter", code=lst.code, domain=domain, fmt="pdf")
    return {"填写": page, "提交": page, "下载推荐函": letter, "盖章": letter,
            "上传盖章扫描件": url_for("unit.dashboard") + "#scans"}


def _guides(campaign, rows, scans, only=None, completions=None) -> list:
    """The step guide of each list (and domain) the unit has nominations in: one query for the
    letters' records, the rest from rows the page has already."""
    pairs: dict = {}
    for n in rows:
        if only is not None and (n.list_id, n.domain_id) != only:
            continue
        pairs.setdefault((n.list_id, n.domain_id), []).append(n)
    if not pairs:
        return []
    org = current_user.organisation
    records = {}
    for r in (DocumentRecord.select().where(
            DocumentRecord.kind == "letter", DocumentRecord.organisation == org,
            DocumentRecord.superseded_by.is_null(),
            DocumentRecord.list.in_([k[0] for k in pairs]))):
        records[(r.list_id, r.domain_id)] = r
    out = []
    for (list_id, domain_id), ns in pairs.items():
        submitted = [n for n in ns if n.status == "submitted"]
        letter = records.get((list_id, domain_id))
        if letter is not None and submitted and \
                max(n.submitted_at for n in submitted) > letter.generated_at:
            letter = None  # submitted since: the letter to download is a new one
        lst = ns[0].list
        name = lst.name + (f"（{ns[0].domain.name}领域）" if domain_id else "")
        drafts = [n for n in ns if n.status == "draft"]
        completions = completions or {}
        out.append(steps.guide(
            name, len(drafts), len(submitted), letter,
            [s for s in scans if s.list_id == list_id and s.retired_at is None
             and s.domain_id in (domain_id, None)],
            calendar.submission_open(campaign, None, lst=lst),
            ready=sum(1 for n in drafts if n.id in completions and completions[n.id].passes),
            links=_step_links(ns, lst, domain_id)))
    return out


def _nomination_guide(nomination, completion=None):
    """The steps of a nomination's list: a draft's from what the page knows (no query), a
    submitted one's from its list's letter and scans."""
    campaign = nomination.list.campaign
    name = nomination.list.name + (f"（{nomination.domain.name}领域）"
                                   if nomination.domain_id else "")
    if nomination.status == "draft":
        done = completion or svc.completion(nomination)
        return steps.guide(name, 1, 0, None, [], True, ready=int(done.passes),
                           links=_step_links([nomination], nomination.list,
                                             nomination.domain_id))
    rows = list(Nomination.select().where(
        Nomination.organisation == nomination.organisation_id,
        Nomination.list == nomination.list_id, Nomination.domain == nomination.domain_id))
    for n in rows:
        scope.attach(n, organisation=current_user.organisation)
    scans = list(Attachment.select().where(Attachment.organisation == nomination.organisation_id,
                                           Attachment.kind == "stamped_scan",
                                           Attachment.list == nomination.list_id,
                                           Attachment.retired_at.is_null()))
    found = _guides(campaign, rows, scans, only=(nomination.list_id, nomination.domain_id))
    return found[0] if found else None


@bp.route("/quota")
@role_required("unit")
def quota_partial():
    return render_template("unit/_quota.html", quota_lines=_quota_lines())


def _list_and_domain(code: str, message: str):
    """This year's open list named `code` and the domain the form chose; a flash and None
    when the list is not open or no domain was chosen."""
    lst = scope.list_by_code(code)
    if lst is None:
        abort(404)
    if form_class(lst) is None:
        flash(f"{lst.name}{lst.status_note or '未开放申报'}。", "error")
        return None, None
    domain = scope.domain(lst, request.form.get("domain")) if lst.has_domains else None
    if lst.has_domains and domain is None:
        flash(message, "error")
        return None, None
    return lst, domain


@bp.route("/nominations/new", methods=["POST"])
@role_required("unit")
def nomination_new():
    lst, domain = _list_and_domain(request.form.get("list", ""), "请选择所属领域。")
    if lst is None:
        return redirect(url_for(".dashboard"))
    try:
        nomination = ops.create_draft(current_user, lst, domain)
    except Refused as e:
        flash(str(e), "error")
        return redirect(url_for(".dashboard"))
    limit = quota.quota_of(current_user.organisation, lst) if lst.quota is not None else None
    used = quota.submitted_count(current_user.organisation, lst, domain)
    if limit is not None and used >= limit:  # a draft may wait; it cannot be submitted yet
        where = "该领域" if domain is not None else "该榜单"
        flash(f"{where}名额已满（{used}/{limit}），可先保存草稿，撤回一项后方可提交。", "warning")
    return redirect(url_for(".nomination", nomination_id=nomination.id))


def _page(nomination, form, status=200, message=None, message_kind="error", word_report=None):
    """A nomination's page: the form while the unit may change it, else the record. An earlier
    year's is an archive page (no quota, no countdown), changeable only where reopened."""
    campaign = nomination.list.campaign
    template = "unit/nomination_edit.html" if ops.editable(nomination) \
        else "unit/nomination_view.html"
    stage = outcomes.stages([nomination], campaign)[nomination.id]
    archived = not campaign.is_current
    reopened = years.reopened_until(nomination.organisation, campaign) if archived else None
    context = calendar.calendar_context(campaign, nomination.organisation, nomination.list)
    if archived:
        context["submission_open"] = years.reopened(nomination.organisation, campaign)
    completion = svc.completion(nomination) if nomination.status == "draft" else None
    return render_template(
        template, nomination=nomination, form=form, message=message, message_kind=message_kind,
        error_summary=svc.error_summary(form) if status == 422 or word_report else [],
        word_report=word_report,
        editor=request.form.get("editor") or secrets.token_hex(8),
        attachments=list(_attachments_of(nomination.id)),
        conflicts=list(_open_conflicts_of(nomination.id)), stage=stage,
        earlier_flag=None if archived else
        earlier.flags([nomination], campaign).get(nomination.id),
        guide=None if archived else _nomination_guide(nomination, completion),
        completion=completion,
        stage_name=outcomes.stage_name(stage), archived=archived, reopened_until=reopened,
        may_change=gates.unit_may_change(nomination, years.reopened(nomination.organisation,
                                                                    campaign)),
        delivered_note=gates.DELIVERED,
        quota_lines=[] if archived else
        [q for q in _quota_lines() if q.list.id == nomination.list_id
         and (q.domain is None or q.domain.id == nomination.domain_id)],
        campaign=campaign, **context), status


@bp.route("/nominations/<int:nomination_id>", methods=["GET"])
@role_required("unit")
def nomination(nomination_id):
    nomination = own_nomination(nomination_id)
    with svc.shown_form(nomination) as form:
        return _page(nomination, form)


def _based_on() -> int:
    version = parse_int(request.form.get("version", ""), 0)
    if version is None:
        abort(400)
    return version


def _editor() -> str:
    return request.form.get("editor", "")[:32]


def _input(nomination: Nomination):
    """The page's form data with only what the list's form has (the draft keeps nothing else)."""
    return svc.form_input(request.form, form_class(nomination.list))


def _check_size():
    if len(request.form) > svc.MAX_KEYS:
        abort(413)


@bp.route("/nominations/<int:nomination_id>", methods=["POST"])
@role_required("unit")
def nomination_post(nomination_id):
    """The page's own submit buttons (they work with JavaScript off): save, submit, add a row,
    remove a row. Whatever the outcome, what the user typed is kept and shown again."""
    nomination = own_nomination(nomination_id)
    _check_size()
    action = request.form.get("action", "save")
    formdata = _input(nomination)
    if action.startswith("remove:"):
        _, group, index = (action.split(":") + ["", ""])[:3]
        row = parse_int(index, 0, 999)
        formdata = svc.without_row(formdata, group, -1 if row is None else row)
    form = svc.build_form(nomination, formdata)
    if action.startswith("add:"):
        svc.add_row(form, action.split(":", 1)[1])
    raw, over = svc.storable(nomination, svc.raw_from(formdata))
    args = dict(user=current_user, raw=raw, based_on_version=_based_on(),
                derived=svc.derived(form, nomination),
                changed=svc.changed_fields(nomination, raw), editor=_editor())
    try:
        if over:  # never stored cut: the rest is saved, the field says why it was not
            saved = ops.save_draft(nomination.id, **args)
            form.validate()
            svc.mark_over_long(form, over)
            return _page(saved, form, 422, "有内容超过平台可保存的长度，未保存（见标红的项目）；"
                         "其余内容已保存为草稿。")
        return _save_or_submit(nomination, form, action, args)
    except peewee.OperationalError as e:
        if not is_busy(e):
            raise
        # the lock stayed taken: nothing was written; show the page again as typed (an
        # autosave that meets the same gets the app's own 503, kczg/__init__.py)
        return _page(nomination, form, 503, BUSY_MESSAGE)


def _save_or_submit(nomination, form, action, args):
    try:
        if action == "submit":
            if not form.validate():
                saved = ops.save_draft(nomination.id, **args)
                return _page(saved, form, 422, "提交未成功：请按标红的提示修改后再提交。"
                             "您填写的内容已保存为草稿。")
            submitted = ops.submit(nomination.id, clean=form.clean_data(), **args)
            flash(f"“{submitted.display_title}”已提交。", "success")
            return redirect(url_for(".nomination", nomination_id=nomination.id))
        saved = ops.save_draft(nomination.id, **args)
    except Stale as e:
        return _page(_reloaded(nomination), form, 409, str(e))
    except Refused as e:
        # keep everything typed: a refused submission is saved as a draft where still possible
        try:
            saved = ops.save_draft(nomination.id, **args)
        except Refused:
            saved = _reloaded(nomination)
        return _page(saved, form, 409, str(e) + ("（您填写的内容已保存为草稿。）"
                                                if saved.status == "draft" else ""))
    message = None if action.startswith(("add:", "remove:")) else \
        f"草稿已保存（{calendar.format_local(utcnow(), fmt='%H:%M:%S')}）。"
    return _page(saved, form, 200, message, "success")


def _reloaded(nomination: Nomination) -> Nomination:
    return scope.attach(Nomination.get_by_id(nomination.id),
                        organisation=current_user.organisation)


@bp.route("/nominations/<int:nomination_id>/autosave", methods=["POST"])
@role_required("unit")
def nomination_autosave(nomination_id):
    """htmx: store the draft as typed (valid or not); answers the '已保存 HH:MM:SS' mark."""
    nomination = own_nomination(nomination_id)
    _check_size()
    raw, over = svc.storable(nomination, svc.raw_from(_input(nomination)))
    try:
        saved = ops.save_draft(nomination.id, current_user, raw, _based_on(),
                               svc.derived_from_raw(form_class(nomination.list), raw, nomination),
                               svc.changed_fields(nomination, raw), editor=_editor())
    except Stale as e:
        return render_template("unit/_save_status.html", error=str(e), conflict=True,
                               nomination=nomination), 409
    except Refused as e:
        return render_template("unit/_save_status.html", error=str(e), conflict=False,
                               nomination=nomination), 423
    saved_at = calendar.format_local(saved.updated_at, fmt="%H:%M:%S")
    if over:  # the rest saved; the over-long text stays in the page and the browser's copy
        names = _over_long_names(form_class(nomination.list)(formdata=None, meta={"csrf": False}),
                                 over)
        return render_template("unit/_save_status.html", nomination=saved, saved_at=saved_at,
                               error=f"未保存：{names}超过平台可保存的{svc.MAX_VALUE_CHARS}个字，"
                                     "请删减；其余内容已保存。", partial=True), 422
    return render_template("unit/_save_status.html", nomination=saved, error=None,
                           saved_at=saved_at)


def _over_long_names(form, over: dict[str, int]) -> str:
    """技术简介（25000字）、… : the inputs not saved for their length, in the unit's words."""
    return "、".join(f"{_input_label(form, k)}（{n}字）" for k, n in over.items())


def _input_label(form, name: str) -> str:
    group, _, rest = name.partition("-")
    if rest and group in form._fields:
        index, _, sub = rest.partition("-")
        entry = form[group].entries[0].form
        label = str(entry[sub].label.text) if sub in entry._fields else sub
        return f"{form[group].label.text}第{int(index) + 1}行·{label}"
    return str(form[name].label.text) if name in form._fields else name


@bp.route("/nominations/<int:nomination_id>/validate/<name>", methods=["POST"])
@role_required("unit")
def nomination_validate(nomination_id, name):
    """htmx: validate the whole form as typed and answer one field with its errors."""
    nomination = own_nomination(nomination_id)
    form = svc.build_form(nomination, _input(nomination))
    form.validate()
    field = svc.find_field(form, name)
    if field is None:
        abort(404)
    cls, warning = type(form), None
    if name in (cls.TITLE_FIELD, cls.DEDUPE_FIELD):  # selected in an earlier year?
        key = svc.derived_from_raw(cls, {n: form[n].raw_data or [] for n in
                                         (cls.TITLE_FIELD, cls.DEDUPE_FIELD) if n}, nomination)
        warning = earlier.flag_for_input(nomination, key["dedupe_key"], key["title"])
    return render_template("unit/_field.html", field=field, nomination=nomination,
                           warning=warning)


@bp.route("/nominations/<int:nomination_id>/rows/<group>", methods=["POST"])
@role_required("unit")
def nomination_rows(nomination_id, group):
    """htmx: add a row to, or remove row N from, a repeating group; answers that group."""
    nomination = own_nomination(nomination_id)
    formdata = _input(nomination)
    remove = parse_int(request.args.get("remove", ""), 0, 999)
    if remove is not None:
        formdata = svc.without_row(formdata, group, remove)
    form = svc.build_form(nomination, formdata)
    rows = form.row_groups().get(group)
    if rows is None:
        abort(404)
    if request.args.get("add"):
        svc.add_row(form, group)
    response = make_response(render_template("unit/_rows.html", rows=rows, nomination=nomination))
    response.headers["HX-Trigger"] = "kczg:changed"  # autosave what the rows now hold
    return response


def _status_action(nomination_id, action, done):
    nomination = own_nomination(nomination_id)
    try:
        getattr(ops, action)(nomination.id, current_user)
    except Refused as e:
        flash(str(e), "error")
    else:
        flash(done.format(title=nomination.display_title), "success")
    if action == "delete_draft":
        return redirect(url_for(".dashboard"))
    return redirect(url_for(".nomination", nomination_id=nomination.id))


@bp.route("/nominations/<int:nomination_id>/withdraw", methods=["POST"])
@role_required("unit")
def nomination_withdraw(nomination_id):
    return _status_action(nomination_id, "withdraw", "“{title}”已撤回，不再计入推荐名额。")


@bp.route("/nominations/<int:nomination_id>/reopen", methods=["POST"])
@role_required("unit")
def nomination_reopen(nomination_id):
    return _status_action(nomination_id, "reopen",
                          "“{title}”已转为草稿，可以修改；修改后请重新提交。")


@bp.route("/nominations/<int:nomination_id>/delete", methods=["POST"])
@role_required("unit")
def nomination_delete(nomination_id):
    return _status_action(nomination_id, "delete_draft", "草稿“{title}”已删除。")


@bp.route("/nominations/<int:nomination_id>/history")
@role_required("unit")
def nomination_history(nomination_id):
    nomination = own_nomination(nomination_id)
    rows = list(nomination.history.order_by(NominationHistory.id.desc()))
    conflicts = list(nomination.conflicts.order_by(NominationConflict.id.desc()))
    return render_template("unit/history.html", nomination=nomination, rows=rows,
                           conflicts=conflicts, campaign=nomination.list.campaign)


@bp.route("/nominations/<int:nomination_id>/conflicts/<int:conflict_id>")
@role_required("unit")
def nomination_conflict(nomination_id, conflict_id):
    """The copy kept when a save was refused as stale, shown as a form to copy from."""
    nomination = own_nomination(nomination_id)
    conflict = NominationConflict.get_or_none(NominationConflict.id == conflict_id,
                                              NominationConflict.nomination == nomination)
    if conflict is None:
        abort(404)
    form = svc.build_form(nomination, MultiDict([(k, v) for k, vs in conflict.raw.items()
                                                 for v in vs]))
    return render_template("unit/conflict.html", nomination=nomination, conflict=conflict,
                           form=form, campaign=nomination.list.campaign)


@bp.route("/nominations/<int:nomination_id>/conflicts/<int:conflict_id>/resolve",
          methods=["POST"])
@role_required("unit")
def nomination_conflict_resolve(nomination_id, conflict_id):
    nomination = own_nomination(nomination_id)
    try:
        ops.resolve_conflict(current_user, nomination, conflict_id)
        flash("冲突副本已标记为已处理。", "info")
    except Refused as e:
        flash(str(e), "error")
    return redirect(url_for(".nomination", nomination_id=nomination.id))


# --- attachments -----------------------------------------------------------------------------

@bp.route("/nominations/<int:nomination_id>/attachments", methods=["POST"])
@role_required("unit")
def attachment_upload(nomination_id):
    nomination = own_nomination(nomination_id)
    unsaved = _keep_typed(nomination)
    if unsaved:
        flash(unsaved, "error")
    try:
        att = attachment_ops.add_material(current_user, nomination, _upload("material-file"))
        flash(f"已上传“{att.original_name}”。", "upload-success")
    except (files.UploadError, Refused) as e:
        flash(str(e), "upload-error")
    return redirect(url_for(".nomination", nomination_id=nomination.id) + "#attachments")


def _upload(control: str):
    """The file a control sent: its own form's input, or (the page without JavaScript, where
    the file goes with the nomination form) the input named after the control."""
    upload = request.files.get("file")
    return upload if upload is not None and upload.filename else \
        request.files.get(f"{control}-plain")


def _keep_typed(nomination) -> str | None:
    """An upload sent with the nomination form (the page without JavaScript, where nothing
    autosaves): what was typed is saved first, as the 保存草稿 button would; the reason when it
    could not be (a stale page keeps a conflict copy, nothing is lost)."""
    if "version" not in request.form or nomination.status != "draft":
        return None
    _check_size()
    formdata = _input(nomination)
    form = svc.build_form(nomination, formdata)
    raw, over = svc.storable(nomination, svc.raw_from(formdata))
    try:
        ops.save_draft(nomination.id, current_user, raw, _based_on(),
                       svc.derived(form, nomination), svc.changed_fields(nomination, raw),
                       editor=_editor())
    except (Stale, Refused) as e:
        return f"填写的内容未保存：{e}"
    if over:
        return "有内容超过平台可保存的长度，未保存：" + _over_long_names(form, over)
    return None


# --- the Word round trip ----------------------------------------------------------------------

@bp.route("/nominations/<int:nomination_id>/preview.pdf")
@role_required("unit")
def nomination_preview(nomination_id):
    """预览申报书: the draft's 申报书 as it stands, marked 草稿."""
    nomination = own_nomination(nomination_id)
    data = docs.draft_preview_pdf(nomination, svc.build_form(nomination))
    return files.send_download(io.BytesIO(data), docs.FORMATS["pdf"],
                               f"{nomination.display_title[:40]}-申报书预览（草稿）.pdf",
                               f"kczg-preview-{nomination.id}.pdf")


@bp.route("/lists/<code>/word-template.docx")
@role_required("unit")
def word_template(code):
    """下载Word模板: the list's form as a DOCX to fill in offline (exports/word_forms.py)."""
    campaign = scope.campaign()
    lst = scope.list_by_code(code)
    cls = form_class(lst) if lst is not None and lst.is_open else None
    if cls is None:
        abort(404)
    form = cls(formdata=None, meta={"csrf": False})
    if cls.DOMAIN_FIELD:
        form.set_domains(lst.domain_rows)
    heading = f"{campaign.year or campaign.title[:4]}“科创中国”{lst.name}申报书"
    data = word_forms.template_docx(form, lst.code, lst.name, heading, campaign.year or "")
    return files.send_download(io.BytesIO(data), docs.FORMATS["docx"],
                               f"{lst.name}-Word填报模板.docx", f"kczg-template-{lst.code}.docx")


@bp.route("/lists/<code>/word", methods=["POST"])
@role_required("unit")
def new_from_word(code):
    """上传Word填报 on the dashboard: a new draft of the list, filled from the file (the upload
    goes on to the draft's own import, the file sent again with the same request: 307)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        if scope.list_by_code(code) is None:
            abort(404)
        flash("请选择填好的Word文件（.docx）后再上传。", "error")
        return redirect(url_for(".dashboard") + "#new")
    lst, domain = _list_and_domain(code, "请选择所属领域后再上传Word文件。")
    if lst is None:
        return redirect(url_for(".dashboard") + "#new")
    try:
        nomination = ops.create_draft(current_user, lst, domain)
    except Refused as e:
        flash(str(e), "error")
        return redirect(url_for(".dashboard") + "#new")
    return _import_word(nomination, upload)


@bp.route("/nominations/<int:nomination_id>/word", methods=["POST"])
@role_required("unit")
def nomination_word(nomination_id):
    """上传Word填报: a filled template (or a 申报书 DOCX of the platform) fills the draft; every
    value is then checked as if typed, and the unit sees what was read and what was not."""
    nomination = own_nomination(nomination_id)
    unsaved = _keep_typed(nomination)  # without JavaScript the form came along: kept first
    if unsaved:
        return _page(nomination, svc.build_form(nomination, _input(nomination)), 409, unsaved)
    if "version" in request.form:
        nomination = _reloaded(nomination)
    return _import_word(nomination, _upload("word-file"))


def _import_word(nomination, upload):
    """Read the file; where it would overwrite what the draft holds, show the changes and ask
    (word_confirm.html), else fill the draft at once."""
    if upload is None or not upload.filename:
        with svc.shown_form(nomination) as form:
            return _page(nomination, form, 422,
                         "请选择要上传的Word文件（.docx）。")
    try:
        reading, new_raw, changes = ops.read_word(nomination, upload.read())
    except Refused as e:
        with svc.shown_form(nomination) as form:
            return _page(nomination, form, 422, str(e))
    if changes:
        payload = json.dumps({"raw": new_raw, "read": reading.read, "unknown": reading.unknown,
                              "unreadable": reading.unreadable}, ensure_ascii=False)
        return render_template("unit/word_confirm.html", nomination=nomination, changes=changes,
                               reading=reading, payload=payload, editor=_editor(),
                               file_name=clean_filename(upload.filename))
    return _apply_word(nomination, new_raw, nomination.version, reading)


@bp.route("/nominations/<int:nomination_id>/word/confirm", methods=["POST"])
@role_required("unit")
def nomination_word_confirm(nomination_id):
    """确认导入: the values the unit saw on word_confirm.html, written into the draft (refused
    as stale when the draft changed in between)."""
    nomination = own_nomination(nomination_id)
    try:
        payload = json.loads(request.form.get("payload", ""))
        new_raw = payload["raw"]
        reading = word_forms.Reading(
            data=new_raw, read=[tuple(x)[:2] for x in payload.get("read", [])],
            unknown=[str(x) for x in payload.get("unknown", [])],
            unreadable=[str(x) for x in payload.get("unreadable", [])])
        if not isinstance(new_raw, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        with svc.shown_form(nomination) as form:
            return _page(nomination, form, 422,
                         "导入内容已失效，请重新上传Word文件。")
    return _apply_word(nomination, new_raw, _based_on(), reading)


def _apply_word(nomination, new_raw, based_on, reading):
    try:
        # (the page's own autosave, landing after the upload, is the same editor: not a
        # conflict, as for any save from that page)
        saved, form = ops.import_word(current_user, nomination, new_raw, based_on, _editor())
    except Stale as e:
        with svc.shown_form(nomination) as form:
            return _page(_reloaded(nomination), form, 409,
                         str(e) + "（Word文件未导入，请重新上传。）")
    except Refused as e:
        with svc.shown_form(nomination) as form:
            return _page(nomination, form, 422, str(e))
    problems = len(svc.error_summary(form))
    message = (f"已从Word文件读取{len(reading.read)}项" +
               (f"，其中{problems}处需要修改（见下方标红的提示）" if problems else "，均符合要求") +
               "。")
    return _page(saved, form, 200, message, "success" if not problems else "warning",
                 word_report=reading)


@bp.route("/lists/<code>/scan", methods=["POST"])
@bp.route("/lists/<code>/<domain>/scan", methods=["POST"])
@role_required("unit")
def scan_upload(code, domain=None):
    """上传盖章扫描件 of one letter (the list's, or the list's domain's); replaces its current
    scan, which stays in the history."""
    lst = scope.list_by_code(code)
    if lst is None or not lst.is_open:
        abort(404)
    chosen = scope.domain(lst, domain) if domain else None
    if domain and chosen is None:
        abort(404)
    key = lst.code + (f"-{chosen.code}" if chosen else "")
    letter = lst.name + (f"（{chosen.name}领域）" if chosen else "")
    try:
        att = attachment_ops.add_scan(current_user, lst, chosen, request.files.get("file"))
        flash(f"已上传{letter}推荐函的盖章扫描件“{att.original_name}”"
              f"（{calendar.format_local(att.uploaded_at, fmt='%m月%d日 %H:%M')}）。",
              f"scan-success:{key}")
    except (files.UploadError, Refused) as e:
        flash(str(e), f"scan-error:{key}")
    return redirect(url_for(".dashboard") + f"#scan-line-{key}")


@bp.route("/attachments/<int:attachment_id>")
@role_required("unit")
def attachment_download(attachment_id):
    return files.send(files.attachment_for(current_user, attachment_id))


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@role_required("unit")
def attachment_delete(attachment_id):
    att = files.attachment_for(current_user, attachment_id)
    try:
        attachment_ops.remove(current_user, att)
        flash(f"已删除“{att.original_name}”" + ("（保留在历史版本中）。" if att.kind == "stamped_scan"
                                             else "。"), "info")
    except Refused as e:
        flash(str(e), "error")
    if att.nomination_id:
        return redirect(url_for(".nomination", nomination_id=att.nomination_id) + "#attachments")
    return redirect(url_for(".dashboard") + "#scans")


# --- paper copies ----------------------------------------------------------------------------

@bp.route("/documents/nominations/<int:nomination_id>.<fmt>")
@role_required("unit")
def document_nomination(nomination_id, fmt):
    return downloads.nomination_document(own_nomination(nomination_id), fmt)


@bp.route("/documents/all.zip")
@role_required("unit")
def documents_zip():
    """全部材料: every letter, 申报书, the summary and the unit's stamped scans of the year as one
    ZIP (written to a temporary file, then sent; nothing is kept)."""
    org = current_user.organisation
    members = docs.unit_materials(org)
    if not members:
        flash("还没有已提交的推荐，暂无可下载的材料。", "info")
        return redirect(url_for(".dashboard") + "#documents")
    spool = tempfile.TemporaryFile()
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as z:
        for name, path in members:
            z.write(path, name)
    spool.seek(0)
    campaign = scope.campaign()
    return send_file(spool, mimetype="application/zip", as_attachment=True,
                     download_name=f"{docs.safe_name(org.name)}-{campaign.slug}-全部材料.zip")


@bp.route("/documents/letters/<code>.<fmt>")
@bp.route("/documents/letters/<code>/<domain>.<fmt>")
@role_required("unit")
def document_letter(code, fmt, domain=None):
    _archive_campaign()  # an earlier year's letter: its year's scope
    return downloads.letter_document(current_user.organisation, code, domain, fmt)


def _archive_campaign():
    """An earlier campaign named by ?campaign=<slug> (往年推荐): the request goes on in its
    scope; None for the current one."""
    slug = request.args.get("campaign", "")[:20]
    if not slug:
        return None
    campaign = Campaign.get_or_none(Campaign.slug == slug)
    if campaign is None:
        abort(404)
    scope.switch(campaign)
    return campaign


@bp.route("/archive")
@role_required("unit")
def archive():
    """往年推荐: the unit's nominations of earlier campaigns (a read across years), read-only
    unless the secretariat reopened a year for the unit, with their documents."""
    current = scope.campaign()
    with unscoped():
        rows = list(Nomination.select(Nomination, NominationList, Campaign, Domain)
                    .join(NominationList).join(Campaign).switch(Nomination)
                    .join(Domain, JOIN.LEFT_OUTER)
                    .where(Nomination.organisation == current_user.organisation,
                           Campaign.id != (current.id if current else 0))
                    .order_by(Campaign.year.desc(), NominationList.position, Nomination.id))
    by_campaign: dict = {}
    for n in rows:
        by_campaign.setdefault(n.list.campaign, []).append(n)
    letters = {c.id: sorted({(n.list, n.domain if n.domain_id else None) for n in ns
                             if n.status == "submitted"}, key=lambda p: (p[0].position, p[0].id))
               for c, ns in by_campaign.items()}
    org = current_user.organisation
    reopened = {c.id: years.reopened_until(org, c) for c in by_campaign
                if years.reopened(org, c)}
    return render_template("unit/archive.html", by_campaign=by_campaign, letters=letters,
                           stages=outcomes.stages(rows), stage_name=outcomes.stage_name,
                           reopened=reopened)


@bp.route("/letters/<code>/settings", methods=["GET", "POST"])
@bp.route("/letters/<code>/<domain>/settings", methods=["GET", "POST"])
@role_required("unit")
def letter_settings(code, domain=None):
    """推荐函设置: the unit's 发文字号 for this letter and its letterhead room (all its letters)."""
    org = current_user.organisation
    lst, dom = downloads.letter_of(org, code, domain)
    key = docs.letter_key(lst, dom)
    number = LetterNumber.get_or_none(LetterNumber.organisation == org, LetterNumber.letter == key)
    form = LetterSettingsForm(data={"number": number.number if number else "",
                                    "letterhead_mm": str(org.letterhead_mm or 0)})
    if form.validate_on_submit():
        try:
            document_ops.save_letter_settings(
                org, lst, key, form.number.data or "",
                parse_int((form.letterhead_mm.data or "0").strip(), 0, 80) or 0)
        except Refused as e:
            flash(str(e), "error")
            return redirect(url_for(".dashboard"))
        flash("推荐函设置已保存；再次下载即为新版本（验证码随之更新）。", "success")
        return redirect(url_for(".dashboard") + "#documents")
    return render_template("unit/letter_settings.html", form=form, lst=lst, domain=dom), \
        400 if form.errors else 200


@bp.route("/documents/summary.<fmt>")
@role_required("unit")
def document_summary(fmt):
    return downloads.summary_document(docs.prepare_unit_summary(current_user.organisation), fmt)
