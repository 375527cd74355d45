"""The secretariat's pages: the campaign at a glance, unit accounts, account applications,
备案, review progress, extensions, the final review and publication."""
import io
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from peewee import fn

from forms.accounts import ContactForm, DecisionForm, ImportUnitsForm, NewUnitForm
from forms.choices import PROVINCES
from kczg import config, downloads
from kczg.access import role_required
from kczg.campaigns import current_campaign
from kczg.models import (
    AccountApplication,
    AuditEvent,
    DuplicateDismissal,
    Extension,
    Nomination,
    NominationList,
    Organisation,
    Publication,
    ReviewBody,
    UnitType,
    User,
    utcnow,
)
from kczg.parsing import clean_text, parse_datetime, parse_int
from kczg.public.views import calendar_context, lists_with_routing
from kczg.rules import earlier, gates, permissions
from kczg.rules import review_flow as flow
from kczg.rules.duplicates import duplicate_groups
from kczg.rules.transitions import Refused
from kczg.services import accounts, audit, files, listing, review_stats
from kczg.services import nominations as svc

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@role_required("secretariat")
def dashboard():
    campaign = current_campaign()
    counts = dict(User.select(User.role, fn.COUNT(User.id)).group_by(User.role).tuples())
    pending = AccountApplication.select().where(AccountApplication.status == "pending").count()
    bodies = list(campaign.review_bodies.order_by(ReviewBody.position)) if campaign else []
    return render_template("secretariat/dashboard.html", campaign=campaign, counts=counts,
                           pending=pending, bodies=bodies,
                           lists=lists_with_routing(campaign) if campaign else [],
                           base_url_problem=config.base_url_problem(current_app.config),
                           **(calendar_context(campaign) if campaign else {}))


@bp.route("/notice-files", methods=["GET", "POST"])
@role_required("secretariat")
def notice_files():
    """通知附件: templates, a user guide, common questions published with the notice."""
    from kczg.models import NoticeFile

    campaign = current_campaign()
    if campaign is None:
        abort(404)
    if request.method == "POST":
        title = clean_text(request.form.get("title", "")).strip()[:100]
        upload = request.files.get("file")
        try:
            if not title:
                raise files.UploadError("请填写附件名称，如“推荐书填写指南”")
            if upload is None or not upload.filename:
                raise files.UploadError("请选择要上传的文件")
            stored = files.store(upload.stream, upload.filename, office=True)
            count = NoticeFile.select().where(NoticeFile.campaign == campaign).count()
            NoticeFile.create(campaign=campaign, title=title, position=count,
                              uploaded_by=current_user._get_current_object(), **stored)
            audit.record("notice_file_added", title, stored["original_name"],
                         actor=current_user._get_current_object())
            flash(f"已发布附件“{title}”。", "success")
            return redirect(url_for(".notice_files"))
        except files.UploadError as e:
            flash(str(e), "error")
    rows = list(NoticeFile.select().where(NoticeFile.campaign == campaign)
                .order_by(NoticeFile.position, NoticeFile.id))
    return render_template("secretariat/notice_files.html", campaign=campaign, rows=rows,
                           title=request.form.get("title", "")[:100])


@bp.route("/notice-files/<int:file_id>/delete", methods=["POST"])
@role_required("secretariat")
def notice_file_delete(file_id):
    from kczg.models import NoticeFile

    row = NoticeFile.get_or_none(NoticeFile.id == file_id)
    if row is None:
        abort(404)
    (files.upload_dir() / row.stored_name).unlink(missing_ok=True)
    row.delete_instance()
    audit.record("notice_file_removed", row.title, row.original_name,
                 actor=current_user._get_current_object())
    flash(f"已删除附件“{row.title}”。", "success")
    return redirect(url_for(".notice_files"))


@bp.route("/overview")
@role_required("secretariat")
def overview():
    """征集概况: nominations per list and domain, submissions per day towards the deadline,
    units that have submitted nothing yet (charts drawn as SVG on the server)."""
    from kczg.services import overview as ov

    campaign = current_campaign()
    if campaign is None:
        abort(404)
    days = ov.per_day(campaign)
    without = ov.units_without(campaign, limit=LISTED_UNITS + 1)
    return render_template("secretariat/overview.html", campaign=campaign,
                           bars=ov.per_list(campaign, lists_with_routing(campaign)),
                           line=ov.line_chart(days, ov.deadline_day(campaign)),
                           without=without[:LISTED_UNITS], more=len(without) > LISTED_UNITS,
                           **calendar_context(campaign))


LISTED_UNITS = 50


@bp.route("/overview/units-without.xlsx")
@role_required("secretariat")
def units_without_xlsx():
    """Every unit without a submitted nomination, with its contacts, as XLSX."""
    from exports import xlsx as xlsx_writer
    from kczg.services import overview as ov

    campaign = current_campaign()
    rows = ov.units_without(campaign)
    wb = xlsx_writer.table_workbook(
        f"{campaign.title} 尚未提交推荐的单位", ["序号", "推荐单位", "单位类型", "联系人", "联系电话",
                                           "电子邮箱"],
        [[i, o.name, o.unit_type.name, o.contact, o.phone, o.email]
         for i, o in enumerate(rows, 1)], [4, 24, 12, 8, 12, 20], sheet="未提交单位",
        subtitle=f"共{len(rows)}家")
    return files.send_download(io.BytesIO(xlsx_writer.to_bytes(wb)), XLSX_MIME,
                               "尚未提交推荐的单位.xlsx", "kczg-units-without.xlsx")


@bp.route("/units")
@role_required("secretariat")
def units():
    """The recommending units, newest first, searched by name, contact or login name, paged."""
    q = request.args.get("q", "").strip()[:100]
    page = listing.units_page(q, listing.page_number(request.args.get("page")))
    return render_template("secretariat/units.html", page=page, orgs=page.rows,
                           usernames=page.extra["usernames"], counts=page.extra["counts"], q=q)


@bp.route("/units/<int:org_id>", methods=["GET", "POST"])
@role_required("secretariat")
def unit(org_id):
    """One unit: its contact (editable), its accounts with 重置密码 and 停用/启用, its record."""
    org = (Organisation.select(Organisation, UnitType).join(UnitType)
           .where(Organisation.id == org_id).first())
    if org is None:
        abort(404)
    form = ContactForm(obj=org)
    if form.validate_on_submit():
        accounts.update_contact(org, form.contact.data, form.phone.data, form.email.data,
                                by=current_user._get_current_object())
        flash("联系人已保存，单位账号的电子邮箱已同步更新。", "success")
        return redirect(url_for(".unit", org_id=org.id))
    users = list(User.select().where(User.organisation == org).order_by(User.id))
    events = list(AuditEvent.select().where(
        AuditEvent.subject.in_([u.username for u in users] + [org.name]))
        .order_by(AuditEvent.id.desc()).limit(20))
    return render_template("secretariat/unit.html", org=org, form=form, users=users,
                           events=events, counts=listing.unit_counts([org.id])[org.id],
                           label=audit.label), 422 if form.errors else 200


@bp.route("/units/<int:org_id>/channels", methods=["GET", "POST"])
@role_required("secretariat")
def unit_channels(org_id):
    """The channels a unit belongs to besides its own type (quotas stacked per channel)."""
    org = Organisation.get_or_none(Organisation.id == org_id)
    if org is None:
        abort(404)
    if request.method == "POST":
        accounts.set_channels(org, [c[:40] for c in request.form.getlist("channel")[:20]],
                              by=current_user._get_current_object())
        flash("所属推荐渠道已保存。", "success")
        return redirect(url_for(".unit", org_id=org.id))
    return render_template("secretariat/unit_channels.html", org=org,
                           unit_types=list(UnitType.select().order_by(UnitType.position)))


def _unit_user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id, User.role == "unit")
    if user is None:
        abort(404)
    return user


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
@role_required("secretariat")
def account_reset(user_id):
    """重置密码: a one-time password, shown once and printable as the 开通通知."""
    user = _unit_user(user_id)
    password = accounts.reset_password(user, by=current_user._get_current_object())
    return render_template("secretariat/account_notice.html", user=user, password=password,
                           base_url=current_app.config["KCZG_BASE_URL"], now=utcnow())


@bp.route("/accounts/<int:user_id>/<any(disable, enable):change>", methods=["POST"])
@role_required("secretariat")
def account_active(user_id, change):
    user = _unit_user(user_id)
    try:
        accounts.set_active(user, change == "enable", by=current_user._get_current_object())
        flash(f"账号 {user.username} 已{'启用' if change == 'enable' else '停用'}。", "success")
    except accounts.AccountError as e:
        flash(str(e), "error")
    return redirect(url_for(".unit", org_id=user.organisation_id))


@bp.route("/audit")
@role_required("secretariat")
def audit_log():
    """操作日志: who did what, when, from which address; filtered by action, searched."""
    action = request.args.get("action", "")
    action = action if action in audit.ACTIONS else ""
    q = request.args.get("q", "").strip()[:100]
    page = listing.audit_page(action, q, listing.page_number(request.args.get("page")))
    return render_template("secretariat/audit.html", page=page, rows=page.rows, action=action,
                           q=q, actions=audit.ACTIONS, label=audit.label)


@bp.route("/units/new", methods=["GET", "POST"])
@role_required("secretariat")
def unit_new():
    form = NewUnitForm()
    form.set_unit_types(UnitType.select().order_by(UnitType.position))
    if form.validate_on_submit():
        password = accounts.new_password()
        try:
            user = accounts.create_unit_account(
                organisation_name=form.organisation_name.data,
                unit_type=UnitType.get(UnitType.code == form.unit_type.data),
                contact=form.contact.data, phone=form.phone.data, email=form.email.data,
                username=form.username.data, password=password,
                by=current_user._get_current_object())
        except accounts.AccountError as e:
            getattr(form, e.field).errors.append(str(e))
        else:
            return render_template("secretariat/accounts_created.html",
                                   created=[(user, password)])
    return render_template("secretariat/unit_new.html", form=form), 422 if form.errors else 200


@bp.route("/units/import", methods=["GET", "POST"])
@role_required("secretariat")
def unit_import():
    form = ImportUnitsForm()
    if form.validate_on_submit():
        result = accounts.import_units(form.file.data.stream, by=current_user._get_current_object())
        if result.ok:
            return render_template("secretariat/accounts_created.html", created=result.created)
        return render_template("secretariat/unit_import.html", form=form, result=result), 422
    return render_template("secretariat/unit_import.html", form=form, result=None), \
        422 if form.errors else 200


@bp.route("/units/import-template.xlsx")
@role_required("secretariat")
def unit_import_template():
    buf = io.BytesIO()
    accounts.template_workbook().save(buf)
    buf.seek(0)
    return files.send_download(buf, XLSX_MIME, "推荐单位导入模板.xlsx", "kczg-units-template.xlsx")


@bp.route("/applications")
@role_required("secretariat")
def applications():
    rows = list(AccountApplication.select(AccountApplication, UnitType).join(UnitType)
                .order_by(AccountApplication.status.desc(), AccountApplication.created_at.desc()))
    return render_template("secretariat/applications.html", rows=rows, form=DecisionForm())


@bp.route("/applications/<int:app_id>/<any(approve, reject):decision>", methods=["POST"])
@role_required("secretariat")
def application_decide(app_id, decision):
    application = AccountApplication.get_or_none(AccountApplication.id == app_id)
    if application is None:
        abort(404)
    form = DecisionForm()
    if not form.validate():
        flash("；".join(form.comment.errors), "error")
        return redirect(url_for(".applications"))
    try:
        if decision == "approve":
            accounts.approve_application(application, current_user._get_current_object())
            flash(f"已通过“{application.organisation_name}”的账号申请。", "success")
        else:
            accounts.reject_application(application, current_user._get_current_object(),
                                        form.comment.data or "")
            flash(f"已退回“{application.organisation_name}”的账号申请。", "info")
    except accounts.AccountError as e:
        flash(str(e), "error")
    return redirect(url_for(".applications"))


@bp.route("/duplicates/dismiss", methods=["POST"])
@role_required("secretariat")
def duplicates_dismiss():
    """标记为非重复: the group is not shown again (audited)."""
    ids = sorted({i for i in (parse_int(v, 1) for v in request.form.get("ids", "").split(",")[:50])
                  if i})
    if len(ids) < 2:
        abort(400)
    key = ",".join(map(str, ids))
    if not DuplicateDismissal.select().where(DuplicateDismissal.ids == key).exists():
        DuplicateDismissal.create(ids=key, by=current_user._get_current_object())
        audit.record("duplicate_dismissed", f"nominations:{key}",
                     request.form.get("reason", "")[:200], actor=current_user._get_current_object())
    flash("已标记为非重复。", "success")
    return redirect(url_for(".duplicates"))


@bp.route("/duplicates")
@role_required("secretariat")
def duplicates():
    return render_template("secretariat/duplicates.html",
                           groups=duplicate_groups(current_campaign()))


NOMINATION_FILTERS = ("list", "domain", "unit", "unit_type", "province", "status", "dup", "q")


def _all_nominations_query():
    """The campaign and the 全部推荐 filters of this request (the page and its export)."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign, {k: request.args.get(k, "").strip()[:100] for k in NOMINATION_FILTERS}


@bp.route("/nominations")
@role_required("secretariat")
def nominations():
    """全部推荐: every submitted nomination, filtered and searched, paged; each links to its page."""
    campaign, filters = _all_nominations_query()
    page = listing.all_nominations(campaign, filters, listing.page_number(request.args.get("page")))
    lists = lists_with_routing(campaign)
    return render_template("secretariat/nominations.html", page=page, rows=page.rows,
                           filters=filters, lists=lists, campaign=campaign,
                           earlier=earlier.flags(page.rows, campaign),
                           unit_types=list(UnitType.select().order_by(UnitType.position)),
                           provinces=PROVINCES)


@bp.route("/nominations.xlsx")
@role_required("secretariat")
def nominations_xlsx():
    """全部推荐 as filtered, every row (not one page), with each item's stage and decision."""
    from exports import xlsx as xlsx_writer
    from kczg.rules import outcomes

    campaign, filters = _all_nominations_query()
    rows = listing.all_nominations_rows(campaign, filters)
    stages = outcomes.stages(rows, campaign)
    decided = {True: "入选", False: "未入选", None: ""}
    wb = xlsx_writer.table_workbook(
        f"{campaign.slug}“科创中国”榜单 全部推荐",
        ["序号", "榜单", "领域", "名称", "推荐单位", "单位类型", "统一社会信用代码或代码库地址",
         "提交时间", "状态", "终审决定"],
        [[i, n.list.name, n.domain.name if n.domain_id else "", n.display_title,
          n.organisation.name, n.organisation.unit_type.name, n.dedupe_key,
          n.submitted_at, outcomes.stage_name(stages[n.id]), decided[n.decision]]
         for i, n in enumerate(rows, 1)],
        [4, 8, 6, 24, 14, 10, 14, 9, 8, 6], sheet="全部推荐",
        subtitle="筛选：" + ("，".join(f"{k}={v}" for k, v in filters.items() if v) or "无"))
    return files.send_download(io.BytesIO(xlsx_writer.to_bytes(wb)), XLSX_MIME, "全部推荐.xlsx",
                               "kczg-nominations.xlsx")


@bp.route("/nominations/<int:nomination_id>")
@role_required("secretariat")
def nomination(nomination_id):
    """One nomination as the secretariat sees it: every field, the 申报书, every file."""
    n = Nomination.get_or_none(Nomination.id == nomination_id)
    if n is None or not permissions.can_view_nomination(current_user, n):
        abort(404)
    return render_template("review/nomination.html", n=n, form=svc.build_form(n), blind=False,
                           files=permissions.nomination_files(current_user, n),
                           files_endpoint="secretariat.attachment_download",
                           document_endpoint="secretariat.document_nomination",
                           earlier_flag=earlier.flags([n], n.list.campaign).get(n.id),
                           campaign=n.list.campaign)


@bp.route("/attachments/<int:attachment_id>")
@role_required("secretariat")
def attachment_download(attachment_id):
    return files.send(files.attachment_for(current_user, attachment_id))


@bp.route("/documents/nominations/<int:nomination_id>.<fmt>")
@role_required("secretariat")
def document_nomination(nomination_id, fmt):
    return downloads.nomination_document(nomination_id, fmt)


downloads.add_bundle_routes(bp, "secretariat")


# --- the review, seen by the secretariat --------------------------------------------------------

@bp.route("/filings")
@role_required("secretariat")
def filings():
    campaign = current_campaign()
    bodies = list(campaign.review_bodies.order_by(ReviewBody.position))
    return render_template("secretariat/filings.html", campaign=campaign,
                           rows=[(b, flow.filing_of(b), flow.result_of(b)) for b in bodies])


def _body_or_404(short_id: str) -> ReviewBody:
    body = ReviewBody.get_or_none(ReviewBody.campaign == current_campaign(),
                                  ReviewBody.short_id == short_id)
    if body is None:
        abort(404)
    return body


@bp.route("/filings/<short_id>", methods=["GET", "POST"])
@role_required("secretariat")
def filing(short_id):
    campaign = current_campaign()
    body = _body_or_404(short_id)
    if request.method == "POST":
        try:
            flow.decide_filing(current_user, body, request.form.get("action") == "acknowledge",
                               request.form.get("comment", "")[:200])
            flash("已备案。" if request.form.get("action") == "acknowledge" else "已退回。",
                  "success")
            return redirect(url_for(".filings"))
        except Refused as e:
            flash(str(e), "error")
    return render_template("secretariat/filing.html", body=body, filing=flow.filing_of(body),
                           campaign=campaign)


@bp.route("/review")
@role_required("secretariat")
def review_progress():
    """Per list: nominations by status, unit type and province; per body: 备案 and progress."""
    campaign = current_campaign()
    stats = review_stats.list_dashboard(campaign)
    return render_template("secretariat/review.html", campaign=campaign, stats=stats,
                           bodies=review_stats.body_progress(campaign))


@bp.route("/results/<short_id>/return", methods=["POST"])
@role_required("secretariat")
def results_return(short_id):
    body = _body_or_404(short_id)
    try:
        flow.return_results(current_user, body, request.form.get("comment", "")[:200])
        flash(f"已将{body.name}的初评结果退回修改。", "success")
    except Refused as e:
        flash(str(e), "error")
    return redirect(url_for(".review_progress"))


@bp.route("/final/<code>", methods=["GET", "POST"])
@role_required("secretariat")
def final(code):
    campaign = current_campaign()
    lst = NominationList.get_or_none(NominationList.campaign == campaign,
                                     NominationList.code == code)
    if lst is None or not lst.is_open:
        abort(404)
    if request.method == "POST" and request.form.get("action") == "batch":
        ids = [i for i in (parse_int(v, 1) for v in request.form.getlist("batch")[:500]) if i]
        picked = list(Nomination.select().where(Nomination.id.in_(ids or [0]),
                                                Nomination.list == lst))
        chosen = request.form.get("decision") == "selected"
        try:
            done = flow.stage_decisions(current_user, lst, picked, chosen,
                                        request.form.get("comment", "")[:200])
            flash(f"已将{done}项设为{'入选' if chosen else '未入选'}。", "success")
        except Refused as e:
            flash(str(e), "error")
        return redirect(url_for(".final", code=code))
    if request.method == "POST":
        n = Nomination.get_or_none(Nomination.id == (parse_int(request.form.get("nomination"), 1)
                                                     or 0),
                                   Nomination.list == lst)
        if n is None:
            abort(404)
        try:
            flow.stage_decision(current_user, n, request.form.get("decision") == "selected",
                                request.form.get("comment", "")[:200])
        except Refused as e:
            flash(str(e), "error")
        return redirect(url_for(".final", code=code) + f"#n{n.id}")
    return render_template("secretariat/final.html", campaign=campaign, lst=lst,
                           **review_stats.final_review(lst),
                           published=Publication.get_or_none(Publication.list == lst))


@bp.route("/final/<code>/publish", methods=["GET", "POST"])
@role_required("secretariat")
def publish(code):
    lst = NominationList.get_or_none(NominationList.campaign == current_campaign(),
                                     NominationList.code == code)
    if lst is None:
        abort(404)
    if request.method == "POST":
        try:
            if request.form.get("action") == "unpublish":
                flow.unpublish(current_user, lst, request.form.get("reason", "")[:500])
                flash(f"{lst.name}已撤回发布，终审决定可以重新修改。", "success")
                return redirect(url_for(".final", code=code))
            flow.publish(current_user, lst)
            flash(f"{lst.name}已发布。", "success")
            return redirect(url_for("public.results_list", code=code))
        except Refused as e:
            flash(str(e), "error")
    entries = flow.publication_preview(lst)
    return render_template("secretariat/publish.html", lst=lst, entries=entries,
                           checklist=gates.publication_checklist(lst),
                           refusal=gates.publication_refusal(lst, len(entries)),
                           published=Publication.get_or_none(Publication.list == lst),
                           campaign=lst.campaign)


@bp.route("/extensions", methods=["GET", "POST"])
@role_required("secretariat")
def extensions():
    campaign = current_campaign()
    if request.method == "POST":
        target = request.form.get("target", "")
        org = body = None
        if target == "unit":
            name = request.form.get("unit_name", "").strip()[:200]
            org = Organisation.get_or_none(Organisation.name == name) if name else None
            if org is None:
                flash(f"未找到名为“{name}”的推荐单位，请填写完整的单位名称。" if name
                      else "请填写要延期的推荐单位名称。", "error")
                return redirect(url_for(".extensions"))
        elif target.startswith("unit:"):
            org_id = parse_int(target[5:], 1)
            org = Organisation.get_or_none(Organisation.id == org_id) if org_id else None
        elif target.startswith("body:"):
            body = ReviewBody.get_or_none(ReviewBody.campaign == campaign,
                                          ReviewBody.short_id == target[5:])
        until_local = parse_datetime(request.form.get("until", ""))
        if until_local is None:
            flash("请填写延期后的截止时间（2000年至2100年之间）。", "error")
            return redirect(url_for(".extensions"))
        until = until_local.replace(tzinfo=ZoneInfo(campaign.timezone)) \
            .astimezone(timezone.utc).replace(tzinfo=None)
        try:
            flow.grant_extension(current_user, until, request.form.get("reason", "")[:200],
                                 organisation=org, body=body)
            flash("已延期。", "success")
        except Refused as e:
            flash(str(e), "error")
        return redirect(url_for(".extensions"))
    rows = list(Extension.select().where(Extension.campaign == campaign)
                .order_by(Extension.granted_at.desc()))
    return render_template("secretariat/extensions.html", campaign=campaign, rows=rows,
                           bodies=list(campaign.review_bodies.order_by(ReviewBody.position)))


@bp.route("/nominations/<int:nomination_id>/return", methods=["POST"])
@role_required("secretariat")
def nomination_return(nomination_id):
    n = Nomination.get_or_none(Nomination.id == nomination_id)
    if n is None:
        abort(404)
    try:
        flow.return_nomination(current_user, n, request.form.get("comment", "")[:200])
        flash(f"已将“{n.display_title}”退回{n.organisation.name}。", "success")
    except Refused as e:
        flash(str(e), "error")
    return redirect(request.referrer or url_for(".duplicates"))
