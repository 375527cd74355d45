"""The last hour before the deadline: many units autosaving and submitting at once against the
real server (gunicorn, 2 sync workers, SQLite WAL), on loopback only, bounded in count and time.

    .venv/bin/python bench/deadline.py [--units 40] [--saves 5]

Each unit logs in, opens a new 先导技术榜 draft, autosaves it `--saves` times and then submits it
twice over (two tabs), plus one more submission that the domain quota must refuse. Prints the
status codes, latency percentiles per request kind, the number of 5xx answers, and checks that no
unit went over its quota and that every accepted submission is in the database.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
VERSION = re.compile(r'id="version" name="version" value="(\d+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path, units: int) -> None:
    """A database with the campaign open and `units` unit accounts (password bench-pass)."""
    os.environ["KCZG_INSTANCE"] = str(instance)
    from kczg import create_app, demo
    from kczg.db import database
    from kczg.migrate import migrate
    from kczg.models import Organisation, UnitType, User
    from kczg.passwords import hash_password

    app = create_app({"TESTING": True})
    with app.app_context(), database.connection_context():
        migrate()
        demo.load()
        society = UnitType.get(UnitType.code == "society")
        password = hash_password("bench-pass")
        for i in range(units):
            org = Organisation.create(name=f"压测学会{i:03d}", unit_type=society, contact="王明",
                                      phone="010-68283463", email="b@example.org")
            User.create(username=f"load{i:03d}", role="unit", organisation=org,
                        password_hash=password)


class Client:
    def __init__(self, base: str, timings, codes):
        self.base, self.timings, self.codes = base, timings, codes
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        start = time.perf_counter()
        try:
            with self.opener.open(self.base + path, body, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        self.timings[kind].append(time.perf_counter() - start)
        self.codes[(kind, status)] += 1
        if m := CSRF.search(text):
            self.token = m.group(1)
        return status, text


def unit_run(base: str, i: int, saves: int, timings, codes, outcome) -> None:
    from kczg.demo_data import sample

    c = Client(base, timings, codes)
    c.request("page", "/login")
    c.request("login", "/login", {"csrf_token": c.token, "username": f"load{i:03d}",
                                  "password": "bench-pass"})
    ids = []
    for _ in range(3):
        status, page = c.request("create", "/unit/nominations/new",
                                 {"csrf_token": c.token, "list": "xdjs", "domain": "dzxx"})
        ids.append(int(re.search(r'action="/unit/nominations/(\d+)"', page).group(1)))
    data = sample("xdjs", domain="dzxx", tech_name=f"压测技术{i}")
    for nid in ids:
        status, page = c.request("page", f"/unit/nominations/{nid}")
        version = int(VERSION.search(page).group(1))
        for k in range(saves):
            payload = {**data, "csrf_token": c.token, "version": version, "editor": f"tab{nid}",
                       "summary": data["summary"] + "。" * k}
            status, _ = c.request("autosave", f"/unit/nominations/{nid}/autosave", payload)
            if status == 200:
                version += 1
    for nid in ids:  # three submissions for a quota of two: the third must be refused (409)
        c.request("submit", f"/unit/nominations/{nid}",
                  {**data, "csrf_token": c.token, "version": 0, "editor": f"tab{nid}",
                   "action": "submit"})
    outcome[i] = ids


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run (4 units, 1 save each): the test suite runs it")
    args = parser.parse_args()
    if args.smoke:
        args.units, args.saves = 4, 1
    instance = Path(tempfile.mkdtemp(prefix="kczg-deadline-"))
    prepare(instance, args.units)
    port = free_port()
    env = {**os.environ, "KCZG_INSTANCE": str(instance), "KCZG_PRERENDER_DOCUMENTS": "0"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(instance / "gunicorn.log", "w"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        timings: dict[str, list[float]] = defaultdict(list)
        codes: Counter = Counter()
        outcome: dict[int, list[int]] = {}
        threads = [threading.Thread(target=unit_run,
                                    args=(base, i, args.saves, timings, codes, outcome))
                   for i in range(args.units)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)

    from kczg import create_app
    from kczg.db import database
    from kczg.models import Nomination, Organisation

    app = create_app({"TESTING": True})
    with app.app_context(), database.connection_context():
        per_unit = Counter(n.organisation_id for n in Nomination.select().where(
            Nomination.status == "submitted"))
        over = [o for o, n in per_unit.items() if n > 2]
        units = Organisation.select().where(Organisation.name.startswith("压测学会")).count()

    total = sum(codes.values())
    errors = sum(n for (kind, status), n in codes.items() if status >= 500)
    print(f"{args.units} units x (3 drafts, {args.saves} autosaves each, 3 submissions): "
          f"{total} requests in {elapsed:.1f} s = {total / elapsed:.0f} req/s "
          f"(gunicorn 2 sync workers, SQLite WAL)")
    for kind in ("login", "create", "page", "autosave", "submit"):
        t = timings.get(kind, [])
        if t:
            print(f"  {kind:9s} n={len(t):5d}  p50 {statistics.median(t) * 1000:7.1f} ms"
                  f"  p99 {percentile(t, .99) * 1000:7.1f} ms"
                  f"  statuses {dict(sorted((s, n) for (k, s), n in codes.items() if k == kind))}")
    print(f"5xx answers: {errors}")
    print(f"units with submissions: {len(per_unit)}/{units}; submitted per unit: "
          f"{sorted(Counter(per_unit.values()).items())}; over quota: {len(over)}")
    print(f"logs: {instance / 'gunicorn.log'}")


if __name__ == "__main__":
    from kczg.campaigns import scope

    # a bench works as the app's requests do: in the current campaign's scope
    with scope.using_current():
        main()
