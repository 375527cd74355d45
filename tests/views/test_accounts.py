"""Operating accounts: 忘记密码 by e-mail (a round trip through an SMTP server on loopback), and
the secretariat's unit pages: counts, contact, 重置密码 with its 开通通知, 停用/启用, the audit log."""
import email
import email.policy
import re

import time_machine

from kczg.models import AuditEvent, Organisation, User
from tests.conftest import csrf_token, login

START = "2021-10-20 09:00:00+08:00"


def text(r):
    return r.get_data(as_text=True)


def _mail_link(sink) -> str:
    mail = email.message_from_bytes(sink.received[-1].content, policy=email.policy.default)
    assert mail["Subject"] == "【科创中国】重设登录密码"
    return re.search(r"https://kczg\.example\.org(/reset/\S+)", mail.get_content()).group(1)


def _forgot(client, username):
    return client.post("/forgot", data={"csrf_token": csrf_token(client, "/forgot"),
                                        "username": username})


def test_password_reset_by_mail_round_trip(app, smtp_sink):
    sink, port = smtp_sink
    app.config.update(KCZG_SMTP_HOST="127.0.0.1", KCZG_SMTP_PORT=port)
    with time_machine.travel(START, tick=False) as clock:
        laptop = app.test_client()
        login(laptop, "unit-a")  # a session that must end when the password is reset
        client = app.test_client()
        r = _forgot(client, "unit-a")
        unknown = _forgot(app.test_client(), "nobody-here")
        assert r.status_code == unknown.status_code == 200
        same = "如该账号存在并登记了电子邮箱，重设密码的邮件已经发出"
        assert same in text(r) and same in text(unknown)  # the same answer either way
        assert len(sink.received) == 1 and sink.received[0].rcpt_tos == ["unit-a@example.org"]
        link = _mail_link(sink)

        page = client.get(link)
        assert page.status_code == 200 and "unit-a" in text(page)
        weak = client.post(link, data={"csrf_token": csrf_token(client, link),
                                       "new": "1234567890", "confirm": "1234567890"})
        assert weak.status_code == 422 and "该密码过于常见" in text(weak)
        r = client.post(link, data={"csrf_token": csrf_token(client, link),
                                    "new": "Xin-Mi-Ma-2021", "confirm": "Xin-Mi-Ma-2021"})
        assert r.status_code == 302 and r.headers["Location"].endswith("/login")
        assert client.get(link).status_code == 404  # used once: gone
        assert laptop.get("/unit/").status_code == 302  # the old session has ended
        assert login(app.test_client(), "unit-a", "kczg-demo").status_code == 401
        assert login(app.test_client(), "unit-a", "Xin-Mi-Ma-2021").status_code == 302

        _forgot(app.test_client(), "unit-b")
        late = _mail_link(sink)
        clock.shift(61 * 60)  # the link works for 60 minutes
        assert "链接已失效" in text(app.test_client().get(late))
    with app.app_context():
        actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
        assert actions.count("password_reset_mail") == 2 and "password_reset_done" in actions


def test_forgot_is_limited(app):
    client = app.test_client()
    for _ in range(3):
        assert _forgot(client, "unit-b").status_code in (200, 503)  # 503: no mail server
    r = _forgot(client, "unit-b")
    assert r.status_code == 429 and "请求过于频繁" in text(r)


def test_mail_not_configured_is_said_logged_and_shown_to_the_secretariat(app, as_user, caplog):
    """Without KCZG_SMTP_HOST 忘记密码 never claims a mail was sent; the secretariat is told."""
    app.config.update(KCZG_SMTP_HOST="")
    client = app.test_client()
    page = client.get("/forgot")
    assert "本平台目前没有配置邮件服务" in text(page) and "010-68517798" in text(page)
    with caplog.at_level("WARNING", logger="kczg"):
        r = _forgot(client, "unit-a")
    assert r.status_code == 503 and "邮件未发送：本平台目前没有配置邮件服务" in text(r)
    assert "已经发出" not in text(r)
    assert any("no mail server is configured" in rec.getMessage() for rec in caplog.records)
    secretariat = as_user("secretariat")
    assert "未配置邮件服务器（KCZG_SMTP_HOST）" in text(secretariat.get("/secretariat/"))


def test_a_worker_that_stopped_is_shown_to_the_secretariat(app, as_user):
    from kczg import queue

    client = as_user("secretariat")
    assert "后台任务进程" not in text(client.get("/secretariat/"))  # tests: jobs run in-process
    queue.huey.immediate = False  # the run's own queue storage (KCZG_INSTANCE), emptied after
    try:
        queue.huey.put(queue.HEARTBEAT, 0.0)  # last seen long ago
        page = text(client.get("/secretariat/"))
        assert "后台任务进程已有" in page and "分钟没有响应" in page
        queue.beat()
        assert "后台任务进程" not in text(client.get("/secretariat/"))
    finally:
        queue.huey.flush()
        queue.huey.immediate = True


def test_units_list_with_counts_and_a_units_page(app, client, as_user):
    as_user("secretariat")
    r = client.get("/secretariat/units?q=中国电子学会")
    assert r.status_code == 200 and "<th>已提交</th>" in text(r) and "盖章扫描件" in text(r)
    with app.app_context():
        org = Organisation.get(Organisation.name == "中国电子学会")
    page = client.get(f"/secretariat/units/{org.id}")
    assert page.status_code == 200 and "unit-a" in text(page) and "重置密码" in text(page)
    bad = client.post(f"/secretariat/units/{org.id}", data={
        "csrf_token": csrf_token(client, f"/secretariat/units/{org.id}"),
        "contact": "张三", "phone": "12", "email": "not-an-address"})
    assert bad.status_code == 422 and 'value="张三"' in text(bad)
    r = client.post(f"/secretariat/units/{org.id}", data={
        "csrf_token": csrf_token(client, f"/secretariat/units/{org.id}"),
        "contact": "张三", "phone": "010-68280000", "email": "new-contact@example.org"},
        follow_redirects=True)
    assert "联系人已保存" in text(r)
    with app.app_context():
        assert User.get(User.username == "unit-a").email == "new-contact@example.org"
        assert AuditEvent.get(AuditEvent.action == "contact_changed").subject == "中国电子学会"


def test_reset_disable_enable_and_the_audit_log(app, client, as_user):
    unit = app.test_client()
    login(unit, "unit-b")
    as_user("secretariat")
    with app.app_context():
        user = User.get(User.username == "unit-b")
    r = client.post(f"/secretariat/accounts/{user.id}/reset",
                    data={"csrf_token": csrf_token(client, "/secretariat/units")})
    assert r.status_code == 200 and "账号开通通知" in text(r)
    password = re.search(r'id="one-time-password">([^<]+)<', text(r)).group(1)
    assert unit.get("/account/password").status_code == 302  # its sessions ended
    assert login(app.test_client(), "unit-b", "kczg-demo").status_code == 401
    fresh = app.test_client()
    assert login(fresh, "unit-b", password).status_code == 302
    assert "/account/password" in fresh.get("/unit/").headers["Location"]  # must change it

    r = client.post(f"/secretariat/accounts/{user.id}/disable",
                    data={"csrf_token": csrf_token(client, "/secretariat/units")},
                    follow_redirects=True)
    assert "已停用" in text(r)
    assert fresh.get("/account/password").status_code == 302  # logged out at once
    refused = login(app.test_client(), "unit-b", password)
    assert refused.status_code == 403 and "该账号已停用" in text(refused)
    client.post(f"/secretariat/accounts/{user.id}/enable",
                data={"csrf_token": csrf_token(client, "/secretariat/units")})
    assert login(app.test_client(), "unit-b", password).status_code == 302

    log = text(client.get("/secretariat/audit"))
    for shown in ("重置密码", "停用账号", "启用账号", "登录失败", "unit-b"):
        assert shown in log, shown
    only = text(client.get("/secretariat/audit?action=account_disabled"))
    assert "停用账号" in only and "启用账号</td>" not in only
    assert client.get("/secretariat/audit?action=%00&q=²&page=²").status_code == 200


def test_only_the_secretariat_operates_accounts(app, client, as_user):
    with app.app_context():
        user = User.get(User.username == "unit-b")
    as_user("unit-a")
    token = csrf_token(client, "/unit/")
    for path in (f"/secretariat/accounts/{user.id}/reset", f"/secretariat/accounts/{user.id}/disable"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    assert client.get("/secretariat/audit").status_code == 403
