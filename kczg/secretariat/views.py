"""The secretariat's pages: the year at a glance, unit accounts, account applications, 备案,
review progress, the calendar (deadlines moved, extensions, earlier years reopened for a unit),
the final review and publication. Each parses, calls one operation or reads, and renders."""
import io
from datetime import timedelta, timezone
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
from playhouse.flask_utils import get_object_or_404

from exports import xlsx as xlsx_writer
from forms.accounts import ContactForm, DecisionForm, ImportUnitsForm, NewUnitForm
from forms.choices import PROVINCES
from kczg import config, downloads
from kczg.access import role_required
from kczg.campaigns import scope
from kczg.models import (
    AccountApplication,
    AuditEvent,
    Campaign,
    Extension,
    Nomination,
    NoticeFile,
    Organisation,
    Publication,
    UnitType,
    User,
    utcnow,
)
from kczg.operations import Refused, accounts
from kczg.operations import calendar as calendar_ops
from kczg.operations import duplicates as duplicate_ops
from kczg.operations import final as final_ops
from kczg.operations import notices as notice_ops
from kczg.operations import results as results_ops
from kczg.operations import review as review_ops
from kczg.pages import attempt
from kczg.parsing import clean_text, parse_datetime, parse_int
from kczg.rules import calendar, earlier, gates, outcomes, permissions
from kczg.rules.duplicates import duplicate_groups
from kczg.services import accounts as account_reads
from kczg.services import audit, files, health, listing, review_stats, search
from kczg.services import nominations as svc
from kczg.services import overview as ov
from kczg.services.review import filing_of, publication_preview, result_of

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@role_required("secretariat")
def dashboard():
    campaign = scope.campaign()
    bodies = scope.bodies()
    counts = dict(User.select(User.role, fn.COUNT(User.id))
                  .where(User.role != "review").group_by(User.role).tuples())
    # review accounts of the bodies this year names (a body it no longer names is not counted)
    counts["review"] = User.select().where(
        User.role == "review", User.body_key.in_([b.short_id for b in bodies] or [""])).count()
    pending = AccountApplication.select().where(AccountApplication.status == "pending").count()
    return render_template("secretariat/dashboard.html", campaign=campaign, counts=counts,
                           pending=pending, bodies=bodies, lists=scope.lists(),
                           base_url_problem=config.base_url_problem(current_app.config),
                           health=health.problems(),
                           **(calendar.calendar_context(campaign) if campaign else {}))


@bp.route("/notice-files", methods=["GET", "POST"])
@role_required("secretariat")
def notice_files():
    """通知附件: templates, a user guide, common questions published with the notice."""
    campaign = scope.campaign()
    if campaign is None:
        abort(404)
    if request.method == "POST":
        title = clean_text(request.form.get("title", "")).strip()[:100]
        try:
            notice_ops.add_notice_file(current_user._get_current_object(), title,
                                       request.files.get("file"))
            flash(f"已发布附件“{title}”。", "success")
            return redirect(url_for(".notice_files"))
        except (files.UploadError, Refused) as e:
            flash(str(e), "error")
    rows = list(NoticeFile.select().order_by(NoticeFile.position, NoticeFile.id))
    return render_template("secretariat/notice_files.html", campaign=campaign, rows=rows,
                           title=request.form.get("title", "")[:100])


@bp.route("/notice-files/<int:file_id>/delete", methods=["POST"])
@role_required("secretariat")
def notice_file_delete(file_id):
    row = get_object_or_404(NoticeFile, NoticeFile.id == file_id)
    attempt(lambda: notice_ops.remove_notice_file(current_user._get_current_object(), row),
            f"已删除附件“{row.title}”。")
    return redirect(url_for(".notice_files"))


@bp.route("/overview")
@role_required("secretariat")
def overview():
    """征集概况: nominations per list and domain, submissions per day towards the deadline,
    units that have submitted nothing yet (charts drawn as SVG on the server)."""
    campaign = scope.campaign()
    if campaign is None:
        abort(404)
    days = ov.per_day(campaign)
    without = ov.units_without(limit=LISTED_UNITS + 1)
    return render_template("secretariat/overview.html", campaign=campaign,
                           bars=ov.per_list(scope.lists()),
                           line=ov.line_chart(days, ov.deadline_day(campaign),
                                              calendar.local(campaign,
                                                             calendar.now_utc()).date()),
                           without=without[:LISTED_UNITS], more=len(without) > LISTED_UNITS,
                           reminded=notice_ops.last_reminder_today(),
                           **calendar.calendar_context(campaign))


LISTED_UNITS = 50


@bp.route("/overview/remind", methods=["POST"])
@role_required("secretariat")
def remind_units():
    """一键提醒: a message to every unit with nothing submitted (once a day, audited)."""
    count = []
    if attempt(lambda: count.append(notice_ops.remind_units_without(
            current_user._get_current_object()))):
        flash(f"已向{count[0]}家尚未提交推荐的单位发送提醒（站内消息；已配置邮件的同时发送邮件）。",
              "success")
    return redirect(url_for(".overview") + "#units-without")


@bp.route("/overview/units-without.xlsx")
@role_required("secretariat")
def units_without_xlsx():
    """Every unit without a submitted nomination, with its contacts, as XLSX."""
    campaign = scope.campaign()
    rows = ov.units_without()
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
    org = get_object_or_404(Organisation, Organisation.id == org_id)
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
    """操作日志: who did what, when, from which address, in words; filtered by kind, who or
    what, and dates; exported as filtered."""
    f = _audit_filters()
    page = listing.audit_page(f["action"], f["q"], listing.page_number(request.args.get("page")),
                              f["since"], f["before"])
    tz = current_app.config["KCZG_TZ"]
    return render_template("secretariat/audit.html", page=page, rows=page.rows, f=f,
                           actions=audit.ACTIONS, label=audit.label,
                           words={e.id: audit.in_words(e.subject, e.detail, tz)
                                  for e in page.rows})


@bp.route("/audit.xlsx")
@role_required("secretariat")
def audit_xlsx():
    """The 操作日志 as filtered, every row (up to 50,000), in words."""
    f = _audit_filters()
    rows = list(listing.audit_query(f["action"], f["q"], f["since"], f["before"]).limit(50000))
    tz = current_app.config["KCZG_TZ"]
    table = []
    for i, e in enumerate(rows, 1):
        what, note = audit.in_words(e.subject, e.detail, tz)
        table.append([i, calendar.format_local(e.at, tz, "%Y-%m-%d %H:%M:%S"),
                      e.actor.username if e.actor else "", audit.label(e.action), what, note,
                      e.ip])
    wb = xlsx_writer.table_workbook("操作日志", ["序号", "时间", "操作人", "操作", "对象", "说明",
                                               "IP地址"], table, [6, 18, 14, 16, 28, 40, 14],
                                    sheet="操作日志", subtitle=f"共{len(table)}条")
    return files.send_download(io.BytesIO(xlsx_writer.to_bytes(wb)), XLSX_MIME, "操作日志.xlsx",
                               "kczg-audit.xlsx")


def _audit_filters() -> dict:
    """The log's filters from the query string; a date that cannot be read is said, not
    guessed (and filters nothing)."""
    action = request.args.get("action", "")
    f = {"action": action if action in audit.ACTIONS else "",
         "q": request.args.get("q", "").strip()[:100], "since": None, "before": None,
         "from": request.args.get("from", "").strip()[:10],
         "to": request.args.get("to", "").strip()[:10], "errors": {}}
    tz = ZoneInfo(current_app.config["KCZG_TZ"])
    for key, bound, shift in (("from", "since", 0), ("to", "before", 1)):
        if f[key]:
            day = parse_datetime(f[key], "%Y-%m-%d")
            if day is None:
                f["errors"][key] = "请按“2021-10-20”的格式填写日期。"
                continue
            start = (day + timedelta(days=shift)).replace(tzinfo=tz)
            f[bound] = start.astimezone(timezone.utc).replace(tzinfo=None)
    return f


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
    return files.send_download(io.BytesIO(account_reads.template_bytes()), XLSX_MIME,
                               "推荐单位导入模板.xlsx", "kczg-units-template.xlsx")


@bp.route("/applications")
@role_required("secretariat")
def applications():
    rows = list(AccountApplication.select(AccountApplication, UnitType).join(UnitType)
                .order_by(AccountApplication.status.desc(), AccountApplication.created_at.desc()))
    return render_template("secretariat/applications.html", rows=rows, form=DecisionForm())


@bp.route("/applications/<int:app_id>/<any(approve, reject):decision>", methods=["POST"])
@role_required("secretariat")
def application_decide(app_id, decision):
    application = get_object_or_404(AccountApplication, AccountApplication.id == app_id)
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
    attempt(lambda: duplicate_ops.dismiss(current_user._get_current_object(), ids,
                                          request.form.get("reason", "")), "已标记为非重复。")
    return redirect(url_for(".duplicates"))


@bp.route("/duplicates")
@role_required("secretariat")
def duplicates():
    groups = duplicate_groups()
    page = listing.page_number(request.args.get("page"))
    per_page = 30  # groups of two or more nominations each: about 60 KiB a page
    page = min(page, max(1, -(-len(groups) // per_page)))
    return render_template("secretariat/duplicates.html", page=listing.Page(
        rows=groups[(page - 1) * per_page:page * per_page], total=len(groups), page=page,
        per_page=per_page), members=20)  # a group's first 20 shown, the rest linked


NOMINATION_FILTERS = ("list", "domain", "unit", "unit_type", "province", "status", "dup", "q")


def _all_nominations_query():
    """The year and the 全部推荐 filters of this request (the page and its export)."""
    campaign = scope.campaign()
    if campaign is None:
        abort(404)
    return campaign, {k: request.args.get(k, "").strip()[:100] for k in NOMINATION_FILTERS}


@bp.route("/nominations")
@role_required("secretariat")
def nominations():
    """全部推荐: every submitted nomination, filtered and searched, paged; each links to its page."""
    campaign, filters = _all_nominations_query()
    page = listing.all_nominations(filters, listing.page_number(request.args.get("page")))
    lists = scope.lists()
    return render_template("secretariat/nominations.html", page=page, rows=page.rows,
                           filters=filters, lists=lists, campaign=campaign,
                           query=search.parse(filters["q"]),
                           earlier=earlier.flags(page.rows, campaign),
                           unit_types=list(UnitType.select().order_by(UnitType.position)),
                           provinces=PROVINCES)


@bp.route("/nominations.xlsx")
@role_required("secretariat")
def nominations_xlsx():
    """全部推荐 as filtered, every row (not one page), with each item's stage and decision."""
    campaign, filters = _all_nominations_query()
    rows = listing.all_nominations_rows(filters)
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
    scope.attach(n)
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
    return downloads.nomination_document(Nomination.get_or_none(Nomination.id == nomination_id),
                                         fmt)


downloads.add_bundle_routes(bp, "secretariat")


# --- the review, seen by the secretariat --------------------------------------------------------

@bp.route("/filings")
@role_required("secretariat")
def filings():
    return render_template("secretariat/filings.html", campaign=scope.campaign(),
                           rows=[(b, filing_of(b), result_of(b)) for b in scope.bodies()])


def _body_or_404(short_id: str):
    body = scope.body_by_key(short_id)
    if body is None:
        abort(404)
    return body


@bp.route("/filings/<short_id>", methods=["GET", "POST"])
@role_required("secretariat")
def filing(short_id):
    campaign = scope.campaign()
    body = _body_or_404(short_id)
    if request.method == "POST":
        try:
            review_ops.decide_filing(current_user, body, request.form.get("action") == "acknowledge",
                               request.form.get("comment", "")[:200])
            flash("已备案。" if request.form.get("action") == "acknowledge" else "已退回。",
                  "success")
            return redirect(url_for(".filings"))
        except Refused as e:
            flash(str(e), "error")
    return render_template("secretariat/filing.html", body=body, filing=filing_of(body),
                           campaign=campaign)


@bp.route("/review")
@role_required("secretariat")
def review_progress():
    """Per list: nominations by status, unit type and province; per body: 备案 and progress."""
    return render_template("secretariat/review.html", campaign=scope.campaign(),
                           stats=review_stats.list_dashboard(),
                           bodies=review_stats.body_progress())


@bp.route("/results/<short_id>/return", methods=["POST"])
@role_required("secretariat")
def results_return(short_id):
    body = _body_or_404(short_id)
    attempt(lambda: results_ops.return_results(current_user, body,
                                               request.form.get("comment", "")[:200]),
            f"已将{body.name}的初评结果退回修改。")
    return redirect(url_for(".review_progress"))


@bp.route("/final/<code>", methods=["GET", "POST"])
@role_required("secretariat")
def final(code):
    campaign = scope.campaign()
    lst = scope.list_by_code(code)
    if lst is None or not lst.is_open:
        abort(404)
    if request.method == "POST" and request.form.get("action") == "batch":
        ids = [i for i in (parse_int(v, 1) for v in request.form.getlist("batch")[:500]) if i]
        picked = list(Nomination.select().where(Nomination.id.in_(ids or [0]),
                                                Nomination.list == lst))
        chosen = request.form.get("decision") == "selected"
        try:
            done = final_ops.stage_decisions(current_user, lst, picked, chosen,
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
            final_ops.stage_decision(current_user, n, request.form.get("decision") == "selected",
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
    lst = scope.list_by_code(code)
    if lst is None:
        abort(404)
    if request.method == "POST":
        try:
            if request.form.get("action") == "unpublish":
                final_ops.unpublish(current_user, lst, request.form.get("reason", "")[:500])
                flash(f"{lst.name}已撤回发布，终审决定可以重新修改。", "success")
                return redirect(url_for(".final", code=code))
            final_ops.publish(current_user, lst)
            flash(f"{lst.name}已发布。", "success")
            return redirect(url_for("public.results_list", code=code))
        except Refused as e:
            flash(str(e), "error")
    entries = publication_preview(lst)
    return render_template("secretariat/publish.html", lst=lst, entries=entries,
                           checklist=gates.publication_checklist(lst),
                           refusal=gates.publication_refusal(lst, len(entries)),
                           published=Publication.get_or_none(Publication.list == lst),
                           campaign=lst.campaign)


def _until(field: str = "until"):
    """A local date and time from the form as naive UTC (the year's time zone), or None."""
    local = parse_datetime(request.form.get(field, ""))
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(scope.campaign().timezone)) \
        .astimezone(timezone.utc).replace(tzinfo=None)


def _unit_named(form_field: str = "unit_name"):
    name = request.form.get(form_field, "").strip()[:200]
    org = Organisation.get_or_none(Organisation.name == name) if name else None
    if org is None:
        raise Refused(f"未找到名为“{name}”的推荐单位，请填写完整的单位名称。" if name
                      else "请填写推荐单位名称。")
    return org


@bp.route("/extensions", methods=["GET", "POST"])
@role_required("secretariat")
def extensions():
    """日程与延期: the year's deadlines moved (延期通知: everyone, or one list), one unit's or
    one body's deadline extended, an earlier year reopened for one unit."""
    campaign = scope.campaign()
    if campaign is None:
        abort(404)
    if request.method == "POST":
        action = request.form.get("action", "extend")
        user = current_user._get_current_object()
        try:
            until = _until()
            if until is None:
                raise Refused("请填写新的截止时间（北京时间，2000年至2100年之间）。")
            reason = request.form.get("reason", "")[:200]
            if action == "move":
                label = calendar_ops.move_deadline(user, request.form.get("what", ""), until,
                                                   reason)
                flash(f"已调整为{label}（北京时间）；各页面、推荐函和截止检查随之更新。", "success")
            elif action == "reopen":
                year = Campaign.get_or_none(Campaign.slug == request.form.get("campaign", "")[:20])
                if year is None:
                    raise Refused("请选择要重新开放的往年征集。")
                calendar_ops.reopen_year(user, _unit_named(), year, until, reason)
                flash(f"已为该单位重新开放{year.title}。", "success")
            else:
                target = request.form.get("target", "")
                org = body = None
                if target == "unit":
                    org = _unit_named()
                elif target.startswith("body:"):
                    body = scope.body_by_key(target[5:])
                calendar_ops.grant_extension(user, until, reason, organisation=org, body=body)
                flash("已延期。", "success")
        except Refused as e:
            # said next to the form it came from, with everything typed kept (and, for a name
            # that is not a unit's, the names it may have meant)
            typed = {k: request.form.get(k, "")[:200] for k in
                     ("what", "until", "reason", "target", "unit_name", "campaign")}
            return _extensions_page(campaign, typed=typed, form=action, error=str(e),
                                    maybe=account_reads.units_like(typed["unit_name"])), 422
        return redirect(url_for(".extensions"))
    return _extensions_page(campaign)


def _extensions_page(campaign, typed=None, form="", error="", maybe=()):
    rows = list(Extension.select().where(Extension.kind == "deadline")
                .order_by(Extension.granted_at.desc()))
    return render_template("secretariat/extensions.html", campaign=campaign, rows=rows,
                           bodies=scope.bodies(), lists=[x for x in scope.lists() if x.is_open],
                           earlier_years=list(Campaign.select().where(Campaign.id != campaign.id)
                                              .order_by(Campaign.year.desc())),
                           reopenings=listing.reopenings(),
                           moves=listing.audit_rows("deadline_moved"),
                           now=utcnow(), typed=typed or {}, refused_form=form, error=error,
                           maybe=maybe)


@bp.route("/units/suggest")
@role_required("secretariat")
def units_suggest():
    """As one types a unit's name (htmx): the names it may be, as a datalist's options."""
    return render_template("secretariat/_unit_options.html",
                           names=account_reads.units_like(request.args.get("unit_name", "")))


@bp.route("/reopenings/<int:reopening_id>/end", methods=["POST"])
@role_required("secretariat")
def reopening_end(reopening_id):
    attempt(lambda: calendar_ops.end_reopening(current_user._get_current_object(), reopening_id),
            "已结束重新开放，该单位的往年推荐恢复为只读。")
    return redirect(url_for(".extensions") + "#reopen")


@bp.route("/nominations/<int:nomination_id>/return", methods=["POST"])
@role_required("secretariat")
def nomination_return(nomination_id):
    n = get_object_or_404(Nomination, Nomination.id == nomination_id)
    try:
        results_ops.return_nomination(current_user, scope.attach(n),
                                      request.form.get("comment", "")[:200])
        flash(f"已将“{n.display_title}”退回{n.organisation.name}。", "success")
    except Refused as e:
        flash(str(e), "error")
    return redirect(request.referrer or url_for(".duplicates"))
