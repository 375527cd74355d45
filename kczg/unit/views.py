"""The recommending unit's pages."""
from flask import Blueprint, render_template
from flask_login import current_user

from kczg.access import role_required
from kczg.campaigns import current_campaign
from kczg.public.views import calendar_context, lists_with_routing

bp = Blueprint("unit", __name__, url_prefix="/unit")


@bp.route("/")
@role_required("unit")
def dashboard():
    campaign = current_campaign()
    context = calendar_context(campaign) if campaign else {}
    return render_template("unit/dashboard.html", campaign=campaign,
                           organisation=current_user.organisation,
                           lists=lists_with_routing(campaign) if campaign else [], **context)
