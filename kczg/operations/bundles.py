"""Bundles (材料包) requested and delivered: a review body (or the secretariat) asks for one,
and when online collection closes every body's bundle is built unasked, the 送达初评机构 step is
recorded in each nomination's history and its unit is told (once); run again, only bundles
whose content changed are rebuilt. The building itself is the job in kczg.services.bundles."""
from __future__ import annotations

import zipfile

from kczg import queue
from kczg.campaigns import scope as year
from kczg.models import BundleBuild, NominationHistory, User, utcnow
from kczg.rules.review import review_open
from kczg.services import bundles

from .nominations import record_history
from .results import tell_units


def request(user: User | None, scope: bundles.Scope) -> BundleBuild:
    """A build for the scope as it is now: already done if an identical bundle exists,
    otherwise queued for the worker once this request's transaction has committed."""
    key = bundles.fingerprint(scope)
    path = bundles.bundle_path(key)
    if path.exists():
        with zipfile.ZipFile(path) as zf:
            count = len(zf.infolist())
        build = BundleBuild.create(scope=scope.key, content_key=key, status="done",
                                   total=count, done=count, size=path.stat().st_size,
                                   requested_by=user, finished_at=utcnow())
        build.from_cache = True
        return build
    build = BundleBuild.create(scope=scope.key, content_key=key, requested_by=user)
    queue.after_commit(bundles.build_bundle, build.id)
    return BundleBuild.get_by_id(build.id)  # done already when jobs run immediately


@queue.periodic(queue.crontab(minute="*/10"))
def deliver_bundles() -> None:
    """Every ten minutes: once collection has closed, each body's bundle of the current year."""
    with year.of(year.current_campaign()):
        deliver()


def deliver() -> list[BundleBuild]:
    """After collection closes, build every body's bundle of the scope's year unasked and tell
    the body; run again it rebuilds only bundles whose content changed, e.g. after an
    extension or a nomination the secretariat returned."""
    campaign = year.campaign()
    if campaign is None or not campaign.is_current or not review_open(campaign):
        return []
    builds = []
    for body in year.bodies():
        scope = bundles.parse_scope(f"body:{body.short_id}")
        nominations = scope.nominations()
        if not nominations:
            continue
        key = bundles.fingerprint(scope)
        if BundleBuild.select().where(BundleBuild.scope == scope.key,
                                      BundleBuild.content_key == key,
                                      BundleBuild.status != "failed").exists():
            continue
        _record_routed(nominations)
        build = request(None, scope)
        if getattr(build, "from_cache", False):
            bundles.tell_body(body)  # built earlier on request: still tell the body it is there
        builds.append(build)
    return builds


def _record_routed(nominations: list) -> None:
    """The 'routed' step in each nomination's history, once, when its body first receives it
    (recorded in the secretariat's name: the platform routes on its behalf), and its unit
    told."""
    actor = User.select().where(User.role == "secretariat").order_by(User.id).first()
    if actor is None or not nominations:
        return
    done = {h.nomination_id for h in NominationHistory.select(NominationHistory.nomination)
            .where(NominationHistory.nomination.in_([n.id for n in nominations]),
                   NominationHistory.action == "routed")}
    fresh = [n for n in nominations if n.id not in done]
    for n in fresh:
        record_history(n, actor, "routed", n.version, [n.list.name])
    if fresh:
        tell_units(fresh, "推荐材料已送达初评机构",
                   lambda n: f"已送达{n.list.name}初评机构，进入初评")
