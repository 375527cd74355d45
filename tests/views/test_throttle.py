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


def test_attacker_delays_the_account_not_its_owner(app):
    with time_machine.travel(START, tick=False) as clock:
        owner = app.test_client()
        assert login(owner, "unit-b").status_code == 302  # this browser now knows unit-b
        owner.post("/logout", data={"csrf_token": csrf_token(owner, "/unit/")})

        attacker = app.test_client()
        for _ in range(5):
            assert login(attacker, "unit-b", "guess").status_code == 401
        r = login(attacker, "unit-b", "kczg-demo")  # even the right password waits now
        assert r.status_code == 429
        assert "该账号登录失败次数过多，请" in text(r) and "秒后再试" in text(r)
        assert 'value="unit-b"' in text(r)  # what was typed is kept

        assert login(owner, "unit-b").status_code == 302  # the owner's own browser: no wait

        elsewhere = app.test_client()  # the owner on a new computer waits out the delay …
        assert login(elsewhere, "unit-b").status_code == 429
        clock.shift(61)
        assert login(elsewhere, "unit-b").status_code == 302  # … and is let in


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
