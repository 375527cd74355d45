"""The initial review body's and its experts' pages. Each view parses the request, calls one
operation (kczg.operations.review, .results, .attachments, .accounts) or reads, and shows a
refusal, if any, as a message.

An account is bound to its body's stable id: it works on the current year's body of that id.
A body the current year does not name has an empty current workspace that says so, and its
earlier years read-only in its archive (往年评审)."""
import io
import json
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kczg import downloads
from kczg.access import role_required
from kczg.campaigns import scope
from kczg.models import Assignment, Campaign, Nomination, ReviewBody, User, unscoped
from kczg.operations import Refused
from kczg.operations import accounts as account_ops
from kczg.operations import attachments as attachment_ops
from kczg.operations import results as results_ops
from kczg.operations import review as ops
from kczg.pages import attempt
from kczg.parsing import parse_int, parse_score
from kczg.rules import calendar, earlier, gates, permissions
from kczg.rules import review as review_rules
from kczg.services import documents as docs
from kczg.services import files, listing, search
from kczg.services import nominations as svc
from kczg.services import ranking as ranking_export_service
from kczg.services import review as review_reads
from kczg.services.review import criteria_for, filing_of, result_of

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.app_context_processor
def _review_helpers():
    return {"review_lists": _routed_lists}


def routed_scopes(body):
    """What the notice routes to this body, as (bundle scope key, name): whole lists and
    single domains (from the year's facts, no query)."""
    lists = scope.lists()
    return [(f"list:{lst.code}", lst.name) for lst in lists if lst.review_body_id == body.id] + \
        [(f"list:{lst.code}:{d.code}", f"{lst.name}（{d.name}领域）")
         for lst in lists for d in lst.domain_rows if d.review_body_id == body.id]


def routed_to(body):
    return [name for _, name in routed_scopes(body)]


def _routed_lists(body):
    """The lists this body reviews (whole, or some of their domains)."""
    return [lst for lst in scope.lists()
            if lst.review_body_id == body.id
            or any(d.review_body_id == body.id for d in lst.domain_rows)]


def with_body(view):
    """The account's body in the current year; a body the year does not name sees a page that
    says so (and links its earlier years), never an earlier year as if it were current."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        body = current_user.body
        if body is None:
            return render_template("review/no_body.html", campaign=scope.campaign(),
                                   years=_earlier_years()), 200
        return view(body, *args, **kwargs)
    return wrapped


def _earlier_years() -> list[Campaign]:
    """Earlier campaigns that named the account's body (a read across years)."""
    current = scope.campaign()
    with unscoped():
        return list(Campaign.select().join(ReviewBody, on=(ReviewBody.campaign == Campaign.id))
                    .where(ReviewBody.short_id == current_user.body_key,
                           Campaign.id != (current.id if current else 0))
                    .order_by(Campaign.year.desc()))


@bp.route("/")
@role_required("review")
@with_body
def dashboard(body):
    page = listing.body_nominations(body, {}, listing.page_number(request.args.get("page")))
    return render_template("review/dashboard.html", body=body, routed=routed_to(body),
                           scopes=routed_scopes(body), page=page, nominations=page.rows,
                           campaign=body.campaign, years=_earlier_years(),
                           **_body_deadline(body))


def _body_deadline(body) -> dict:
    """A body's (and its experts') own deadline: the results deadline, its extension included,
    and the time left, written as the notice writes dates."""
    deadline = review_rules.results_deadline(body)
    now = calendar.now_utc()
    return {"results_deadline": calendar.cn_deadline(deadline, body.campaign.timezone),
            "results_open": now < deadline,
            "results_left": calendar.countdown_text(deadline - now),
            "results_extended": deadline != calendar.aware(body.campaign.initial_results_deadline),
            "review_open": review_rules.review_open(body.campaign, now)}


@bp.route("/expert")
@role_required("expert")
@with_body
def expert_dashboard(body):
    # this year's assignments (the account is the same every year; its work is not)
    rows = list(Assignment.select().where(Assignment.expert == current_user)
                .order_by(Assignment.status, Assignment.id))
    return render_template("review/expert_dashboard.html", body=body, routed=routed_to(body),
                           assignments=rows, filing=filing_of(body),
                           done=sum(1 for a in rows if a.status == "submitted"),
                           blind=result_of(body).blind, campaign=body.campaign,
                           years=_earlier_years(), **_body_deadline(body))


# --- earlier years, read-only ------------------------------------------------------------------

def _earlier_year(slug: str):
    """An earlier campaign named by its slug and the account's body in it; the request goes on
    in that year's scope. 404 for the current year, an unknown one, or one without the body."""
    campaign = Campaign.get_or_none(Campaign.slug == slug[:20])
    if campaign is None or campaign.is_current:
        abort(404)
    scope.switch(campaign)
    body = scope.body_by_key(current_user.body_key)
    if body is None:
        abort(404)
    return campaign, body


@bp.route("/archive/<slug>")
@role_required("review", "expert")
def archive(slug):
    """往年评审: an earlier year's work of the account's body (or the expert's assignments),
    in that year's scope, read-only."""
    campaign, body = _earlier_year(slug)
    if current_user.role == "expert":
        assignments = list(Assignment.select().where(Assignment.expert == current_user)
                           .order_by(Assignment.id))
        return render_template("review/archive.html", body=body, campaign=campaign,
                               assignments=assignments, rows=[], result=None)
    rows = docs.submitted_for_body(body)
    return render_template("review/archive.html", body=body, campaign=campaign, rows=rows,
                           result=result_of(body), assignments=None,
                           routed=routed_to(body))


@bp.route("/archive/<slug>/summary.<fmt>")
@role_required("review")
def archive_summary(slug, fmt):
    _, body = _earlier_year(slug)
    return downloads.summary_document(docs.prepare_body_summary(body), fmt)


def _visible_nomination(nomination_id: int) -> Nomination:
    """A nomination the account may see: this year's, or an earlier year's of its own body
    (the request then goes on in that year's scope, read-only)."""
    n = Nomination.get_or_none(Nomination.id == nomination_id)
    if n is None:
        with unscoped():
            n = Nomination.get_or_none(Nomination.id == nomination_id)
            campaign = n.list.campaign if n is not None else None
        if n is None:
            abort(404)
        scope.switch(campaign)
        n = Nomination.get_by_id(nomination_id)
    scope.attach(n)
    if not permissions.can_view_nomination(current_user, n):
        abort(404)
    return n


@bp.route("/attachments/<int:attachment_id>")
@role_required("review", "expert")
def attachment_download(attachment_id):
    return files.send(files.attachment_for(current_user, attachment_id))


@bp.route("/documents/nominations/<int:nomination_id>.<fmt>")
@role_required("review", "expert")
def document_nomination(nomination_id, fmt):
    return downloads.nomination_document(_visible_nomination(nomination_id), fmt)


@bp.route("/documents/summary.<fmt>")
@role_required("review")
@with_body
def document_summary(body, fmt):
    return downloads.summary_document(docs.prepare_body_summary(body), fmt)


downloads.add_bundle_routes(bp, "review")


# --- the review body's work ------------------------------------------------------------------

@bp.route("/filing", methods=["GET", "POST"])
@role_required("review")
@with_body
def filing(body):
    record = filing_of(body)
    if request.method == "POST":
        try:
            ops.submit_filing(current_user, body, request.form.get("plan", "")[:20000],
                              request.form.get("experts", "")[:20000],
                              request.form.get("standards", "")[:20000])
            flash("备案材料已提交秘书处。", "success")
            return redirect(url_for(".filing"))
        except Refused as e:
            flash(str(e), "error")
            record.plan = request.form.get("plan", "")
            record.experts = request.form.get("experts", "")
            record.standards = request.form.get("standards", "")
    return render_template("review/filing.html", body=body, filing=record,
                           campaign=body.campaign)


@bp.route("/criteria/<code>", methods=["GET", "POST"])
@role_required("review")
@with_body
def criteria(body, code):
    lst = next((x for x in _routed_lists(body) if x.code == code), None)
    if lst is None:
        abort(404)
    rows = [(c.name, c.weight) for c in criteria_for(body, lst)]
    if request.method == "POST":
        names = request.form.getlist("name")[:20]
        weights = request.form.getlist("weight")[:20]
        rows = [(n.strip(), w.strip()) for n, w in zip(names, weights) if n.strip() or w.strip()]
        try:
            items = []
            for n, w in rows:
                weight = parse_int(w, 1, 100)
                if weight is None:
                    raise Refused(f"“{n or '未命名指标'}”的权重应为1到100之间的整数。")
                items.append((n[:100], weight))
            ops.set_criteria(current_user, body, lst, items)
            flash(f"{lst.name}的评分指标已保存。", "success")
            return redirect(url_for(".criteria", code=code))
        except Refused as e:
            flash(str(e), "error")
    locked = review_rules.scoring_started(body, lst)
    return render_template("review/criteria.html", body=body, lst=lst, rows=rows,
                           locked=locked, lists=_routed_lists(body), campaign=body.campaign)


@bp.route("/experts", methods=["GET", "POST"])
@role_required("review")
@with_body
def experts(body):
    created = None
    if request.method == "POST":
        try:
            created = account_ops.create_expert(
                current_user._get_current_object(), body,
                request.form.get("username", "").strip(),
                request.form.get("display_name", "").strip()[:50],
                request.form.get("affiliation", "").strip()[:100],
                request.form.get("email", "").strip()[:100],
                request.form.get("affiliation_uscc", "")[:40], request.form.get("capacity", "")[:10])
        except account_ops.AccountError as e:
            flash(str(e), "error")
    q = request.args.get("q", "").strip()[:100]
    page = listing.experts_page(body, q, listing.page_number(request.args.get("page")))
    return render_template("review/experts.html", body=body, experts=page.rows, page=page,
                           load=page.extra["load"], q=q, created=created, form=request.form,
                           campaign=body.campaign)


@bp.route("/nominations")
@role_required("review")
@with_body
def nominations(body):
    """What is routed to the body, with filters and search, its experts and assignments."""
    f = {k: request.args.get(k, "").strip()[:100]
         for k in ("list", "domain", "unit", "status", "q", "dup")}
    result = listing.body_nominations(body, f, listing.page_number(request.args.get("page")))
    experts_ = list(User.select().where(User.role == "expert", User.body_key == body.short_id,
                                        User.active == True).order_by(User.id))  # noqa: E712
    lists = _routed_lists(body)
    conflicted: dict[int, dict[int, str]] = {}  # nomination -> expert -> reason
    for (n_id, e_id), c in review_reads.conflicts(result.rows, experts_).items():
        conflicted.setdefault(n_id, {})[e_id] = c.reason
    return render_template(
        "review/nominations.html", body=body, page=result, rows=result.rows,
        assignments=result.extra["assignments"], experts=experts_, f=f, lists=lists,
        conflicted=conflicted, query=search.parse(f["q"]),
        domains=[(d.code, d.name) for lst in lists for d in lst.domain_rows
                 if d.review_body_id == body.id],
        review_open=review_rules.review_open(body.campaign), campaign=body.campaign,
        earlier=earlier.flags(result.rows, body.campaign))


@bp.route("/nominations/<int:nomination_id>")
@role_required("review", "expert")
def nomination(nomination_id):
    n = _visible_nomination(nomination_id)
    campaign = n.list.campaign
    user = current_user._get_current_object()
    if user.role == "review":
        panel = list(User.select().where(User.role == "expert", User.body_key == user.body_key,
                                         User.active == True).order_by(User.id))  # noqa: E712
    else:
        panel = [user]
    body = scope.body_by_id(permissions.routed_body_id(n))
    result = result_of(body) if body is not None else None
    return render_template("review/nomination.html", n=n, form=svc.build_form(n),
                           conflicts=review_reads.derived_conflicts(n, panel),
                           posts=review_reads.discussion_of([n.id]).get(n.id, []),
                           summary=review_reads.summaries_of([n.id]).get(n.id),
                           chair_id=result.chair_id if result else None,
                           panel_closed=result is None or result.status == "submitted",
                           blind=permissions.blind_for(current_user),
                           files=permissions.nomination_files(current_user, n),
                           files_endpoint="review.attachment_download",
                           document_endpoint="review.document_nomination",
                           campaign=campaign, archived=not campaign.is_current,
                           earlier_flag=earlier.flags([n], campaign).get(n.id))


@bp.route("/nominations/<int:nomination_id>/assign", methods=["POST"])
@role_required("review")
@with_body
def assign(body, nomination_id):
    n = Nomination.get_or_none(Nomination.id == nomination_id)
    expert_id = parse_int(request.form.get("expert"), 1)
    expert = User.get_or_none(User.id == expert_id) if expert_id else None
    if n is None or expert is None:
        abort(404)
    attempt(lambda: ops.assign(current_user, body, scope.attach(n), expert),
            f"已将“{n.display_title}”分配给{expert.display_name}。")
    return redirect(request.referrer or url_for(".nominations"))


@bp.route("/nominations/<int:nomination_id>/discussion", methods=["POST"])
@role_required("review", "expert")
def discuss(nomination_id):
    n = _visible_nomination(nomination_id)
    attempt(lambda: ops.post_discussion(current_user._get_current_object(), n,
                                        request.form.get("text", "")[:5000]), "已发表。")
    return redirect(url_for(".nomination", nomination_id=n.id) + "#discussion")


@bp.route("/nominations/<int:nomination_id>/summary", methods=["POST"])
@role_required("review", "expert")
def panel_summary(nomination_id):
    n = _visible_nomination(nomination_id)
    attempt(lambda: ops.write_summary(current_user._get_current_object(), n,
                                      request.form.get("text", "")[:5000]), "组长意见已保存。")
    return redirect(url_for(".nomination", nomination_id=n.id) + "#panel-summary")


@bp.route("/chair", methods=["POST"])
@role_required("review")
@with_body
def chair(body):
    expert_id = parse_int(request.form.get("expert"), 1)
    expert = User.get_or_none(User.id == expert_id) if expert_id else None
    attempt(lambda: ops.set_chair(current_user._get_current_object(), body, expert),
            f"已指定{expert.display_name}为组长。" if expert else "已取消组长。")
    return redirect(url_for(".ranking"))


@bp.route("/attachments/<int:attachment_id>/blind-safe", methods=["POST"])
@role_required("review")
def attachment_blind_safe(attachment_id):
    """The body marks a material as naming no unit (its experts see it in blind review), or
    takes the mark back."""
    a = files.attachment_for(current_user, attachment_id)
    if a.kind != "material":
        abort(404)
    safe = request.form.get("safe") == "1"
    attempt(lambda: attachment_ops.set_blind_safe(current_user._get_current_object(), a, safe),
            f"“{a.original_name}”已{'标记为盲评可见' if safe else '取消盲评可见'}。")
    return redirect(url_for(".nomination", nomination_id=a.nomination_id) + "#nomination-files")


@bp.route("/assignments/<int:assignment_id>/cancel", methods=["POST"])
@role_required("review")
@with_body
def unassign(body, assignment_id):
    a = Assignment.get_or_none(Assignment.id == assignment_id)
    if a is None or permissions.routed_body_id(a.nomination) != body.id:
        abort(404)
    attempt(lambda: ops.unassign(current_user, body, a), "已取消该评审任务。")
    return redirect(request.referrer or url_for(".nominations"))


@bp.route("/assign-auto", methods=["POST"])
@role_required("review")
@with_body
def assign_auto(body):
    """自动分配, step one: the plan previewed (who gets what, each expert's load); nothing is
    written until the body confirms it."""
    per = parse_int(request.form.get("per"), 0, 50) or 0
    nominations_ = docs.submitted_for_body(body)
    try:
        plan = ops.plan_auto(current_user, body, nominations_, per)
    except Refused as e:
        flash(str(e), "error")
        return redirect(url_for(".nominations"))
    experts_ = {e.id: e for e in User.select().where(User.id.in_(list(plan.loads)))}
    by_id = {n.id: n for n in nominations_}
    given: dict[int, list] = {}
    for n_id, e_id in plan.pairs:
        given.setdefault(n_id, []).append(experts_[e_id])
    return render_template("review/assign_preview.html", body=body, plan=plan, per=per,
                           experts=experts_, nominations=by_id, given=given,
                           pairs=json.dumps(plan.pairs, separators=(",", ":")),
                           campaign=body.campaign)


@bp.route("/assign-auto/confirm", methods=["POST"])
@role_required("review")
@with_body
def assign_auto_confirm(body):
    try:
        raw = json.loads(request.form.get("pairs", "[]"))
        pairs = [(int(n), int(e)) for n, e in raw]
    except (ValueError, TypeError):
        flash("分配方案无法读取，请重新预览。", "error")
        return redirect(url_for(".nominations"))
    attempt(lambda: ops.confirm_auto(current_user, body, pairs),
            f"自动分配完成：新增{len(pairs)}个评审任务。")
    return redirect(url_for(".nominations"))


@bp.route("/nominations/<int:nomination_id>/conflicts/<int:expert_id>/clear", methods=["POST"])
@role_required("review")
@with_body
def clear_conflict(body, nomination_id, expert_id):
    n = Nomination.get_or_none(Nomination.id == nomination_id)
    expert = User.get_or_none(User.id == expert_id)
    if n is None or expert is None or permissions.routed_body_id(n) != body.id:
        abort(404)
    attempt(lambda: ops.clear_conflict(current_user, body, n, expert,
                                       request.form.get("reason", "")),
            f"已解除{expert.display_name}与该项目的利益冲突标记，理由已记录。")
    return redirect(url_for(".nomination", nomination_id=n.id) + "#conflicts")


def _ranking_groups(body, order: str = "raw"):
    """Per list (and domain) the ranking rows (by weighted mean or calibrated score), the
    criteria they were scored against and the calibration (each expert's lenience)."""
    groups = []
    nominations_ = docs.submitted_for_body(body)
    for lst in _routed_lists(body):
        crit = criteria_for(body, lst)
        keys = [None] if not lst.has_domains else \
            [d for d in lst.domain_rows if d.review_body_id == body.id]
        for domain in keys:
            ns = [n for n in nominations_ if n.list_id == lst.id
                  and (domain is None or n.domain_id == domain.id)]
            ranked = review_rules.ranked(ns, crit, order)
            groups.append({"list": lst, "domain": domain, "criteria": crit,
                           "rows": ranked.rows, "calibration": ranked.calibration})
    return groups


@bp.route("/ranking")
@role_required("review")
@with_body
def ranking(body):
    order = "calibrated" if request.args.get("order") == "calibrated" else "raw"
    groups = _ranking_groups(body, order)
    names = {e.id: e.display_name or e.username for e in User.select().where(
        User.role == "expert", User.body_key == body.short_id)}
    return render_template("review/ranking.html", body=body, groups=groups, order=order,
                           expert_names=names,
                           result=result_of(body), filing=filing_of(body),
                           unscored=gates.unscored_assignments(
                               body, [n.id for n in docs.submitted_for_body(body)]),
                           deadline=review_rules.results_deadline(body),
                           campaign=body.campaign)


@bp.route("/ranking.<fmt>")
@role_required("review")
@with_body
def ranking_export(body, fmt):
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    order = "calibrated" if request.args.get("order") == "calibrated" else "raw"
    data = ranking_export_service.ranking_file(body, _ranking_groups(body, order),
                                               result_of(body), fmt)
    return files.send_download(io.BytesIO(data), docs.FORMATS[fmt], f"{body.name}初评排名.{fmt}",
                               f"kczg-ranking-{body.short_id}.{fmt}")


@bp.route("/results", methods=["POST"])
@role_required("review")
@with_body
def results(body):
    action = request.form.get("action", "save")
    try:
        if action == "blind":
            result = ops.set_blind(current_user, body, request.form.get("blind") == "1")
            flash("已开启盲评：专家看不到推荐单位。" if result.blind else "已关闭盲评。", "info")
        else:
            ids = [i for i in (parse_int(v, 1) for v in request.form.getlist("shortlist")[:2000])
                   if i is not None]
            results_ops.set_shortlist(current_user, body, ids)
            if action == "submit":
                results_ops.submit_results(current_user, body,
                                           reason=request.form.get("reason", "")[:500])
                flash("初评结果已报送联合体秘书处。", "success")
            else:
                flash("初评入围名单已保存。", "success")
    except Refused as e:
        flash(str(e), "error")
    return redirect(url_for(".ranking"))


# --- the expert's work -------------------------------------------------------------------------

@bp.route("/expert/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required("expert")
@with_body
def score(body, assignment_id):
    a = Assignment.get_or_none(Assignment.id == assignment_id)
    if a is None or a.expert_id != current_user.id:
        abort(404)
    n = scope.attach(a.nomination)
    crit = criteria_for(body, n.list)
    values = {s.criterion_id: s.value for s in a.scores}
    comment, errors = a.comment, {}
    if request.method == "POST":
        action = request.form.get("action", "save")
        try:
            if action == "conflict":
                ops.declare_conflict(current_user, a, request.form.get("reason", ""))
                flash("已声明回避，该评审任务已撤销，初评机构会另行安排。", "info")
                return redirect(url_for(".expert_dashboard"))
            if action == "pledge":
                if request.form.get("agree") != "1":
                    raise Refused("请勾选“我已阅读并同意”后再确认。")
                ops.accept_pledge(current_user._get_current_object())
                flash("已接受保密与回避承诺，可以开始评分。", "success")
                return redirect(url_for(".score", assignment_id=a.id))
            values, errors = {}, {}
            for c in crit:
                raw = request.form.get(f"c{c.id}", "").strip()
                if raw:
                    value = parse_score(raw)
                    if value is None:
                        errors[c.id] = f"“{c.name}”的分数应为0到100之间的整数，您填的是“{raw[:10]}”。"
                    values[c.id] = value
            if errors:
                raise Refused("有分数不在0到100之间，请按提示修改（已填写的内容都保留）。")
            comment = request.form.get("comment", "")
            ops.save_scores(current_user, a, values, comment, submit=action == "submit")
            flash("评分已提交。" if action == "submit" else "评分草稿已保存。", "success")
            return redirect(url_for(".score", assignment_id=a.id))
        except Refused as e:
            flash(str(e), "error")
            values = {c.id: request.form.get(f"c{c.id}", "") for c in crit}
            comment = request.form.get("comment", "")
    return render_template("review/score.html", a=a, n=n, criteria=crit, values=values,
                           comment=comment, errors=errors, blind=result_of(body).blind, form=svc.build_form(n),
                           pledge=review_rules.EXPERT_PLEDGE,
                           files=permissions.nomination_files(current_user, n),
                           filing=filing_of(body), campaign=body.campaign)
