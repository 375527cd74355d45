"""A bounded fuzz of every form endpoint, read from the app's url_map, with Hypothesis: each
role posts what Hypothesis makes up (real field names and made-up ones; unicode digits, huge
numbers, year-1 dates, NUL and direction characters, formulas, markup) with a valid CSRF token,
in collection and in review, and no answer may be a 5xx. List pages get the same treatment in
their query strings. Names and values come from the pages themselves too (every input, button
and option they offer, and those bent: digits made "²", huge, negative, with NUL).
KCZG_FUZZ_EXAMPLES sets the examples per endpoint and method (default 20), KCZG_FUZZ_SWEEP the
one-input-bent forms per route (default 200)."""
import os
import re
from collections import Counter
from io import BytesIO

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from forms.registry import FORMS
from kczg import demo
from kczg.db import database
from kczg.models import AccountApplication, Assignment, Attachment, Nomination, User
from tests.conftest import CSRF_RE, login

SEEN: dict = {}
EXAMPLES = int(os.environ.get("KCZG_FUZZ_EXAMPLES", "20"))
REVIEW_DAY = "2021-11-02 09:00:00+08:00"

NASTY = ["²", "٣", "１２", "-1", "0", "9" * 40, "1e309", "NaN", "0001-01-01", "0001-01-01T00:00",
         "9999-12-31T23:59", "2021-11-05T17:30", "\x00", "a\x00b", "\u202etxt.exe", "<script>x",
         "=HYPERLINK(\"http://x\")", "' OR 1=1 --", "", " ", "y", "on", "1", "approve", "submit",
         "save", "conflict", "blind", "add:people", "remove:people:²", "remove:people:" + "9" * 25,
         "unit:²", "unit:1", "body:it", "unit", "dzxx", "xdjs", "中国电子学会", "长" * 3000]


def _field_names() -> list[str]:
    names = {"csrf_token", "version", "editor", "action", "name", "weight", "shortlist", "comment",
             "reason", "target", "until", "unit_name", "blind", "per_nomination", "expert",
             "experts", "display_name", "affiliation", "email", "username", "password", "current",
             "new", "confirm", "organisation_name", "unit_type", "contact", "phone", "list",
             "domain", "decision", "c1", "c2", "q", "page", "status", "dup"}
    for cls in FORMS.values():
        form = cls(formdata=None, meta={"csrf": False})
        for f in form:
            if f.type == "Rows":
                names.update(s.name for s in f.entries[0].form)
                names.update(re.sub(r"-0-", "-²-", s.name) for s in f.entries[0].form)
            else:
                names.add(f.name)
    return sorted(names)


TAG = re.compile(r"<(input|button|select|textarea|option)\b([^>]*)>")
ATTR = re.compile(r'\b(name|value)="([^"]*)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION = re.compile(r'\baction="([^"]*)"')
HX_POST = re.compile(r'\bhx-post="([^"]*)"')


def _route(url: str) -> str:
    """A URL without its numbers and query: the pages of two drafts post to the same form."""
    return re.sub(r"[0-9]+", "N", url.split("?", 1)[0])


def _inputs(html: str) -> dict[str, set]:
    """name -> the values offered (hidden inputs, buttons, a select's options)."""
    found: dict[str, set] = {}
    select = None
    for tag, attrs in TAG.findall(html):
        attr = dict(ATTR.findall(attrs))
        if tag == "option":
            if select:
                found[select].add(attr.get("value", ""))
            continue
        name = attr.get("name")
        if not name:
            continue
        select = name if tag == "select" else select
        found.setdefault(name, set()).add(attr.get("value", ""))
    return found


def harvest(html: str, pools: dict) -> None:
    """What each form on a page sends: its inputs and the values they offer, by the route it
    posts to (htmx posts send the page's form)."""
    page = _inputs(html)
    targets = [(_route(ACTION.search(attrs).group(1)), _inputs(body))
               for attrs, body in FORM.findall(html) if ACTION.search(attrs)]
    targets += [(_route(url), page) for url in HX_POST.findall(html)]
    for route, inputs in targets:
        pool = pools.setdefault(route, {})
        for name, values in inputs.items():
            pool.setdefault(name, set()).update(values)


def _mutations(value: str) -> list[str]:
    """A real value bent the ways browsers and attackers bend it."""
    if re.search(r"[0-9]", value):
        return [re.sub(r"[0-9]", "²", value), re.sub(r"[0-9]", "٣", value),
                re.sub(r"[0-9]+", "9" * 25, value), "-" + value, value + "\x00"]
    return [value + "\x00", "\u202e" + value, value * 50, value + "²", ""]


def _payload(names, pool: dict):
    """Made-up form data: the route's own form as a browser sends it (each input with one of
    its real values), one to three of them bent or replaced by nasty values, and a few names
    from anywhere."""
    nasty = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
    own = {name: sorted(values) for name, values in pool.items() if name != "csrf_token"}
    base = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in own.items()})
    if own:
        bend = st.lists(st.sampled_from(sorted(own)), max_size=3, unique=True).flatmap(
            lambda picked: st.fixed_dictionaries({
                name: st.one_of(st.sampled_from(sorted(own[name])).flatmap(
                    lambda v: st.sampled_from(_mutations(v))), nasty) for name in picked}))
    else:
        bend = st.just({})
    other = st.dictionaries(st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12)),
                            nasty, max_size=4)
    return st.tuples(base, bend, other).map(
        lambda p: {k: [v] for k, v in {**p[2], **p[0], **p[1]}.items()})


def _answered(r, url: str) -> bool:
    """No 5xx, but the one that is an answer: 忘记密码 on a platform without mail says so (503,
    tests/views/test_accounts.py)."""
    return r.status_code < 500 or (
        r.status_code == 503 and url == "/forgot"
        and "邮件未发送：本平台目前没有配置邮件服务" in r.get_data(as_text=True))


def _token(client) -> str:
    m = CSRF_RE.search(client.get("/").get_data(as_text=True))
    return m.group(1) or m.group(2) or m.group(3)


def _fuzz(client, method: str, url: str, names, pool, files: bool = False):
    token = _token(client) if method == "POST" else None

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=_payload(names, pool))
    def run(data):
        if method == "GET":
            r = client.get(url, query_string=[(k, v) for k, vs in data.items() for v in vs])
        else:
            form = [(k, v) for k, vs in data.items() for v in vs if k != "csrf_token"]
            form.append(("csrf_token", token))
            if "version" not in data:  # most answers need the page's version to go further
                form += [("version", "1"), ("editor", "fuzz")]  # (the same page: never stale)
            if files:
                form.append(("file", (BytesIO(b"%PDF-1.4 fuzz"), "x\x00\u202e.pdf")))
            r = client.post(url, data=MultiDict(form), content_type="multipart/form-data")
        assert _answered(r, url), (method, url, r.status_code, data)
        SEEN.setdefault((method, url), Counter())[r.status_code] += 1

    run()


SWEEP_MAX = int(os.environ.get("KCZG_FUZZ_SWEEP", "200"))


def _sweep(client, url: str, pool: dict, files: bool) -> None:
    """Beside Hypothesis' random forms: the route's own form with one structured input (a
    button, a hidden input, an option) at a time bent in every way, the rest as sent."""
    base = [(name, min(values)) for name, values in pool.items() if name != "csrf_token"]
    token = _token(client)
    sent = 0
    for name, values in sorted(pool.items()):
        for value in sorted(v for v in values if v)[:12]:
            for bent in _mutations(value):
                if sent >= SWEEP_MAX:
                    return
                form = MultiDict([(k, v) for k, v in base if k != name] +
                                 [(name, bent), ("csrf_token", token)])
                if files:
                    form.add("file", (BytesIO(b"%PDF-1.4 fuzz"), "x.pdf"))
                r = client.post(url, data=form, content_type="multipart/form-data")
                assert _answered(r, url), ("POST", url, r.status_code, name, bent)
                sent += 1


def _url(app, rule, ids: dict) -> str:
    from flask import url_for

    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        if type(converter).__name__ == "AnyConverter":
            values[arg] = sorted(converter.items)[0]
        elif arg in ids:
            values[arg] = ids[arg]
        else:
            values[arg] = 1 if "Integer" in type(converter).__name__ else "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


ROLE = {"unit": "unit-a", "secretariat": "secretariat", "review": "review-it", "auth": "unit-a"}
ANONYMOUS = {"auth.login", "auth.apply"}


def _rules(app, prefixes):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.split(".")[0] in prefixes and r.endpoint != "auth.logout"]


def _fuzz_all(app, prefixes, ids, as_expert=()):
    """`ids`: the values of a route's arguments, or a function that makes them anew for each
    route (a route that deletes its object must not take it from the next)."""
    with app.test_request_context():
        names = set(_field_names())
    pools: dict = {}
    clients = {}
    plan = []
    for rule in _rules(app, prefixes):
        args = ids() if callable(ids) else ids
        blueprint = rule.endpoint.split(".")[0]
        user = ("expert-it-1" if rule.endpoint in as_expert else
                None if rule.endpoint in ANONYMOUS else ROLE.get(blueprint))
        if user not in clients:
            clients[user] = app.test_client()
            if user:
                assert login(clients[user], user).status_code == 302, user
        client = clients[user]
        url = _url(app, rule, args)
        if "GET" in rule.methods:  # first, what the pages offer: their names and values
            page = client.get(url)
            if page.mimetype == "text/html":
                harvest(page.get_data(as_text=True), pools)
        plan.append((client, rule, url))
    names = sorted(names)
    for client, rule, url in plan:
        files = "upload" in rule.endpoint or "import" in rule.endpoint
        for method in ("POST", "GET"):
            if method in rule.methods:
                _fuzz(client, method, url, names, pools.get(_route(url), {}), files=files)
        if "POST" in rule.methods:
            _sweep(client, url, pools.get(_route(url), {}), files)


def test_fuzz_in_collection(app, collection_open):
    from kczg.models import Domain, NominationList, UnitType
    from kczg.operations import nominations as ops
    from kczg.services import files

    def fresh():
        """A draft of unit-a with an upload, and an account application, for each route."""
        with app.app_context(), database.connection_context():
            user = User.get(User.username == "unit-a")
            xdjs = NominationList.get(NominationList.code == "xdjs")
            draft = ops.create_draft(user, xdjs, Domain.get(Domain.list == xdjs,
                                                                    Domain.code == "dzxx"))
            with app.test_request_context():
                stored = files.store(BytesIO(b"%PDF-1.4 fuzz"), "材料.pdf")
            upload = Attachment.create(organisation=user.organisation, list=xdjs,
                                       nomination=draft, kind="material", uploaded_by=user,
                                       **stored)
            application = AccountApplication.create(
                organisation_name=f"湖北省科协{draft.id}", unit_type=UnitType.get(),
                contact="赵敏", phone="027-87654321", email="a@example.org",
                username=f"hb{draft.id}", password_hash="-")
            return {"nomination_id": draft.id, "attachment_id": upload.id,
                    "app_id": application.id, "code": "xdjs", "group": "people",
                    "name": "tech_name", "conflict_id": 1, "short_id": "it"}

    _fuzz_all(app, {"unit", "auth", "public", "secretariat"}, fresh)


def test_fuzz_in_review(app, collection_open):
    with app.app_context(), database.connection_context():
        demo.load_nominations()
        collection_open.move_to(REVIEW_DAY)
        demo.load_review()
        assignment = (Assignment.select().join(User, on=(Assignment.expert == User.id))
                      .where(User.username == "expert-it-1").first())
        nomination = Nomination.get(Nomination.status == "submitted")
        ids = {"nomination_id": nomination.id, "assignment_id": assignment.id, "code": "xdjs",
               "short_id": "it", "attachment_id": 1, "app_id": 1}
    _fuzz_all(app, {"review", "secretariat", "downloads"}, ids,
              as_expert={"review.score", "review.expert_dashboard"})


def teardown_module():
    if os.environ.get("KCZG_FUZZ_REPORT"):
        for key, counts in sorted(SEEN.items()):
            print(key, dict(counts))
