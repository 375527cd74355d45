"""The main pages run a small, constant number of SQL statements, whatever the row count:
campaign facts come from the in-process cache, the user, their unit, unread messages and the
unit's extension from one query, and no page queries inside a loop."""
import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from kczg.db import QueryCounter, database
from kczg.demo_data import sample
from tests.conftest import IN_COLLECTION, login, new_nomination

MAX_QUERIES = 6


def _submit_many(app, username: str, code: str, count: int, domain: str | None = None):
    """`count` submitted nominations of one unit, straight through the rules."""
    from kczg.models import Domain, NominationList, User
    from kczg.operations import nominations as ops
    from kczg.services import nominations as svc

    with app.app_context(), database.connection_context():
        user = User.get(User.username == username)
        lst = NominationList.get(NominationList.code == code)
        lst.quota = 1000  # room for many rows (a test of counts, not of quotas)
        lst.save()
        dom = Domain.get(Domain.list == lst, Domain.code == domain) if domain else None
        for i in range(count):
            n = ops.create_draft(user, lst, dom)
            data = MultiDict(sample(code, **({"domain": domain} if domain else {})))
            form = svc.build_form(n, data)
            assert form.validate(), form.errors
            ops.submit(n.id, user, svc.raw_from(data), form.clean_data(), n.version,
                               svc.derived(form, n), [])


def _count(client, path: str) -> int:
    client.get(path)  # warm: this process has read the campaign facts once
    with QueryCounter() as q:
        r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return q.count


def _pages(client, app, nomination_id):
    counts = {"/": _count(client, "/")}
    login(client, "unit-a")
    for path in ("/unit/", f"/unit/nominations/{nomination_id}", "/messages"):
        counts[path] = _count(client, path)
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, "review-it")
    for path in ("/review/", "/review/nominations"):
        counts[path] = _count(client, path)
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, "secretariat")
    with app.app_context(), database.connection_context():
        from kczg.models import Organisation

        org_id = Organisation.get(Organisation.name == "中国电子学会").id
    for path in ("/secretariat/", "/secretariat/overview", "/secretariat/units",
                 f"/secretariat/units/{org_id}",
                 "/secretariat/audit", "/secretariat/nominations",
                 "/secretariat/nominations?list=xdjs&dup=1&q=技术"):
        counts[path] = _count(client, path)
    client.post("/logout", data={"csrf_token": _token(client)})
    return counts


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/")


def test_main_pages_make_few_queries_whatever_the_rows(app, client):
    with time_machine.travel(IN_COLLECTION, tick=True):
        login(client, "unit-a")
        nid = new_nomination(client, "xdjs", "dzxx")
        client.post("/logout", data={"csrf_token": _token(client)})
        _submit_many(app, "unit-a", "xdjs", 2, "dzxx")
        few = _pages(client, app, nid)
        _submit_many(app, "unit-a", "xdjs", 25, "dzxx")
        _submit_many(app, "unit-b", "xdjs", 25, "dzxx")
        many = _pages(client, app, nid)
    too_many = {p: n for p, n in many.items() if n > MAX_QUERIES}
    assert not too_many, f"pages over {MAX_QUERIES} queries: {too_many}"
    assert many == few, f"queries grow with the rows: {few} -> {many}"


@pytest.mark.parametrize("change", ["list", "phase"])
def test_cached_facts_follow_a_change(app, client, change):
    """A list or phase saved anywhere is what the next page shows (the facts version moves)."""
    from kczg.models import NominationList, Phase

    client.get("/")
    with app.app_context(), database.connection_context():
        if change == "list":
            row = NominationList.get(NominationList.code == "xrqy")
            row.name = "新锐企业榜（更名测试）"
        else:
            row = Phase.get(Phase.key == Phase.select(Phase.key).order_by(Phase.position)
                            .limit(1).scalar())
            row.name = "组织征集（更名测试）"
        row.save()
    assert "更名测试" in client.get("/").get_data(as_text=True)
