"""The initial review body's and its experts' pages."""
from flask import Blueprint, render_template
from flask_login import current_user

from kczg import downloads
from kczg.access import role_required
from kczg.models import Domain, NominationList
from kczg.public.views import calendar_context
from kczg.services import documents as docs
from kczg.services import files

bp = Blueprint("review", __name__, url_prefix="/review")


def routed_scopes(body):
    """What the notice routes to this body, as (bundle scope key, name): whole lists and
    single domains."""
    lists = list(NominationList.select().where(NominationList.review_body == body)
                 .order_by(NominationList.position))
    domains = list(Domain.select(Domain, NominationList).join(NominationList)
                   .where(Domain.review_body == body).order_by(NominationList.position,
                                                               Domain.position))
    return [(f"list:{lst.code}", lst.name) for lst in lists] + \
        [(f"list:{d.list.code}:{d.code}", f"{d.list.name}（{d.name}领域）") for d in domains]


def routed_to(body):
    return [name for _, name in routed_scopes(body)]


@bp.route("/")
@role_required("review")
def dashboard():
    body = current_user.review_body
    return render_template("review/dashboard.html", body=body, routed=routed_to(body),
                           scopes=routed_scopes(body),
                           nominations=docs.submitted_for_body(body),
                           campaign=body.campaign, **calendar_context(body.campaign))


@bp.route("/expert")
@role_required("expert")
def expert_dashboard():
    body = current_user.review_body
    return render_template("review/expert_dashboard.html", body=body, routed=routed_to(body),
                           campaign=body.campaign)


@bp.route("/attachments/<int:attachment_id>")
@role_required("review")
def attachment_download(attachment_id):
    return files.send(files.attachment_for(current_user, attachment_id))


@bp.route("/documents/nominations/<int:nomination_id>.<fmt>")
@role_required("review")
def document_nomination(nomination_id, fmt):
    return downloads.nomination_document(nomination_id, fmt)


@bp.route("/documents/summary.<fmt>")
@role_required("review")
def document_summary(fmt):
    return downloads.summary_document(docs.prepare_body_summary(current_user.review_body), fmt)


downloads.add_bundle_routes(bp, "review")
