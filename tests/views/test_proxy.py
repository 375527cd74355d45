"""Behind nginx: with KCZG_PROXY_HOPS=1 the app sees the client's address from
X-Forwarded-For (what the login throttle counts), and without it ignores the header."""
import pytest

from kczg.models import AuditEvent
from tests.conftest import csrf_token


def _fail_login(client, forwarded_for):
    token = csrf_token(client, "/login")
    client.post("/login", data={"csrf_token": token, "username": "unit-a", "password": "wrong"},
                headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https",
                         "Referer": "https://localhost/login"},  # browsers send it; CSRF checks it on HTTPS
                environ_base={"REMOTE_ADDR": "127.0.0.1"})


@pytest.mark.app_config(PROXY_HOPS=1)
def test_trusted_proxy_gives_the_client_address(client, db):
    _fail_login(client, "203.0.113.7")
    assert [(a.action, a.ip) for a in AuditEvent.select()] == [("login_failed", "203.0.113.7")]


def test_without_proxy_setting_the_header_is_ignored(client, db):
    _fail_login(client, "203.0.113.7")
    assert [(a.action, a.ip) for a in AuditEvent.select()] == [("login_failed", "127.0.0.1")]


def _login_via_proxy(client, username, password, forwarded_for):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": "127.0.0.1"})


def _twenty_units_mistype(client):
    for i in range(20):
        r = _login_via_proxy(client, f"unit-{i:02d}", "wrong", f"198.51.100.{i + 1}")
        assert r.status_code in (401, 429)
    return _login_via_proxy(client, "unit-b", "kczg-demo", "198.51.100.200")


@pytest.mark.app_config(PROXY_HOPS=1, LOGIN_ADDRESS_LIMITS="5 per 10 minutes")
def test_units_behind_one_proxy_do_not_lock_each_other_out(client, app):
    """20 units mistyping once each from 20 addresses behind the proxy: the 21st logs in (the
    throttle counts each client's address, not the proxy's)."""
    assert _twenty_units_mistype(client).status_code == 302


@pytest.mark.app_config(LOGIN_ADDRESS_LIMITS="5 per 10 minutes")
def test_without_trusting_the_proxy_they_would(client, app):
    r = _twenty_units_mistype(client)
    assert r.status_code == 429 and "您所在的网络地址登录失败次数过多" in r.get_data(as_text=True)
