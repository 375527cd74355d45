"""The secretariat's pages: the campaign at a glance, unit accounts, account applications."""
import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from peewee import fn

from forms.accounts import DecisionForm, ImportUnitsForm, NewUnitForm
from kczg import downloads
from kczg.access import role_required
from kczg.campaigns import current_campaign
from kczg.models import AccountApplication, Organisation, ReviewBody, UnitType, User
from kczg.public.views import calendar_context, lists_with_routing
from kczg.rules.duplicates import duplicate_groups
from kczg.services import accounts, files

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
                           **(calendar_context(campaign) if campaign else {}))


@bp.route("/units")
@role_required("secretariat")
def units():
    orgs = list(Organisation.select(Organisation, UnitType).join(UnitType)
                .order_by(Organisation.created_at.desc()))
    usernames = {}
    for u in User.select(User.organisation, User.username).where(User.organisation.is_null(False)):
        usernames.setdefault(u.organisation_id, []).append(u.username)
    return render_template("secretariat/units.html", orgs=orgs, usernames=usernames)


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
                username=form.username.data, password=password)
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
        result = accounts.import_units(form.file.data.stream)
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
    return send_file(buf, mimetype=XLSX_MIME, as_attachment=True,
                     download_name="推荐单位导入模板.xlsx")


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
            accounts.approve_application(application, current_user)
            flash(f"已通过“{application.organisation_name}”的账号申请。", "success")
        else:
            accounts.reject_application(application, current_user, form.comment.data or "")
            flash(f"已退回“{application.organisation_name}”的账号申请。", "info")
    except accounts.AccountError as e:
        flash(str(e), "error")
    return redirect(url_for(".applications"))


@bp.route("/duplicates")
@role_required("secretariat")
def duplicates():
    return render_template("secretariat/duplicates.html",
                           groups=duplicate_groups(current_campaign()))


@bp.route("/attachments/<int:attachment_id>")
@role_required("secretariat")
def attachment_download(attachment_id):
    return files.send(files.attachment_for(current_user, attachment_id))


@bp.route("/documents/nominations/<int:nomination_id>.<fmt>")
@role_required("secretariat")
def document_nomination(nomination_id, fmt):
    return downloads.nomination_document(nomination_id, fmt)


downloads.add_bundle_routes(bp, "secretariat")
