"""Test fixtures: a fresh database per test, on SQLite or (with --db=postgresql) PostgreSQL.

CI=true makes a missing PostgreSQL server a failure; elsewhere those runs skip with the reason.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid

import pytest

os.environ.setdefault("KCZG_INSTANCE", tempfile.mkdtemp(prefix="kczg-test-instance-"))

PG_URL = os.environ.get("KCZG_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Each run has its own schema and Redis key prefix, so two runs on one machine never meet; the
# schema is dropped when the run ends.
RUN_ID = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
PG_SCHEMA = f"kczg_test_{RUN_ID}"
os.environ.setdefault("KCZG_REDIS_PREFIX", f"kczg_test_{RUN_ID}")  # huey keeps [A-Za-z0-9_]
# argon2 at its lowest cost: tests hash many passwords; the algorithm is the same.
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("KCZG_TEST_DB", "sqlite"),
                     choices=["sqlite", "postgresql"], help="database the suite runs against")
    parser.addoption("--part", default="all", choices=["all", "browser-and-no-db", "db"],
                     help="a share of the tests, for passes run side by side (./run test): "
                          "the browser tests and those that use no database, or the others")


def pytest_report_header(config):
    return f"kczg database: {config.getoption('--db')} (schema {PG_SCHEMA} on PostgreSQL)"


# the fixtures every database of a test comes from (app, db, client … use them)
DB_FIXTURES = frozenset({"database_url", "template_copy"})


def _uses_db(item) -> bool:
    return bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass runs the tests that use a database; the others (documents, rules,
    benchmarks, the cluster) do the same on either pass and run once, with SQLite. `--part`
    takes a share of the tests for passes run side by side."""
    part = config.getoption("--part")
    if config.getoption("--db") == "postgresql":
        keep = [i for i in items if _uses_db(i)]
    elif part == "browser-and-no-db":
        keep = [i for i in items if i.get_closest_marker("browser") or not _uses_db(i)]
    elif part == "db":
        keep = [i for i in items if _uses_db(i) and not i.get_closest_marker("browser")]
    else:
        return
    chosen = set(keep)
    dropped = [i for i in items if i not in chosen]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
        config._kczg_elsewhere = len(dropped)


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "_kczg_elsewhere", 0):
        terminalreporter.write_line(
            f"kczg: {config._kczg_elsewhere} tests deselected here run in another pass of "
            "./run test (--db, --part)")


def _pg_admin():
    import psycopg2

    conn = psycopg2.connect(PG_URL, connect_timeout=3)
    conn.autocommit = True
    return conn


def pytest_sessionfinish(session, exitstatus):
    """Drop this run's schemas (the tests' and the templates') and its Redis keys."""
    if session.config.getoption("--db") == "postgresql":
        try:
            conn = _pg_admin()
            with conn.cursor() as cur:
                for schema in (PG_SCHEMA, f"{PG_SCHEMA}_bare", f"{PG_SCHEMA}_demo"):
                    cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.close()
        except Exception:  # noqa: BLE001 - nothing to drop when the server is away
            pass
    try:
        import redis

        r = redis.Redis.from_url(os.environ.get("KCZG_TEST_REDIS_URL",
                                                "redis://127.0.0.1:6379/15"),
                                 socket_connect_timeout=1)
        keys = list(r.scan_iter(match="*" + os.environ["KCZG_REDIS_PREFIX"] + "*", count=500))
        if keys:
            r.delete(*keys)
    except Exception:  # noqa: BLE001
        pass


def _pg_unreachable(e: Exception):
    reason = f"PostgreSQL at {PG_URL} is not reachable: {e}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: a missing server is a failure)")
    pytest.skip(reason)


def _postgres_url() -> str:
    try:
        conn = _pg_admin()
    except Exception as e:  # noqa: BLE001 - any failure to connect means "no server"
        _pg_unreachable(e)
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {PG_SCHEMA}")
    conn.close()
    return f"{PG_URL}?options=-c%20search_path%3D{PG_SCHEMA}"


@pytest.fixture
def database_url(request, tmp_path):
    """An empty database."""
    if request.config.getoption("--db") == "postgresql":
        return _postgres_url()
    return f"sqlite:///{tmp_path / 'kczg.sqlite3'}"


def _settings(database_url: str, request=None) -> dict:
    return {"TESTING": True, "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret", "ARGON2_PARAMS": FAST_ARGON2,
            "KCZG_PRERENDER_DOCUMENTS": False,
            "KCZG_BASE_URL": "https://kczg.example.org",
            **(marker.kwargs if request is not None and (
                marker := request.node.get_closest_marker("app_config")) else {})}


# --- template databases: built once per run, copied for every test ------------------------
# "bare": migrated, the 2021 campaign loaded; "demo": and the demo accounts (the notice's
# calendar). Migrating and loading took 0.3 s a test on SQLite and 1-1.4 s on PostgreSQL; a
# test now gets a copy of a template built once per run:
# - SQLite: a file copy;
# - PostgreSQL: the template is a schema of its own; the test's schema, when its tables are the
#   template's (a fingerprint of the catalog says so), is emptied and refilled from it in one
#   batch, its sequences set as the template's; otherwise (the first test, or one that changed
#   the schema or asked for an empty database) it is built afresh. (A database copied by
#   CREATE DATABASE … TEMPLATE measured 0.5-0.6 s.)
_templates: dict[str, str] = {}


def _fill(url: str, stage: str, instance: str) -> None:
    from kczg import create_app, demo
    from kczg.db import database
    from kczg.migrate import migrate
    from kczg.operations.campaigns import load_campaign

    app = create_app(_settings(url))
    app.instance_path = instance
    with app.app_context():
        database.connect(reuse_if_open=True)
        migrate()
        load_campaign()
        if stage == "demo":
            demo.load(move_calendar=False)
        if url.startswith("sqlite:///"):
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
        database.close()


def _pg_url(schema: str) -> str:
    return f"{PG_URL}?options=-c%20search_path%3D{schema}"


FINGERPRINT_SQL = """
SELECT md5(coalesce(string_agg(item, '|' ORDER BY item), '')) FROM (
  SELECT c.relname || '.' || c.relkind::text || '.' || a.attname || '.' ||
         format_type(a.atttypid, a.atttypmod) || '.' || a.attnotnull::text || '.' ||
         coalesce(replace(pg_get_expr(d.adbin, d.adrelid), %(schema)s || '.', ''), '') AS item
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE n.nspname = %(schema)s
  UNION ALL
  SELECT c.relname || ':' || replace(pg_get_indexdef(i.indexrelid), %(schema)s || '.', '')
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s
  UNION ALL
  SELECT co.conname || ':' || replace(pg_get_constraintdef(co.oid), %(schema)s || '.', '')
  FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
  WHERE n.nspname = %(schema)s
  UNION ALL
  SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
) parts
"""


class _PgTemplate:
    """A template schema and the SQL that refills a test's schema from it."""

    def __init__(self, schema: str, cur):
        self.schema = schema
        cur.execute(FINGERPRINT_SQL, {"schema": schema})
        self.fingerprint = cur.fetchone()[0]
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema,))
        tables = [t for (t,) in cur.fetchall()]
        cur.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                    "c.relnamespace WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY 1",
                    (schema,))
        sequences = [q for (q,) in cur.fetchall()]
        t = PG_SCHEMA
        self.refill = "".join(
            ["SET LOCAL session_replication_role = replica;"]
            + [f'DELETE FROM {t}."{name}";' for name in tables]
            + [f'INSERT INTO {t}."{name}" SELECT * FROM {schema}."{name}";' for name in tables]
            + [f"SELECT setval('{t}.\"{q}\"', last_value, is_called) FROM {schema}.\"{q}\";"
               for q in sequences])


_pg_templates: dict[str, _PgTemplate] = {}


def _pg_copy(stage: str, tmp_path) -> str:
    try:
        conn = _pg_admin()
    except Exception as e:  # noqa: BLE001 - any failure to connect means "no server"
        _pg_unreachable(e)
    try:
        with conn.cursor() as cur:
            template = _pg_templates.get(stage)
            if template is None:
                schema = f"{PG_SCHEMA}_{stage}"
                cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                cur.execute(f"CREATE SCHEMA {schema}")
                _fill(_pg_url(schema), stage, str(tmp_path / "template-instance"))
                template = _pg_templates[stage] = _PgTemplate(schema, cur)
            cur.execute(FINGERPRINT_SQL, {"schema": PG_SCHEMA})
            if cur.fetchone()[0] != template.fingerprint:  # none yet, or changed: afresh
                cur.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
                cur.execute(f"CREATE SCHEMA {PG_SCHEMA}")
                _fill(_pg_url(PG_SCHEMA), "bare", str(tmp_path / "template-instance"))
            conn.autocommit = False
            cur.execute("SET LOCAL lock_timeout = '20s'")
            cur.execute(template.refill)
            conn.commit()
    finally:
        conn.close()
    return _pg_url(PG_SCHEMA)


@pytest.fixture
def template_copy(request, tmp_path, tmp_path_factory):
    """`template_copy(stage)`: the URL of this test's own database at that stage."""
    def copy(stage: str) -> str:
        if request.config.getoption("--db") == "postgresql":
            return _pg_copy(stage, tmp_path)
        if stage not in _templates:
            root = tmp_path_factory.mktemp(f"template-{stage}")
            _fill(f"sqlite:///{root / 'kczg.sqlite3'}", stage, str(root / "instance"))
            _templates[stage] = str(root / "kczg.sqlite3")
        target = tmp_path / "kczg.sqlite3"
        shutil.copyfile(_templates[stage], target)
        return f"sqlite:///{target}"

    return copy


def _app_on(url: str, request, tmp_path):
    from kczg import create_app
    from kczg.queue import huey

    huey.immediate = True  # background jobs run in-process, in memory (after the commit)
    app = create_app(_settings(url, request))
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def bare_app(template_copy, tmp_path, request):
    """The app on a migrated database with the 2021 campaign loaded (a test marked
    `@pytest.mark.app_config(KEY=value)` gets those settings too)."""
    from kczg.db import database

    app = _app_on(template_copy("bare"), request, tmp_path)
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture
def app(template_copy, tmp_path, request):
    """The app with the demo accounts, the calendar as the notice has it (2021)."""
    from kczg.db import database

    app = _app_on(template_copy("demo"), request, tmp_path)
    yield app
    if not database.is_closed():
        database.close()


@pytest.fixture(autouse=True)
def this_year():
    """A test works as a request does: in the current campaign's scope (it follows the
    current campaign as the test loads or switches years). A read across years says
    `unscoped()`, as the app's own code must."""
    from kczg.campaigns import scope

    with scope.using_current():
        yield


@pytest.fixture
def db(app):
    """An open connection for tests that read or write rows directly."""
    from kczg.db import database

    with app.app_context(), database.connection_context():
        yield database


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                     r'|name="csrf_token" value="([^"]+)"'
                     r'|"X-CSRFToken": "([^"]+)"')


def csrf_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1) or m.group(2) or m.group(3)


def login(client, username: str, password: str = "kczg-demo", follow=False):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password}, follow_redirects=follow)


@pytest.fixture
def as_user(client):
    def _as(username: str, password: str = "kczg-demo"):
        r = login(client, username, password)
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return client
    return _as




# --- nominations ---------------------------------------------------------------------------

IN_COLLECTION = "2021-10-20 12:00:00+08:00"  # a day when the 2021 collection is open


@pytest.fixture
def collection_open():
    """Freeze the clock inside the 2021 collection phase (the clock keeps ticking)."""
    import time_machine

    with time_machine.travel(IN_COLLECTION, tick=True) as traveller:
        yield traveller


VERSION_RE = re.compile(r'id="version" name="version" value="(\d+)"')


def page_version(client, nomination_id: int) -> int:
    html = client.get(f"/unit/nominations/{nomination_id}").get_data(as_text=True)
    return int(VERSION_RE.search(html).group(1))


def new_nomination(client, code: str, domain: str | None = None) -> int:
    data = {"csrf_token": csrf_token(client, "/unit/"), "list": code}
    if domain:
        data["domain"] = domain
    r = client.post("/unit/nominations/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def post_nomination(client, nomination_id: int, data: dict, action: str = "save",
                    version: int | None = None, path: str = ""):
    payload = dict(data)
    payload["csrf_token"] = csrf_token(client, "/unit/")
    payload["version"] = str(version if version is not None else page_version(client,
                                                                             nomination_id))
    payload["action"] = action
    return client.post(f"/unit/nominations/{nomination_id}{path}", data=payload)


# --- mail ----------------------------------------------------------------------------------

class Sink:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_sink():
    """An SMTP server on loopback (aiosmtpd) that keeps what it receives: (sink, port)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()
