"""Pages side by side with a bare Flask hello-world, in one run, on the same gunicorn
(2 sync workers, wrk -t2 -c16 on loopback): public home, a unit's dashboard, the form GET of a
new (empty) draft and of a filled one, an autosave POST and a submit POST, printed as req/s,
p50/p99 and the ratio to hello-world, plus the SQL statements each request runs. In `--rounds`
interleaved rounds (hello-world, then every page, each round): this machine's speed drifts by 2x
within minutes, so each page's ratio is taken within its round and the median of the rounds'
ratios is judged.

    .venv/bin/python bench/pages.py [--seconds 5] [--rounds 4] [--units 1500]

The database is a fresh SQLite file (the embedded default) with the demo and `--units` extra
units, each holding five valid 新锐企业榜 drafts that the submit run submits one by one (every
submit is a real one, accepted within the unit's quota; none is repeated).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    USER_AGENT,
    free_port,
    gunicorn,
    lua_string,
    session_for,
    stop,
    write_lua,
    wrk,
)

TARGETS = {"public home": 0.35, "unit dashboard": 0.15, "form GET, new": 0.25,
           "form GET, filled": 0.25, "autosave POST": 0.20, "submit POST": 0.12}  # issue 24


def prepare(instance: Path, units: int):
    os.environ["KCZG_INSTANCE"] = str(instance)
    from kczg import create_app, demo
    from kczg.db import database, refresh_planner_stats
    from kczg.demo_data import sample
    from kczg.migrate import migrate
    from kczg.models import Domain, Nomination, NominationList, Organisation, UnitType, User

    app = create_app()
    with app.app_context(), database.connection_context():
        migrate()
        demo.load()
        society = UnitType.get(UnitType.code == "society")
        xdjs = NominationList.get(NominationList.code == "xdjs")
        xrqy = NominationList.get(NominationList.code == "xrqy")
        unit_a = User.get(User.username == "unit-a")
        draft_raw = {k: [v] for k, v in {**sample("xdjs")}.items()}
        form_draft = Nomination.create(
            list=xdjs, domain=Domain.get(Domain.list == xdjs, Domain.code == "dzxx"),
            organisation=unit_a.organisation, created_by=unit_a, raw=draft_raw,
            title=sample("xdjs")["tech_name"])
        new_draft = Nomination.create(  # nothing typed yet: it starts from the unit's contact
            list=xdjs, domain=Domain.get(Domain.list == xdjs, Domain.code == "zbzz"),
            organisation=unit_a.organisation, created_by=unit_a, raw={})
        with database.atomic():
            orgs = [Organisation(name=f"压测单位{i:04d}", unit_type=society, contact="王明",
                                 phone="010-68283463", email="b@example.org")
                    for i in range(units)]
            Organisation.bulk_create(orgs, batch_size=200)
            orgs = list(Organisation.select().where(Organisation.name.startswith("压测单位"))
                        .order_by(Organisation.id))
            users = [User(username=f"bench{i:04d}", role="unit", organisation=o,
                          password_hash="-") for i, o in enumerate(orgs)]
            User.bulk_create(users, batch_size=200)
            users = list(User.select().where(User.username.startswith("bench"))
                         .order_by(User.id))
            raw = {k: [v] for k, v in {**sample("xrqy")}.items()}
            Nomination.bulk_create(
                [Nomination(list=xrqy, organisation=u.organisation_id, created_by=u, raw=raw,
                            title=sample("xrqy")["company_name"])
                 for u in users for _ in range(5)], batch_size=200)
        refresh_planner_stats()  # as the hourly housekeeping has done by the time it matters
        drafts = list(Nomination.select(Nomination.id, Nomination.organisation)
                      .where(Nomination.list == xrqy, Nomination.status == "draft")
                      .order_by(Nomination.id).tuples())
        sessions = {u.organisation_id: session_for(app, u) for u in users}
        cookie_a, token_a = session_for(app, unit_a)
        submit_requests = []
        for nomination_id, org_id in drafts:
            cookie, token = sessions[org_id]
            body = {**sample("xrqy"), "csrf_token": token, "version": "1",
                    "editor": "bench", "action": "submit"}
            submit_requests.append((f"/unit/nominations/{nomination_id}", cookie,
                                    urllib.parse.urlencode(body)))
    return app, (form_draft.id, new_draft.id), (cookie_a, token_a), submit_requests


def autosave_script(path: str, cookie: str, token: str, body: str) -> str:
    # every autosave changes the 技术简介 a little, as typing does
    return write_lua(f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "session=" .. {lua_string(cookie)}
wrk.headers["X-CSRFToken"] = {lua_string(token)}
wrk.headers["HX-Request"] = "true"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, {lua_string(path)}, nil, {lua_string(body)} .. "&summary=" .. n)
end
""")


def submit_script(requests: list[tuple[str, str, str]]) -> str:
    rows = ",\n".join("{" + ", ".join(lua_string(x) for x in r) + "}" for r in requests)
    return write_lua(f"""
local reqs = {{
{rows}
}}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  i = tid + 1
end
function request()
  local r = reqs[i]
  if r == nil then
    exhausted = true
    r = reqs[#reqs]
  end
  i = i + 2
  return wrk.format("POST", r[1], {{["Cookie"] = "session=" .. r[2],
    ["Content-Type"] = "application/x-www-form-urlencoded"}}, r[3])
end
""")


def count_queries(app, cookie: str, calls) -> dict[str, int]:
    from kczg.db import QueryCounter

    out = {}
    client = app.test_client()
    client.set_cookie("session", cookie, domain="localhost")
    for kind, method, path, data in calls:
        if method == "GET":  # warm: the process has read the campaign facts once already
            client.open(path, headers={"User-Agent": USER_AGENT},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"})
        with QueryCounter() as q:
            r = client.open(path, method=method, data=data,
                            headers={"User-Agent": USER_AGENT, "HX-Request": "true"},
                            environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert r.status_code < 400, (kind, path, r.status_code, r.get_data(as_text=True)[-1500:])
        out[kind] = q.count
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--units", type=int, default=1500,
                    help="units with 5 drafts each: more drafts than the submit run can use")
    ap.add_argument("--smoke", action="store_true",
                    help="a tiny run (1 second a page, 40 units): the test suite runs it")
    args = ap.parse_args()
    if args.smoke:
        args.seconds, args.units, args.rounds = 1, 40, 1

    instance = Path(tempfile.mkdtemp(prefix="kczg-bench-pages-"))
    app, (draft_id, new_id), (cookie, token), submits = prepare(instance, args.units)
    from kczg.demo_data import sample

    form_path = f"/unit/nominations/{draft_id}"
    autosave_body = urllib.parse.urlencode({**sample("xdjs"), "version": "1",
                                            "editor": "bench"})
    env = {"KCZG_INSTANCE": str(instance), "KCZG_PRERENDER_DOCUMENTS": "1"}
    hello_port, app_port = free_port(), free_port()
    hello = gunicorn("bench.hello:app", hello_port, {})
    server = gunicorn("wsgi:app", app_port, env)
    rounds: list[dict] = []
    session = {"Cookie": f"session={cookie}"}
    try:
        base = f"http://127.0.0.1:{app_port}"
        # warm-up: gunicorn binds its port before the workers have imported the app
        for path in ["/", "/unit/", f"/unit/nominations/{new_id}", form_path] * 4:
            urllib.request.urlopen(urllib.request.Request(
                base + path, headers={**session, "User-Agent": USER_AGENT}), timeout=60).read()
        for r in range(args.rounds):
            results = {"hello-world": wrk(f"http://127.0.0.1:{hello_port}/", args.seconds)}
            results["public home"] = wrk(base + "/", args.seconds)
            results["unit dashboard"] = wrk(base + "/unit/", args.seconds, headers=session)
            results["form GET, new"] = wrk(base + f"/unit/nominations/{new_id}", args.seconds,
                                           headers=session)
            results["form GET, filled"] = wrk(base + form_path, args.seconds, headers=session)
            results["autosave POST"] = wrk(
                base + form_path + "/autosave", args.seconds,
                script=autosave_script(form_path + "/autosave", cookie, token, autosave_body))
            # each round submits drafts of its own (a submission is never repeated)
            results["submit POST"] = wrk(base + "/", args.seconds,
                                         script=submit_script(submits[r::args.rounds]))
            rounds.append(results)
    finally:
        stop(server)
        stop(hello)

    # SQL statements per request, in-process on the same database
    from kczg.db import database
    from kczg.models import Nomination

    # (no app context around the requests: flask-login caches the user on `g`, which an outer
    # app context would share between the test client's requests and session_for)
    with app.app_context(), database.connection_context():
        spare = (Nomination.select().where(Nomination.status == "draft",
                                           Nomination.list == Nomination.list.rel_model.get(
                                               code="xrqy")).first())
        spare_id, spare_version, spare_user = spare.id, spare.version, spare.created_by
    spare_cookie, spare_token = session_for(app, spare_user)
    queries = count_queries(app, cookie, [
        ("public home", "GET", "/", None),
        ("unit dashboard", "GET", "/unit/", None),
        ("form GET, new", "GET", f"/unit/nominations/{new_id}", None),
        ("form GET, filled", "GET", form_path, None),
        ("autosave POST", "POST", form_path + "/autosave",
         {**sample("xdjs"), "version": "1", "editor": "bench",
          "csrf_token": token, "summary": "x"}),
    ])
    queries.update(count_queries(app, spare_cookie, [
        ("submit POST", "POST", f"/unit/nominations/{spare_id}",
         {**sample("xrqy"), "version": str(spare_version), "editor": "bench",
          "action": "submit", "csrf_token": spare_token}),
    ]))
    with app.app_context(), database.connection_context():
        submitted = Nomination.select().where(Nomination.status == "submitted").count()

    print(f"\nbench/pages.py: gunicorn 2 sync workers, wrk -t2 -c16, {args.seconds} s each, "
          f"{args.rounds} interleaved rounds, SQLite WAL, {os.cpu_count()} cores")
    print(f"{'request':<17}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
          f"{'ratios by round':>24}{'median':>8}{'target':>8}{'queries':>9}")
    ok = True
    for kind in rounds[0]:
        ratios = [rd[kind].rps / rd["hello-world"].rps for rd in rounds]
        median = statistics.median(ratios)
        last = rounds[-1][kind]
        target = TARGETS.get(kind)
        mark = "" if target is None else ("  ok" if median >= target else "  BELOW")
        ok &= target is None or median >= target
        print(f"{kind:<17}{statistics.median(rd[kind].rps for rd in rounds):>9.0f}"
              f"{last.p50_ms:>9.1f}{last.p99_ms:>9.1f}"
              f"{sum(rd[kind].non_2xx_3xx for rd in rounds):>9}"
              f"{' '.join(f'{x:.3f}' for x in ratios):>24}{median:>7.3f}×"
              f"{(f'{target:.2f}×' if target else ''):>8}{queries.get(kind, ''):>9}{mark}")
        errors = [rd[kind].errors for rd in rounds if rd[kind].errors]
        if errors:
            print(f"  socket errors: {'; '.join(errors)}")
    print(f"submissions accepted in the database: {submitted} "
          f"(of {len(submits)} prepared drafts)")
    if args.smoke:
        print("smoke run: the figures show it works, the ratios are not judged")
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    from kczg.campaigns import scope

    # a bench works as the app's requests do: in the current campaign's scope
    with scope.using_current():
        sys.exit(main())
