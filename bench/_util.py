"""Shared helpers of the benchmarks: ports, gunicorn on loopback, wrk runs, session cookies."""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
USER_AGENT = "kczg-bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def gunicorn(target: str, port: int, env: dict, workers: int = 2, extra=()) -> subprocess.Popen:
    """gunicorn with sync workers on 127.0.0.1:`port` (the benches' fixed yardstick)."""
    cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind",
           f"127.0.0.1:{port}", "--log-level", "warning", *extra, target]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_port(port)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    errors: str


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if m and m.group(2) == "m":
        return float(m.group(1)) * 60000
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, seconds: int = 10, script: str | None = None, connections: int = 16,
        threads: int = 2, headers: dict | None = None) -> WrkResult:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
           "-H", f"User-Agent: {USER_AGENT}"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    if "50%" not in out or not re.search(r"50%\s+[\d.]+(us|ms|s|m)\b", out):
        raise RuntimeError(f"wrk gave no latency figures:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return WrkResult(rps, p50, p99, total, int(non.group(1)) if non else 0,
                     errors.group(1) if errors else "")


def lua_string(value: str) -> str:
    return "[==[" + value + "]==]"


def write_lua(text: str) -> str:
    fd, path = tempfile.mkstemp(suffix=".lua", prefix="kczg-bench-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def session_for(app, user) -> tuple[str, str]:
    """A logged-in session cookie for `user` and its CSRF token, minted with the app's own
    secret (what a browser holds after logging in), so a bench needs no thousand logins."""
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from kczg.services import sessions

    # a fresh app context: flask-login and Flask-WTF cache the user and the token on `g`
    with app.app_context(), app.test_request_context(
            "/", headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        sessions.start(user)
        login_user(user)
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, token


@contextlib.contextmanager
def bench_app(db: str, prefix: str):
    """The app on a fresh database of its own, migrated, the 2021 campaign loaded: SQLite in a
    temporary instance, or a PostgreSQL schema of its own (KCZG_BENCH_PG_URL, dropped after),
    so two runs on one machine never meet."""
    import uuid

    instance = Path(tempfile.mkdtemp(prefix=f"kczg-{prefix}-"))
    os.environ["KCZG_INSTANCE"] = str(instance)
    schema = conn = None
    if db == "postgresql":
        import psycopg2

        schema = f"kczg_{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = os.environ.get("KCZG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
        conn = psycopg2.connect(admin)
        conn.autocommit = True
        conn.cursor().execute(f"CREATE SCHEMA {schema}")
        url = f"{admin}?options=-c%20search_path%3D{schema}"
    else:
        url = f"sqlite:///{instance / 'kczg.sqlite3'}"
    from kczg import create_app
    from kczg.db import database
    from kczg.migrate import migrate
    from kczg.operations.campaigns import load_campaign

    app = create_app({"TESTING": True, "DATABASE_URL": url, "KCZG_PRERENDER_DOCUMENTS": False})
    try:
        with app.app_context(), database.connection_context():
            migrate()
            load_campaign()
        yield app
    finally:
        if schema:
            conn.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.close()
