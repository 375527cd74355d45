"""The public site: the notice, the lists and their sizes, the calendar, the contacts."""
import base64
import functools
import hashlib
import logging
import os
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from playhouse.flask_utils import get_object_or_404
from werkzeug.security import safe_join

from exports import verify as codes
from exports.verify import normalize_code
from kczg.campaigns import scope
from kczg.models import Campaign, DocumentRecord, NoticeFile, Publication, unscoped
from kczg.parsing import clean_filename
from kczg.rules import calendar, outcomes, permissions, shape
from kczg.security import CSP
from kczg.services import documents as docs
from kczg.services import files, signing
from kczg.services.notice import parse

bp = Blueprint("public", __name__)
log = logging.getLogger(__name__)
MAX_VERIFY_BYTES = 20 * 1024 * 1024


def _campaign_or_404():
    campaign = scope.campaign()
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/")
def home():
    campaign = scope.campaign()
    if campaign is None:
        return render_template("public/no_campaign.html"), 503
    facts = scope.facts()
    return render_template(
        "public/home.html", campaign=campaign, phases=facts.phases,
        sections=_facts_sections(facts), lists_sentence=shape.lists_sentence(facts.lists),
        **calendar.calendar_context(campaign))


# the home page's sections made of the year's facts alone (lists and quotas, review bodies,
# contacts), rendered once per facts object (one per campaign and facts version, held here so
# that its id is not reused): rendering their loops was half the page's time
_SECTIONS: dict[int, tuple] = {}


def _facts_sections(facts) -> dict[str, Markup]:
    found = _SECTIONS.get(id(facts))
    if found is None:
        context = dict(lists=facts.lists, bodies=facts.bodies, contacts=facts.contacts,
                       unit_types=facts.unit_types)
        found = (facts, {"lists": Markup(render_template("public/_home_lists.html", **context)),
                         "contacts": Markup(render_template("public/_home_contacts.html",
                                                           **context))})
        if len(_SECTIONS) > 8:
            _SECTIONS.clear()
        _SECTIONS[id(facts)] = found
    return found[1]


@bp.route("/lists/<code>")
def list_detail(code):
    campaign = _campaign_or_404()
    lst = scope.list_by_code(code)
    if lst is None:
        abort(404)
    routing = ([(d.review_body, f"{d.name}领域") for d in lst.domain_rows] if lst.domain_rows
               else [(lst.review_body, lst.name)] if lst.review_body else [])
    return render_template("public/list.html", campaign=campaign, lst=lst, routing=routing,
                           **calendar.calendar_context(campaign, lst=lst))


@bp.route("/notice")
def notice():
    campaign = _campaign_or_404()
    supplements = [(lst.notice_title or lst.notice_text.strip().splitlines()[0],
                    parse(lst.notice_text)) for lst in scope.lists() if lst.notice_text]
    attachments = list(NoticeFile.select().order_by(NoticeFile.position, NoticeFile.id))
    return render_template("public/notice.html", campaign=campaign,
                           blocks=parse(campaign.notice_text), supplements=supplements,
                           attachments=attachments)


@bp.route("/notice/files/<int:file_id>")
def notice_file(file_id):
    """A file published with the notice of any year: anyone may download it."""
    with unscoped():
        row = get_object_or_404(NoticeFile, NoticeFile.id == file_id)
    return files.send_stored(files.upload_dir() / row.stored_name, row.content_type,
                             row.original_name, f"kczg-notice-{row.id}")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every first visit: the platform's icon, not a 404."""
    return send_from_directory(current_app.static_folder, "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@bp.route("/partials/countdown")
def countdown():
    campaign = _campaign_or_404()
    organisation = current_user.organisation if current_user.is_authenticated \
        and current_user.role == "unit" else None
    return render_template("public/_countdown.html", campaign=campaign,
                           **calendar.calendar_context(campaign, organisation))


@bp.route("/verify", methods=["GET"])
@bp.route("/verify/<code>")
def verify(code=None):
    """Anyone holding a printed copy checks it here: what it was generated from, and whether a
    newer version replaced it."""
    if code is None and normalize_code(request.args.get("code", "")[:40]):
        return redirect(url_for(".verify", code=normalize_code(request.args["code"][:40])))
    record = None
    if code:
        normal = normalize_code(code[:40])
        if normal and normal != code:  # abcdefghjkmn -> /verify/ABCD-EFGH-JKMN, one address
            return redirect(url_for(".verify", code=normal))
        record = _record_of(normal) if normal else None
    status = 404 if code and record is None else 200
    return render_template("public/verify.html", code=code, record=record,
                           stage=_public_stage(record), campaign=scope.campaign()), status


def _record_of(code: str):
    """The document a code names, of any year (a printed copy of an earlier year too); the
    request goes on in that year's scope: its list, body and nomination are of that year."""
    with unscoped():
        record = DocumentRecord.get_or_none(DocumentRecord.code == code)
        year = Campaign.get_by_id(record.campaign_id) if record is not None else None
    if year is not None:
        scope.switch(year)
    return record


def _public_stage(record) -> str:
    """Where a 申报书's nomination stands, as the public may know it: 已提交 / 已撤回 / 已送达初评机构
    during the review (its internal results stay internal), 入选 / 未入选 once its list is
    published."""
    nomination = record.nomination if record is not None and record.nomination_id else None
    if nomination is None:
        return ""
    stage = outcomes.stages([nomination])[nomination.id]
    if nomination.status == "submitted" and Publication.select().where(
            Publication.list == nomination.list_id).exists():
        return outcomes.stage_name("selected" if stage == "selected" else "not_selected")
    if stage in ("shortlisted", "not_shortlisted", "selected", "not_selected"):
        stage = "delivered"
    return outcomes.stage_name(stage)


@bp.route("/verify/file", methods=["POST"])
def verify_file():
    """上传PDF核验: a PDF the platform signed is checked byte for byte: unaltered (and whether
    it is the current version), altered, or not the platform's (exports/signing.py)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("public/verify.html", code=None, record=None,
                               upload_error="请选择要核验的PDF文件。",
                               campaign=scope.campaign()), 422
    data = upload.read(MAX_VERIFY_BYTES + 1)
    if len(data) > MAX_VERIFY_BYTES:
        return render_template("public/verify.html", code=None, record=None,
                               upload_error="文件超过20 MB，无法核验。",
                               campaign=scope.campaign()), 413
    result = signing.check(data)
    record = None
    if result.code:
        record = _record_of(result.code)
    log.info("verify upload %s: %s %s", clean_filename(upload.filename), result.status,
             result.code)
    status = 200 if result.status == "unaltered" else 422
    return render_template("public/verify.html", code=result.code or None, record=record,
                           checked=result, file_name=clean_filename(upload.filename),
                           stage=_public_stage(record),
                           campaign=scope.campaign()), status


@bp.route("/verify/page", methods=["POST"])
def verify_page():
    """核验单页: the code printed on one page of a 申报书 or a summary, and a line typed off
    that page: does the page exist, and does the platform's original of it hold that line? The
    public learns only yes or no; a reader who may see the document (its unit, the body it is
    routed to, the secretariat) sees the whole page to compare."""
    typed = request.form.get("page_code", "")[:60]
    line = codes.page_text(request.form.get("line", "")[:200])
    parsed = codes.parse_page_code(typed)
    result = {"typed": typed, "line": request.form.get("line", "")[:200]}
    record = None
    if parsed is not None:
        code, number, digest = parsed
        record = _record_of(code)
        pages = record.pages if record is not None else []
        if record is None or not 1 <= number <= len(pages) or \
                codes.page_digest(pages[number - 1]) != digest:
            result["status"] = "unknown"
        else:
            text = pages[number - 1]
            result |= {"status": "valid", "number": number, "total": len(pages),
                       "record": record}
            if len(line) >= 6:
                result["line_status"] = "match" if line in text else "mismatch"
            if _may_read(record):
                result["text"] = text
    else:
        result["status"] = "malformed"
    log.info("verify page %s: %s %s", typed, result["status"], result.get("line_status", ""))
    status = 200 if result["status"] == "valid" and result.get("line_status") != "mismatch" \
        else 422
    return render_template("public/verify.html", code=None, record=None, page_result=result,
                           stage="", campaign=scope.campaign()), status


def _may_read(record) -> bool:
    """Whether the logged-in reader may see a document's content in full."""
    user = current_user
    if not user.is_authenticated:
        return False
    if user.role == "secretariat":
        return True
    if record.nomination_id:
        return permissions.can_view_nomination(user, record.nomination)
    if user.role == "unit":
        return record.organisation_id == user.organisation_id
    return user.role == "review" and record.review_body_id is not None and \
        permissions.is_body_of(user, record.review_body)


@bp.route("/verify/root.crt")
def verify_root():
    """The platform's root certificate, to trust in a PDF reader (the verify page says how)."""
    response = make_response(signing.root_pem())
    response.headers["Content-Type"] = "application/x-x509-ca-cert"
    response.headers["Content-Disposition"] = 'attachment; filename="kczg-root.crt"'
    return response


def _chosen_campaign():
    """The campaign a results page is about: ?campaign=<slug> (an earlier year, the archive:
    the request goes on in its scope), else the current one."""
    slug = request.args.get("campaign", "")[:20]
    if slug:
        campaign = Campaign.get_or_none(Campaign.slug == slug)
        if campaign is None:
            abort(404)
        scope.switch(campaign)
        return campaign
    return _campaign_or_404()


@bp.route("/results")
def results():
    """The published lists of the current campaign (or an earlier one: ?campaign=2021), and the
    earlier campaigns that published lists."""
    campaign = _chosen_campaign()
    lists = scope.lists()
    published = {p.list_id: p for p in Publication.select()}
    earlier = list(Campaign.select().where(Campaign.id != campaign.id).order_by(
        Campaign.year.desc()))
    return render_template("public/results.html", campaign=campaign, lists=lists,
                           published=published, earlier=earlier,
                           archive=None if campaign.is_current else campaign.slug)


@bp.route("/results/<code>")
@bp.route("/results/<code>.<fmt>")
def results_list(code, fmt=None):
    campaign = _chosen_campaign()
    lst = scope.list_by_code(code)
    pub = Publication.get_or_none(Publication.list == lst) if lst else None
    if pub is None:
        abort(404)
    if fmt is not None:
        if fmt not in ("pdf", "xlsx"):
            abort(404)
        return docs.send(docs.prepare_publication(pub), fmt)
    groups = {}
    for e in pub.entries:
        groups.setdefault(e["domain"], []).append(e)
    return render_template("public/results_list.html", campaign=campaign, lst=lst, pub=pub,
                           groups=groups, archive=None if campaign.is_current else campaign.slug)


# the manual is static pages MkDocs built; its theme sets itself up with a few inline scripts,
# allowed by their SHA-256 on the page that carries them (never 'unsafe-inline')
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


@functools.lru_cache(maxsize=256)
def _help_csp(path: str, mtime: float) -> str:
    with open(path, "rb") as f:
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(f.read()))
    return CSP.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())


@bp.route("/help")
@bp.route("/help/<path:path>")
def help_page(path: str = "index.html"):
    """帮助: the user manual (docs/, built by MkDocs into KCZG_HELP_DIR)."""
    root = current_app.config["KCZG_HELP_DIR"]
    if not os.path.isfile(os.path.join(root, "index.html")):
        log.error("the user manual is not built in %s: run ./run serve (or mkdocs build)", root)
        return render_template("public/help_missing.html"), 503
    response = send_from_directory(root, path)
    if path.endswith(".html"):
        full = safe_join(root, path)
        response.headers["Content-Security-Policy"] = _help_csp(full, os.path.getmtime(full))
    return response
