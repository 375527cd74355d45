"""National scale: 3,000 units and 5,000 submitted nominations (about 1,300 for the 新锐企业榜
body, as the 2021 figures suggest), then every list page timed and weighed as its users open it,
and the review body's summary XLSX timed.

    .venv/bin/python bench/scale.py [--units 3000] [--nominations 5000] [--db sqlite|postgresql]

Targets: every list page <= 300 ms and <= 200 KiB for a page of results (issue 9); the body
summary XLSX <= 1.5 s (issue 9, at 1,300 rows) or 3 s for 5,000 rows (issue 24), whichever is
more: 1.5 s up to 2,500 rows, then 3 s per 5,000. Timed in-process through the Flask test client (one request at a time,
best of 3 after a warm-up), so the figures are the server's own time for one request.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _util import bench_app, session_for  # noqa: E402

PAGE_MS, PAGE_KIB = 300, 200


def xlsx_target(rows: int) -> float:
    return max(1.5, 3.0 * rows / 5000)
# share of the nominations per list (and domain), after the 2021 quotas and list sizes
SHARES = [("xrqy", None, 0.26), ("xdjs", "dzxx", 0.12), ("xdjs", "zbzz", 0.09),
          ("xdjs", "xjcl", 0.08), ("xdjs", "swyy", 0.1), ("xdjs", "zyhj", 0.06),
          ("xdjs", "xdnl", 0.05), ("cxyrt", None, 0.06), ("kycx", None, 0.08),
          ("kjtz", None, 0.05), ("tpdb", None, 0.05)]


def generate(app, units: int, nominations: int) -> None:
    from werkzeug.datastructures import MultiDict

    from kczg import demo
    from kczg.db import database, refresh_planner_stats
    from kczg.demo_data import sample
    from kczg.models import (
        Domain,
        Nomination,
        NominationList,
        Organisation,
        UnitType,
        User,
        utcnow,
    )
    from kczg.services import nominations as svc
    from kczg.services.review_stats import province_from

    rng = random.Random(2021)
    with app.app_context(), database.connection_context():
        demo.load(move_calendar=False)
        types = list(UnitType.select())
        with database.atomic():
            Organisation.bulk_create(
                [Organisation(name=f"规模测试单位{i:04d}", unit_type=rng.choice(types),
                              contact=f"联系人{i}", phone="010-68283463",
                              email=f"u{i}@example.org") for i in range(units)], batch_size=500)
            orgs = list(Organisation.select().where(Organisation.name.startswith("规模测试单位")))
            User.bulk_create([User(username=f"scale{i:04d}", role="unit", organisation=o,
                                   password_hash="-") for i, o in enumerate(orgs)],
                             batch_size=500)
        author = {u.organisation_id: u.id for u in User.select().where(
            User.username.startswith("scale"))}
        lists = {lst.code: lst for lst in NominationList.select()}
        templates = {}
        for code, domain, _ in SHARES:
            lst = lists.get(code)
            if lst is None or not lst.is_open:
                continue
            dom = Domain.get(Domain.list == lst, Domain.code == domain) if domain else None
            data = MultiDict(sample(code, **({"domain": domain} if domain else {})))
            probe = Nomination(list=lst, domain=dom, organisation=orgs[0], raw={})
            form = svc.build_form(probe, data)
            assert form.validate(), (code, form.errors)
            templates[(code, domain)] = (lst, dom, svc.raw_from(data), form.clean_data(),
                                         svc.derived(form, probe))
        missing = [(c, d) for c, d, _ in SHARES if (c, d) not in templates]
        assert not missing, f"SHARES names lists the campaign does not open: {missing}"
        shares = [(k, s) for (c, d, s) in SHARES if (k := (c, d)) in templates]
        weights = [s for _, s in shares]
        rows = []
        for i in range(nominations):
            code, domain = rng.choices(shares, weights)[0][0]
            lst, dom, raw, clean, derived = templates[(code, domain)]
            dedupe = derived["dedupe_key"]
            key = dedupe if rng.random() < 0.03 else f"{dedupe[:8]}{i:010d}"  # 3 % duplicates
            rows.append(Nomination(
                list=lst, domain=dom, organisation=(org := rng.choice(orgs)),
                created_by=author[org.id], status="submitted",
                raw=raw, clean=clean, title=f"{derived['title']}{i}", dedupe_key=key,
                province=province_from(clean.get("province"), org.name),  # as a submission
                version=2, submitted_at=utcnow()))
        with database.atomic():
            Nomination.bulk_create(rows, batch_size=500)
        refresh_planner_stats()  # as the hourly housekeeping has done by the time it matters


def measure(app, user: str, path: str, warm: bool = True,
            repeat: int = 3) -> tuple[float, int, int]:
    from kczg.db import database
    from kczg.models import User

    client = app.test_client()
    with app.app_context(), database.connection_context():
        cookie, _ = session_for(app, User.get(User.username == user))
    client.set_cookie("session", cookie)
    if warm:
        client.get(path)
    times, size, status = [], 0, 0
    for _ in range(repeat if warm else 1):
        start = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - start)
        size, status = len(r.data), r.status_code
    return min(times), size, status


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=3000)
    ap.add_argument("--nominations", type=int, default=5000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--smoke", action="store_true",
                    help="a tiny run (20 units, 30 nominations): the test suite runs it")
    args = ap.parse_args()
    if args.smoke:
        args.units, args.nominations = 20, 30

    from kczg.db import database

    with bench_app(args.db, "scale") as app:
        t0 = time.perf_counter()
        generate(app, args.units, args.nominations)
        print(f"generated {args.units} units and {args.nominations} nominations in "
              f"{time.perf_counter() - t0:.1f} s ({args.db})")
        # the duplicates are found once per state of the submitted nominations: the first
        # visit after a change does the work, and is judged like any page
        first, size, status = measure(app, "secretariat", "/secretariat/duplicates",
                                      warm=False, repeat=1)  # a fresh process: every text cut
        good_first = first * 1000 <= PAGE_MS and status == 200
        pages = [("secretariat", "/secretariat/units"),
                 ("secretariat", "/secretariat/units?q=规模测试单位12"),
                 ("secretariat", "/secretariat/duplicates"),
                 ("secretariat", "/secretariat/review"),
                 ("secretariat", "/secretariat/extensions"),
                 ("secretariat", "/secretariat/overview"),
                 ("secretariat", "/secretariat/nominations"),
                 ("secretariat", "/secretariat/nominations?page=30"),
                 ("secretariat", "/secretariat/audit"),
                 ("review-sec", "/review/experts"),
                 ("review-sec", "/review/nominations"),
                 ("review-sec", "/review/nominations?page=20"),
                 ("review-sec", "/review/nominations?q=企业&dup=1"),
                 ("review-sec", "/review/"),
                 ("review-it", "/review/nominations"),
                 ("review-it", "/review/nominations?status=unassigned&page=3")]
        print(f"\n{'who':<12}{'page':<48}{'ms':>8}{'KiB':>8}{'status':>8}")
        ok = good_first
        print(f"{'secretariat':<12}{'/secretariat/duplicates (first visit)':<48}"
              f"{first * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}"
              f"{'' if good_first else '  OVER'}")
        for user, path in pages:
            seconds, size, status = measure(app, user, path)
            good = seconds * 1000 <= PAGE_MS and size / 1024 <= PAGE_KIB and status == 200
            ok &= good
            print(f"{user:<12}{path:<48}{seconds * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}"
                  f"{'' if good else '  OVER'}")
        from kczg.models import ReviewBody
        from kczg.services import documents as docs

        with app.app_context(), database.connection_context():
            rows = len(docs.submitted_for_body(ReviewBody.get(ReviewBody.short_id == "sec"),
                                               printing=True))
        xlsx_s = xlsx_target(rows)
        first, size, status = measure(app, "review-sec", "/review/documents/summary.xlsx",
                                      warm=False)
        print(f"{'review-sec':<12}{f'summary.xlsx ({rows:,} rows), first ever':<48}"
              f"{first * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}   (makes {rows:,} 申报书 "
              f"records: the worker does this at each submission)")
        seconds, size, status = measure(app, "review-sec", "/review/documents/summary.xlsx")
        good = seconds <= xlsx_s and status == 200
        ok &= good
        print(f"{'review-sec':<12}{'summary.xlsx, as users ask for it again':<48}"
              f"{seconds * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}{'' if good else '  OVER'}")
        # a change since: one of the body's nominations edited, so the summary's content (and
        # code) is new, and its XLSX is written anew
        from kczg.models import Nomination

        with app.app_context(), database.connection_context():
            n = docs.submitted_for_body(ReviewBody.get(ReviewBody.short_id == "sec"),
                                        printing=True)[0]
            Nomination.update(title=n.title + "（改）", version=n.version + 1).where(
                Nomination.id == n.id).execute()
        changed, size, status = measure(app, "review-sec", "/review/documents/summary.xlsx",
                                        warm=False, repeat=1)
        good = changed <= xlsx_s and status == 200
        ok &= good
        print(f"{'review-sec':<12}{'summary.xlsx, after a change (rendered anew)':<48}"
              f"{changed * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}{'' if good else '  OVER'}")
        # the duplicates after that change, in this process (its words of every text cut
        # already, as a worker that has served the page before): what a visit usually costs
        again, size, status = measure(app, "secretariat", "/secretariat/duplicates",
                                      warm=False, repeat=1)
        good = again * 1000 <= PAGE_MS and status == 200
        ok &= good
        print(f"{'secretariat':<12}{'/secretariat/duplicates (after that change)':<48}"
              f"{again * 1000:>8.0f}{size / 1024:>8.0f}{status:>8}{'' if good else '  OVER'}")
        print(f"\ntargets: list pages <= {PAGE_MS} ms and <= {PAGE_KIB} KiB, body summary XLSX "
              f"of {rows:,} rows <= {xlsx_s:.1f} s: {'met' if ok else 'NOT met'}")
        if args.smoke:
            print("smoke run: the figures show it works, the targets are not judged")
            return 0
        return 0 if ok else 1


if __name__ == "__main__":
    from kczg.campaigns import scope

    # a bench works as the app's requests do: in the current campaign's scope
    with scope.using_current():
        sys.exit(main())
