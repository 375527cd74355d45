"""The download and bundle pages every actor shares; each actor's blueprint routes to these
after its own role check, and these check which object the user may see."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from kczg.access import role_required
from kczg.campaigns import scope as year
from kczg.models import BundleBuild, Nomination
from kczg.operations import bundles as bundle_ops
from kczg.operations import documents as document_ops
from kczg.rules import permissions
from kczg.services import bundles, files
from kczg.services import documents as docs

FORM_FORMATS = ("pdf", "docx")
SUMMARY_FORMATS = ("pdf", "xlsx")


def nomination_document(n: Nomination | None, fmt: str):
    """The 申报书 of a nomination the caller found in its year's scope."""
    if n is None or n.status != "submitted" or fmt not in FORM_FORMATS \
            or not permissions.can_view_nomination(current_user, n):
        abort(404)
    return docs.send(docs.prepare_form(n, blind=permissions.blind_for(current_user)), fmt)


def letter_of(organisation, code: str, domain_code: str | None):
    """The list and domain of a letter `organisation` has in the scope's year (something
    submitted there) and the current user may see, else 404."""
    lst = year.list_by_code(code)
    if lst is None or bool(domain_code) != lst.has_domains:
        abort(404)
    domain = year.domain(lst, domain_code)
    if (domain_code and domain is None) or \
            not docs.can_download_letter(current_user, organisation, lst, domain) or \
            not docs.letter_nominations(organisation, lst, domain):
        abort(404)
    return lst, domain


def letter_document(organisation, code: str, domain_code: str | None, fmt: str):
    if fmt not in FORM_FORMATS:
        abort(404)
    lst, domain = letter_of(organisation, code, domain_code)
    prepared = docs.prepare_letter(organisation, lst, domain)
    response = docs.send(prepared, fmt)
    if current_user.role == "unit":
        document_ops.letter_downloaded(prepared.record)  # the step guide's 下载推荐函
    return response


def summary_document(prepared: docs.Prepared, fmt: str):
    if fmt not in SUMMARY_FORMATS:
        abort(404)
    return docs.send(prepared, fmt)


# --- bundles -----------------------------------------------------------------------------------

def _scope_for_user(key: str):
    body = current_user.body if current_user.role == "review" else None
    if current_user.role == "review" and body is None:
        return None  # a body the current year does not name
    return bundles.parse_scope(key, body=body)


def start_bundle(endpoint_prefix: str):
    scope = _scope_for_user(request.form.get("scope", ""))
    if scope is None:
        abort(404)
    build = bundle_ops.request(current_user._get_current_object(), scope)
    return redirect(url_for(f"{endpoint_prefix}.bundle", build_id=build.id))


def _own_build(build_id: int) -> BundleBuild:
    build = BundleBuild.get_or_none(BundleBuild.id == build_id)
    if build is None or _scope_for_user(build.scope) is None:
        abort(404)
    return build


def bundle_page(build_id: int, endpoint_prefix: str):
    build = _own_build(build_id)
    scope = _scope_for_user(build.scope)
    return render_template("bundles/bundle.html", build=build, scope=scope,
                           prefix=endpoint_prefix, campaign=year.campaign())


def bundle_progress(build_id: int, endpoint_prefix: str):
    build = _own_build(build_id)
    response = render_template("bundles/_progress.html", build=build, prefix=endpoint_prefix)
    # htmx stops polling on 286
    return response, (286 if build.status in ("done", "failed") else 200)


def bundle_download(build_id: int):
    build = _own_build(build_id)
    scope = _scope_for_user(build.scope)
    path = bundles.bundle_path(build.content_key)
    if build.status != "done" or not path.exists():
        abort(404)
    return files.send_download(path, "application/zip", f"{docs.safe_name(scope.title, 60)}.zip",
                               f"kczg-bundle-{build.scope.replace(':', '-')}.zip")


def add_bundle_routes(bp, role: str) -> None:
    """The bundle pages on an actor's blueprint (review bodies and the secretariat)."""
    prefix = bp.name
    bp.add_url_rule("/bundles", "bundle_start", role_required(role)(
        lambda: start_bundle(prefix)), methods=["POST"])
    bp.add_url_rule("/bundles/<int:build_id>", "bundle", role_required(role)(
        lambda build_id: bundle_page(build_id, prefix)))
    bp.add_url_rule("/bundles/<int:build_id>/progress", "bundle_progress", role_required(role)(
        lambda build_id: bundle_progress(build_id, prefix)))
    bp.add_url_rule("/bundles/<int:build_id>/download", "bundle_download", role_required(role)(
        bundle_download))
