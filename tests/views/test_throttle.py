"""Login throttling: only failed logins count; an account gets a progressive delay, never a
lock its owner cannot pass from a browser it used before; an address gets a larger allowance;
the message says when to try again; on Redis every app node sees the same counts."""
import os
import uuid

import pytest
import redis
import time_machine

from tests.conftest import csrf_token, login

START = "2021-10-20 09:00:00+08:00"
REDIS_URL = os.environ.get("KCZG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def text(r):
    return r.get_data(as_text=True)


def login_from(app_or_client, address, username, password="kczg-demo"):
    client = app_or_client.test_client() if hasattr(app_or_client, "test_client") \
        else app_or_client
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_attacker_delays_the_account_at_its_address_not_its_owner(app):
    with time_machine.travel(START, tick=False) as clock:
        owner = app.test_client()
        assert login(owner, "unit-b").status_code == 302  # this browser now knows unit-b
        owner.post("/logout", data={"csrf_token": csrf_token(owner, "/unit/")})

        attacker = app.test_client()
        for _ in range(5):
            assert login_from(attacker, "203.0.113.5", "unit-b", "guess").status_code == 401
        r = login_from(attacker, "203.0.113.5", "unit-b")  # even the right password waits
        assert r.status_code == 429
        assert "该账号在您所在的网络地址登录失败次数过多，请" in text(r) and "秒后再试" in text(r)
        assert 'value="unit-b"' in text(r)  # what was typed is kept

        assert login(owner, "unit-b").status_code == 302  # the owner's own browser: no wait
        # the owner in a new browser elsewhere: no wait either
        assert login_from(app, "198.51.100.7", "unit-b").status_code == 302
        # a new browser at the attacker's address waits out the delay, then is let in
        assert login_from(app, "203.0.113.5", "unit-b").status_code == 429
        clock.shift(61)
        assert login_from(app, "203.0.113.5", "unit-b").status_code == 302


def test_the_owner_logs_in_from_a_new_browser_after_100_wrong_passwords_from_20_addresses(app):
    with time_machine.travel(START, tick=False):
        for n in range(20):
            for _ in range(5):
                r = login_from(app, f"203.0.113.{n + 10}", "unit-a", "guess")
                assert r.status_code == 401
        r = login_from(app, "198.51.100.20", "unit-a")  # never used this browser before
        assert r.status_code == 302, text(r)[:300]


@pytest.mark.app_config(LOGIN_ACCOUNT_WIDE_LIMITS="30 per hour")
def test_guessing_spread_over_many_addresses_meets_the_account_wide_delay(app):
    with time_machine.travel(START, tick=False) as clock:
        owner = app.test_client()
        assert login(owner, "unit-b").status_code == 302
        owner.post("/logout", data={"csrf_token": csrf_token(owner, "/unit/")})
        for n in range(6):
            for _ in range(5):
                login_from(app, f"203.0.113.{n + 50}", "unit-b", "guess")
        r = login_from(app, "198.51.100.30", "unit-b")
        assert r.status_code == 429 and "该账号近期登录失败次数过多" in text(r)
        assert login(owner, "unit-b").status_code == 302  # a browser it used before: no wait
        clock.shift(3601)
        assert login_from(app, "198.51.100.30", "unit-b").status_code == 302


def test_delay_grows_with_the_failures(app):
    with time_machine.travel(START, tick=False) as clock:
        attacker = app.test_client()
        refused_after = []
        for minute in range(5):  # five guesses a minute, every minute
            for _ in range(5):
                refused_after.append(login(attacker, "unit-a", "guess").status_code)
            clock.shift(61)
        assert refused_after.count(401) == 20  # then 20 an hour: one hour's wait
        r = login(attacker, "unit-a", "kczg-demo")
        assert r.status_code == 429 and "分钟后再试" in text(r)


def test_successful_logins_do_not_count(app):
    client = app.test_client()
    for _ in range(8):
        assert login(client, "unit-a").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})


@pytest.mark.app_config(LOGIN_ADDRESS_LIMITS="12 per 10 minutes")
def test_one_address_trying_many_accounts(app):
    client = app.test_client()
    for i in range(12):
        assert login(client, f"guess-{i}", "x").status_code == 401
    r = login(client, "unit-a")
    assert r.status_code == 429 and "您所在的网络地址登录失败次数过多" in text(r)
    other = app.test_client()  # other addresses are not affected
    r = other.post("/login", data={"csrf_token": csrf_token(other, "/login"),
                                   "username": "unit-a", "password": "kczg-demo"},
                   environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert r.status_code == 302


def test_counts_shared_by_app_nodes_through_redis(bare_app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is not reachable: {e}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable")
    from kczg import create_app
    from kczg.db import database
    from kczg.demo import load

    prefix = f"{os.environ['KCZG_REDIS_PREFIX']}_{uuid.uuid4().hex[:6]}_limits"
    settings = {k: bare_app.config[k] for k in ("TESTING", "DATABASE_URL", "SECRET_KEY",
                                                "ARGON2_PARAMS")}
    settings.update(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    with bare_app.app_context(), database.connection_context():
        load(move_calendar=False)
    node1 = create_app(settings)
    for _ in range(5):
        assert login(node1.test_client(), "unit-b", "guess").status_code == 401
    node2 = create_app(settings)  # another process, another node: the same counts
    assert login(node2.test_client(), "unit-b").status_code == 429
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*{prefix}*"))
