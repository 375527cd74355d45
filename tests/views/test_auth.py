"""Logging in: roles, wrong passwords, throttling, CSRF, hostile input, account applications."""
from kczg.models import AccountApplication, User
from tests.conftest import csrf_token, login


def text(r):
    return r.get_data(as_text=True)


def test_each_role_lands_on_its_dashboard(client):
    for username, path, marker in (("unit-a", "/unit/", "中国电子学会"),
                                   ("review-it", "/review/", "中国科协信息科技学会联合体"),
                                   ("expert-it", "/review/expert", "专家工作台"),
                                   ("secretariat", "/secretariat/", "联合体秘书处工作台")):
        r = login(client, username)
        assert r.status_code == 302 and r.headers["Location"].endswith(path), username
        page = client.get(path)
        assert page.status_code == 200 and marker in text(page)
        client.post("/logout", data={"csrf_token": csrf_token(client, path)})
        assert client.get(path).status_code == 302  # logged out: back to login


def test_wrong_password_and_unknown_user_get_the_same_chinese_message(client):
    for username in ("unit-a", "nobody"):
        r = login(client, username, "wrong-password")
        assert r.status_code == 401
        assert "登录名或密码不正确" in text(r)
        assert f'value="{username}"' in text(r)  # what was typed is kept


def test_empty_and_oversized_fields(client):
    token = csrf_token(client, "/login")
    r = client.post("/login", data={"csrf_token": token, "username": "", "password": ""})
    assert r.status_code == 200 and "请填写登录名" in text(r) and "请填写密码" in text(r)
    r = client.post("/login", data={"csrf_token": token, "username": "x" * 5000,
                                    "password": "p" * 100_000})
    assert r.status_code == 200 and "不能超过40个字" in text(r) and "不能超过128个字" in text(r)


def test_post_without_csrf_token_is_refused_in_chinese(client):
    r = client.post("/login", data={"username": "unit-a", "password": "kczg-demo"})
    assert r.status_code == 400 and "CSRF" in text(r) and "请刷新页面后重新提交" in text(r)
    r = client.post("/login", data={"csrf_token": "forged", "username": "unit-a",
                                    "password": "kczg-demo"})
    assert r.status_code == 400


def test_roles_cannot_open_each_others_pages(client, as_user):
    assert client.get("/secretariat/").status_code == 302  # anonymous: to the login page
    as_user("unit-a")
    for path in ("/secretariat/", "/secretariat/units", "/review/", "/review/expert"):
        r = client.get(path)
        assert r.status_code == 403 and "无权访问" in text(r), path


def test_next_parameter_cannot_leave_the_site(client):
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        token = csrf_token(client, "/login")  # each login and logout starts a new session
        r = client.post(f"/login?next={evil}", data={"csrf_token": token, "username": "unit-a",
                                                      "password": "kczg-demo"})
        assert r.headers["Location"] == "/unit/", evil
        client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    r = client.post("/login?next=/unit/", data={"csrf_token": csrf_token(client, "/login"),
                                                "username": "unit-a", "password": "kczg-demo"})
    assert r.headers["Location"] == "/unit/"


def test_inactive_account_cannot_log_in(client, db):
    User.update(active=False).where(User.username == "unit-b").execute()
    r = login(client, "unit-b")
    assert r.status_code == 403 and "该账号已停用" in text(r)


def _apply(client, **over):
    data = {"organisation_name": "湖北省科学技术协会", "unit_type": "provincial",
            "contact": "赵敏", "phone": "027-87654321", "email": "hbkx@example.org",
            "username": "hubei", "password": "secret-pass-1", "confirm": "secret-pass-1"}
    data.update(over)
    data["csrf_token"] = csrf_token(client, "/apply")
    return client.post("/apply", data=data)


def test_application_approved_by_the_secretariat(client, as_user, db):
    r = _apply(client)
    assert r.status_code == 200 and "申请已提交" in text(r)
    r = login(client, "hubei", "secret-pass-1")
    assert r.status_code == 401 and "正在由联合体秘书处审核" in text(r)

    as_user("secretariat")
    page = client.get("/secretariat/applications")
    assert "湖北省科学技术协会" in text(page)
    application = AccountApplication.get(AccountApplication.username == "hubei")
    r = client.post(f"/secretariat/applications/{application.id}/approve",
                    data={"csrf_token": csrf_token(client, "/secretariat/applications")},
                    follow_redirects=True)
    assert "已通过“湖北省科学技术协会”的账号申请" in text(r)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/secretariat/")})

    r = login(client, "hubei", "secret-pass-1", follow=True)
    assert "湖北省科学技术协会" in text(r) and "单位工作台" in text(r)


def test_application_rejected_with_a_comment(client, as_user, db):
    _apply(client)
    as_user("secretariat")
    application = AccountApplication.get(AccountApplication.username == "hubei")
    r = client.post(f"/secretariat/applications/{application.id}/reject",
                    data={"csrf_token": csrf_token(client, "/secretariat/applications"),
                          "comment": "请由省科协统一申请"}, follow_redirects=True)
    assert "未通过：请由省科协统一申请" in text(r)
    assert not User.select().where(User.username == "hubei").exists()


def test_application_bad_input_keeps_what_was_typed(client):
    r = _apply(client, phone="12345", email="not-an-email", confirm="different",
               unit_type="martian", organisation_name="中国电子学会")
    body = text(r)
    assert r.status_code == 422
    assert "请填写11位手机号码，或带区号的固定电话" in body
    assert "电子邮箱格式不正确" in body
    assert "两次输入的密码不一致" in body
    assert "“martian”不是单位类型的可选项，请从列表中选择" in body  # a tampered option
    # everything else typed is kept
    assert 'value="赵敏"' in body and 'value="hubei"' in body and 'value="中国电子学会"' in body
    r = _apply(client, organisation_name="中国电子学会")  # exists already (demo unit-a)
    assert r.status_code == 422 and "该单位已有账号" in text(r)
    r = _apply(client, username="unit-a")
    assert r.status_code == 422 and "该登录名已被使用" in text(r)


def test_initial_password_must_be_changed_first(client, db):
    from kczg.passwords import hash_password

    with client.application.app_context():
        User.update(must_change_password=True, password_hash=hash_password("initial-pw-1")) \
            .where(User.username == "unit-b").execute()
    login(client, "unit-b", "initial-pw-1")
    for path in ("/unit/", "/messages", "/unit/quota", "/unit/documents/summary.pdf"):
        r = client.get(path)  # nothing opens before the initial password is changed
        assert r.status_code == 302 and "/account/password" in r.headers["Location"], path
    token = csrf_token(client, "/account/password")
    for new, problem in (("short", "密码至少10位"), ("1234567890", "该密码过于常见"),
                         ("qwertyuiop", "该密码过于常见"), ("unit-b-2021-pw", "密码不能包含登录名")):
        r = client.post("/account/password", data={"csrf_token": token,
                                                   "current": "initial-pw-1", "new": new,
                                                   "confirm": new})
        assert r.status_code == 200 and problem in text(r), new
    r = client.post("/account/password", data={"csrf_token": token, "current": "initial-pw-1",
                                               "new": "a-better-pw", "confirm": "a-better-pw"})
    assert r.status_code == 302
    assert client.get("/unit/").status_code == 200


def test_application_refuses_weak_passwords_keeping_the_rest(client, db):
    for password, problem in (("abc12345", "密码至少10位"), ("iloveyou123", "该密码过于常见"),
                              ("Wuhan-Keji-77", None),
                              ("password123", "该密码过于常见"), ("hubei-office-1", "密码不能包含登录名"),
                              ("Password1!", "该密码容易被猜中"), ("P@ssw0rd2021", "该密码容易被猜中")):
        r = _apply(client, password=password, confirm=password)
        if problem is None:  # not on the list: accepted
            assert "申请已提交" in text(r)
            AccountApplication.delete().execute()
            continue
        assert r.status_code == 422 and problem in text(r), password
        assert 'value="湖北省科学技术协会"' in text(r)  # everything else typed is kept


def test_one_password_check_whatever_the_name(client, db, monkeypatch):
    """An account, an application awaiting approval, an unknown name: one argon2 check each,
    so the answer's time does not tell which."""
    import kczg.auth.views as views

    checks = []
    real_verify, real_dummy = views.verify_password, views.dummy_verify
    monkeypatch.setattr(views, "verify_password",
                        lambda h, p: checks.append("verify") or real_verify(h, p))
    monkeypatch.setattr(views, "dummy_verify", lambda p: checks.append("dummy") or real_dummy(p))
    _apply(client)  # hubei is now a pending application
    for name in ("unit-a", "hubei", "nobody"):
        checks.clear()
        assert login(client, name, "wrong-password-1").status_code == 401
        assert len(checks) == 1, (name, checks)
