"""Sessions live on the server: a cookie copied before logout, before a password change made
elsewhere, or left idle, is refused afterwards; each login starts a new session."""
import time_machine

from kczg.models import UserSession
from tests.conftest import csrf_token, login

START = "2021-10-20 09:00:00+08:00"


def _copy(app, client):
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _in(client, path="/unit/") -> bool:
    return client.get(path).status_code == 200


def test_copied_cookie_refused_after_logout(app):
    owner = app.test_client()
    assert login(owner, "unit-a").status_code == 302
    thief = _copy(app, owner)
    assert _in(thief)  # a copied cookie works while the session lives …
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/unit/")})
    assert not _in(owner)
    r = thief.get("/unit/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]  # … not after logout


def test_password_change_ends_the_other_sessions(app):
    office, home = app.test_client(), app.test_client()
    login(office, "unit-a")
    login(home, "unit-a")
    thief = _copy(app, home)
    r = office.post("/account/password", data={
        "csrf_token": csrf_token(office, "/account/password"), "current": "kczg-demo",
        "new": "Zhong-Guo-Ke-Xie-2021", "confirm": "Zhong-Guo-Ke-Xie-2021"})
    assert r.status_code == 302, r.get_data(as_text=True)[-600:]
    assert _in(office)  # the session that changed it goes on
    assert not _in(home) and not _in(thief)
    assert login(home, "unit-a", "Zhong-Guo-Ke-Xie-2021").status_code == 302
    assert _in(home)


def test_idle_and_absolute_timeouts(app):
    with time_machine.travel(START, tick=False) as clock:
        client = app.test_client()
        login(client, "unit-a")
        thief = _copy(app, client)
        for _ in range(6):  # active every 100 minutes: stays in, for up to 12 hours
            clock.shift(100 * 60)
            assert _in(client)
        clock.shift(100 * 60)  # 11 h 40 min after logging in
        assert _in(client)
        clock.shift(30 * 60)  # past 12 hours: ended, however active
        assert not _in(client)
        assert not _in(thief)

        idle = app.test_client()
        login(idle, "unit-b")
        clock.shift(119 * 60)
        assert _in(idle)
        clock.shift(121 * 60)  # 121 minutes without a request
        assert not _in(idle)


def test_each_login_a_new_session_nothing_carried_over(app):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "by someone who set this browser's cookie"
    login(client, "unit-a")
    with client.session_transaction() as s:
        assert "planted" not in s
        first = s["_user_id"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "unit-a")
    with client.session_transaction() as s:
        assert s["_user_id"] != first
    with app.app_context():
        rows = list(UserSession.select().order_by(UserSession.id))
        assert len(rows) == 2 and rows[0].ended_at is not None and rows[1].ended_at is None
        assert first not in {r.token_hash for r in rows}  # only hashes are stored


def test_a_user_id_in_an_old_cookie_is_not_a_session(app):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as s:
        s["_user_id"] = "1"  # what a cookie from before server-side sessions held
        s["_fresh"] = True
    assert client.get("/unit/").status_code == 302
