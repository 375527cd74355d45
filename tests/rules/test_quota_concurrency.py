"""Two tabs, two users: submissions of one unit racing for the last places of a quota.

Threads call the submit transition at the same moment, each with its own database connection,
on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (SELECT … FOR UPDATE on the unit); at most the
quota may be accepted.
"""
import threading

import pytest

from kczg.campaigns import scope
from kczg.db import database
from kczg.demo_data import sample
from kczg.models import Domain, Nomination, NominationList, User
from kczg.operations import Refused
from kczg.operations import nominations as ops

RACERS = 8


def _drafts(code, domain_code, n):
    user = User.get(User.username == "unit-a")
    lst = NominationList.get(NominationList.code == code)
    domain = Domain.get(Domain.list == lst, Domain.code == domain_code) if domain_code else None
    return user, [ops.create_draft(user, lst, domain).id for _ in range(n)]


def _race(app, user, ids, code):
    barrier = threading.Barrier(len(ids))
    outcome = {"ok": 0, "refused": [], "errors": []}
    lock = threading.Lock()

    def run(nid):
        try:
            with app.app_context(), database.connection_context(), scope.using_current():
                barrier.wait(timeout=10)
                ops.submit(nid, user, raw={}, clean=sample(code), based_on_version=1,
                                   derived={}, changed=[])
            with lock:
                outcome["ok"] += 1
        except Refused as e:
            with lock:
                outcome["refused"].append(str(e))
        except Exception as e:  # noqa: BLE001 - any other failure is the bug we look for
            with lock:
                outcome["errors"].append(repr(e))

    threads = [threading.Thread(target=run, args=(nid,)) for nid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcome


@pytest.mark.parametrize("code,domain,quota", [("xdjs", "dzxx", 2), ("xrqy", None, 5)])
def test_concurrent_submissions_never_exceed_the_quota(app, collection_open, code, domain, quota):
    with app.app_context():
        with database.connection_context():
            user, ids = _drafts(code, domain, RACERS)
        outcome = _race(app, user, ids, code)
        with database.connection_context():
            submitted = Nomination.select().where(Nomination.status == "submitted").count()
    assert outcome["errors"] == []
    assert outcome["ok"] == quota and submitted == quota
    assert len(outcome["refused"]) == RACERS - quota
    assert all("已达推荐名额上限" in m for m in outcome["refused"])
