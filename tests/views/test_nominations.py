"""The unit's nomination flow through the web: drafts, autosave, submit, quota, deadline,
stale saves, withdrawal, history, duplicates and who may see what."""
import html
import re

import pytest
import time_machine

from kczg.demo_data import sample
from kczg.models import Nomination, NominationConflict, NominationHistory
from tests.conftest import csrf_token, login, new_nomination, page_version, post_nomination

pytestmark = pytest.mark.usefixtures("collection_open")


def text(r):
    return html.unescape(r.get_data(as_text=True))


def submit(client, code, domain=None, **overrides):
    nid = new_nomination(client, code, domain)
    data = sample(code, **overrides)
    if domain:
        data["domain"] = domain
    return nid, post_nomination(client, nid, data, "submit")


def test_every_list_can_be_filled_and_submitted(as_user, db):
    client = as_user("unit-a")
    for code in ("xdjs", "xrqy", "cxyrt", "kycx", "kjtz", "tpdb"):
        nid, r = submit(client, code, "dzxx" if code == "xdjs" else None)
        assert r.status_code == 302, (code, text(r)[:2000])
        page = text(client.get(f"/unit/nominations/{nid}"))
        assert "已提交" in page and "重新编辑" in page
        # the read-only page shows every row typed
        for key, value in sample(code).items():
            if re.match(r"^[a-z_]+-\d+-(name|company|indicator|round)$", key):
                assert f"<td>{value}</td>" in page, (code, key)
        n = Nomination.get_by_id(nid)
        assert n.status == "submitted" and n.clean["pledge"] is True
    quota = re.sub(r"<[^>]+>|\s+", "", text(client.get("/unit/quota")))
    assert "新锐企业榜1/5已提交" in quota and "先导技术榜·电子信息1/2已提交" in quota
    assert "先导技术榜·生物医药0/2已提交" in quota


def test_a_new_draft_starts_with_the_units_contact(as_user):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    page = text(client.get(f"/unit/nominations/{nid}"))
    assert 'value="王明"' in page and 'value="010-68283463"' in page
    assert "中国电子学会" in page  # 推荐单位 from the account, not an input


def test_rejected_submission_keeps_everything_typed(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    data = sample("xdjs", first_unit_uscc="91350100M000100Y44", contact_phone="12345",
                  pledge=None, tech_name="我的<script>alert(1)</script>技术")
    r = post_nomination(client, nid, data, "submit")
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "提交未成功" in body and "统一社会信用代码校验位不正确" in body
    assert "请阅读并勾选诚信承诺" in body and "请填写11位手机号码" in body
    # every value typed is still there, including the wrong ones, escaped
    assert 'value="91350100M000100Y44"' in body and 'value="12345"' in body
    assert "我的&lt;script&gt;alert(1)&lt;/script&gt;技术" in body and "<script>alert" not in body
    assert 'value="张伟"' in body and "存算一体的神经网络加速架构" in body
    # and it was saved as a draft: a reload shows it
    assert Nomination.get_by_id(nid).status == "draft"
    assert 'value="91350100M000100Y44"' in client.get(f"/unit/nominations/{nid}").get_data(
        as_text=True)


def test_autosave_then_reload_shows_the_values(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "kycx")
    version = page_version(client, nid)
    r = post_nomination(client, nid, {"project_name": "半填的项目", "stars": "abc"},
                        version=version, path="/autosave")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "已保存" in body
    assert f'value="{version + 1}" hx-swap-oob="true"' in body
    page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
    assert 'value="半填的项目"' in page and 'value="abc"' in page  # even invalid input is kept
    assert Nomination.get_by_id(nid).title == "半填的项目"


def test_stale_save_is_refused_and_both_versions_kept(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "kycx")
    v = page_version(client, nid)
    first = post_nomination(client, nid, {"project_name": "第一个标签页"}, version=v,
                            path="/autosave")
    assert first.status_code == 200
    second = post_nomination(client, nid, {"project_name": "第二个标签页"}, version=v,
                             path="/autosave")
    assert second.status_code == 409
    assert "已在其他页面或由其他用户修改" in text(second)
    n = Nomination.get_by_id(nid)
    assert n.raw["project_name"] == ["第一个标签页"]  # not silently overwritten
    conflict = NominationConflict.get(NominationConflict.nomination == nid)
    assert conflict.raw["project_name"] == ["第二个标签页"] and conflict.based_on_version == v
    page = text(client.get(f"/unit/nominations/{nid}"))
    assert "查看冲突副本" in page
    assert "第二个标签页" in text(client.get(f"/unit/nominations/{nid}/conflicts/{conflict.id}"))
    # the full-page save path refuses the same way, and keeps the typed values on screen
    r = post_nomination(client, nid, {"project_name": "第三次"}, version=v)
    assert r.status_code == 409 and 'value="第三次"' in r.get_data(as_text=True)


def test_quota_per_domain_and_withdrawal(as_user, db):
    client = as_user("unit-a")
    for _ in range(2):
        _, r = submit(client, "xdjs", "dzxx")
        assert r.status_code == 302
    nid, r = submit(client, "xdjs", "dzxx")
    assert r.status_code == 409
    assert "本单位先导技术榜“电子信息”领域已提交2项，已达推荐名额上限（2项）" in text(r)
    assert Nomination.get_by_id(nid).status == "draft"  # kept as a draft, nothing lost
    _, r = submit(client, "xdjs", "swyy")  # another domain has its own quota
    assert r.status_code == 302
    # withdraw one: the place is free again
    first = Nomination.select().where(Nomination.status == "submitted").first()
    client.post(f"/unit/nominations/{first.id}/withdraw",
                data={"csrf_token": csrf_token(client, "/unit/")})
    assert Nomination.get_by_id(first.id).status == "withdrawn"
    r = post_nomination(client, nid, sample("xdjs", domain="dzxx"), "submit")
    assert r.status_code == 302


def test_quota_of_five_for_new_enterprises_and_other_units_unaffected(as_user, client, db):
    as_user("unit-a")
    for i in range(5):
        assert submit(client, "xrqy")[1].status_code == 302
    assert submit(client, "xrqy")[1].status_code == 409
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "unit-b")
    assert submit(client, "xrqy")[1].status_code == 302


def test_reopen_and_history(as_user, db):
    client = as_user("unit-a")
    nid, _ = submit(client, "kjtz")
    r = client.post(f"/unit/nominations/{nid}/reopen",
                    data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
    assert "已转为草稿" in text(r) and Nomination.get_by_id(nid).status == "draft"
    r = post_nomination(client, nid, sample("kjtz", aum="90"), "submit")
    assert r.status_code == 302
    page = text(client.get(f"/unit/nominations/{nid}/history"))
    for action in ("创建草稿", "提交", "重新编辑"):
        assert action in page
    assert "管理资本规模（亿元）" in page  # which field changed
    assert page.count("unit-a") >= 4
    actions = [h.action for h in NominationHistory.select().where(
        NominationHistory.nomination == nid).order_by(NominationHistory.id)]
    assert actions == ["created", "submitted", "reopened", "submitted"]
    # the unit's accounts are told of each submission
    assert "推荐“示例科技创业投资管理有限公司”已提交" in text(client.get("/messages"))


def test_deadline_either_side(as_user, db, collection_open):
    collection_open.move_to("2021-10-30 20:00:00+08:00")  # logged in on the last evening
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    other = new_nomination(client, "kjtz")
    other_version = page_version(client, other)  # the page was opened before the deadline
    with time_machine.travel("2021-10-30 23:59:58+08:00", tick=False):
        r = post_nomination(client, nid, sample("xrqy"), "submit")
        assert r.status_code == 302
    with time_machine.travel("2021-10-31 00:00:00+08:00", tick=False):
        r = post_nomination(client, other, sample("kjtz"), "submit", version=other_version)
        assert r.status_code == 409 and "网上申报已于2021年10月30日24时（北京时间）截止" in text(r)
        assert Nomination.get_by_id(other).status == "draft"
        r = client.post(f"/unit/nominations/{nid}/withdraw",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert "截止" in text(r) and Nomination.get_by_id(nid).status == "submitted"
        r = post_nomination(client, other, {"org_name": "迟到"}, version=1, path="/autosave")
        assert r.status_code == 423 and "截止" in text(r)
        r = client.post("/unit/nominations/new", data={"csrf_token": csrf_token(client, "/unit/"),
                                                       "list": "xrqy"}, follow_redirects=True)
        assert "截止" in text(r)
        page = text(client.get(f"/unit/nominations/{other}"))
        assert "内容只能查看" in page and "提交推荐" not in page


def test_moved_deadline_is_followed(as_user, db, collection_open):
    from datetime import datetime

    from kczg.models import Campaign
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    Campaign.update(submission_deadline=datetime(2021, 11, 7, 16)).execute()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    collection_open.move_to("2021-11-05 10:00:00+08:00")  # after the notice's deadline
    client = as_user("unit-a")  # a new day, a new login
    assert post_nomination(client, nid, sample("xrqy"), "submit").status_code == 302


def test_repeating_rows_add_and_remove_keep_other_input(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    data = sample("xdjs", tech_name="保留的名称")
    data["csrf_token"] = csrf_token(client, "/unit/")
    r = client.post(f"/unit/nominations/{nid}/rows/people?add=1", data=data,
                    headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["HX-Trigger"] == "kczg:changed"
    assert 'name="people-2-name"' in body and 'value="李娜"' in body
    r = client.post(f"/unit/nominations/{nid}/rows/people?remove=0", data=data,
                    headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert 'value="张伟"' not in body
    assert re.search(r'name="people-0-name"[^>]*value="李娜"', body)
    # without JavaScript the same buttons post the whole page
    r = post_nomination(client, nid, data, "remove:people:0")
    body = r.get_data(as_text=True)
    assert 'value="保留的名称"' in body and 'value="张伟"' not in body and 'value="李娜"' in body
    r = post_nomination(client, nid, data, "add:ip")
    assert 'name="ip-2-name"' in r.get_data(as_text=True)


def test_inline_validation_answers_one_field(as_user):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    data = sample("xrqy", uscc="91350100M000100Y44")
    data["csrf_token"] = csrf_token(client, "/unit/")
    r = client.post(f"/unit/nominations/{nid}/validate/uscc", data=data)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and body.count('class="errors"') == 1
    assert 'id="err-uscc"' in body and "<input" not in body  # only the error box comes back
    assert "统一社会信用代码校验位不正确" in body
    r = client.post(f"/unit/nominations/{nid}/validate/financing-0-amount",
                    data={**data, "financing-0-amount": "-5"})
    assert "金额不能为负数" in r.get_data(as_text=True)
    assert client.post(f"/unit/nominations/{nid}/validate/nope", data=data).status_code == 404


def test_another_unit_sees_nothing(as_user, client, db):
    as_user("unit-a")
    nid, _ = submit(client, "xrqy")
    draft = new_nomination(client, "kycx")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "unit-b")
    token = csrf_token(client, "/unit/")
    for target in (nid, draft):
        assert client.get(f"/unit/nominations/{target}").status_code == 404
        assert client.get(f"/unit/nominations/{target}/history").status_code == 404
        for path in ("", "/autosave", "/withdraw", "/reopen", "/delete", "/validate/uscc",
                     "/rows/financing?add=1"):
            r = client.post(f"/unit/nominations/{target}{path}",
                            data={"csrf_token": token, "version": "1"})
            assert r.status_code == 404, path
    assert "杭州示例智能科技有限公司" not in text(client.get("/unit/"))


def test_hostile_input(as_user, app, db):
    client = as_user("unit-a")
    token = csrf_token(client, "/unit/")
    assert client.post("/unit/nominations/new", data={"csrf_token": token,
                                                      "list": "nope"}).status_code == 404
    r = client.post("/unit/nominations/new", data={"csrf_token": token, "list": "xdjs",
                                                   "domain": "mars"}, follow_redirects=True)
    assert "请选择所属领域" in text(r)
    r = client.post("/unit/nominations/new", data={"csrf_token": token, "list": "qncy"},
                    follow_redirects=True)
    assert "另行通知" in text(r) and Nomination.select().count() == 0
    nid = new_nomination(client, "xrqy")
    # negative numbers and future dates are refused with their messages
    r = post_nomination(client, nid, sample("xrqy", employees="-3", founded="2999-01-01"),
                        "submit")
    assert "员工总数不能为负数" in text(r) and "日期不能晚于今天" in text(r)
    # invalid UTF-8 is replaced, not a 500
    r = client.post(f"/unit/nominations/{nid}/autosave",
                    data=b"csrf_token=" + token.encode() + b"&version=" +
                    str(page_version(client, nid)).encode() + b"&company_name=%FF%FE%C3%28",
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200
    # a tampered version is a 400, not a 500
    r = post_nomination(client, nid, {}, version="x", path="/autosave")
    assert r.status_code == 400
    # an oversized body gets the friendly 413
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    r = post_nomination(client, nid, {"business": "很" * 70_000}, path="/autosave")
    assert r.status_code == 413 and "上传内容过大" in text(r)


def test_duplicates_across_units_are_flagged_for_the_secretariat(as_user, client, db):
    as_user("unit-a")
    submit(client, "xrqy")
    submit(client, "kycx")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "unit-b")
    _, r = submit(client, "xrqy", company_name="同一企业（另一单位推荐）")
    assert r.status_code == 302  # allowed
    _, r = submit(client, "kycx", repo_url="https://gitee.com/Example/distributed-db.git")
    assert r.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "secretariat")
    page = text(client.get("/secretariat/duplicates"))
    assert "91350100M000100Y43" in page and "https://gitee.com/example/distributed-db" in page
    assert "中国电子学会" in page and "浙江省科学技术协会" in page
    assert "同一企业（另一单位推荐）" in page


def test_a_pages_own_racing_saves_are_not_conflicts(as_user, db):
    """One page autosaves and, before the answer arrives, saves again with the old version:
    the page's newest content wins. Another page with the same old version conflicts."""
    client = as_user("unit-a")
    nid = new_nomination(client, "kycx")
    v = page_version(client, nid)
    tab_a = {"editor": "tab-a"}
    assert post_nomination(client, nid, {**tab_a, "project_name": "一"}, version=v,
                           path="/autosave").status_code == 200
    assert post_nomination(client, nid, {**tab_a, "project_name": "一二"}, version=v,
                           path="/autosave").status_code == 200
    r = post_nomination(client, nid, {**sample("kycx"), **tab_a}, "submit", version=v)
    assert r.status_code == 302
    assert Nomination.get_by_id(nid).status == "submitted"
    nid2 = new_nomination(client, "kycx")
    v2 = page_version(client, nid2)
    post_nomination(client, nid2, {**tab_a, "project_name": "A"}, version=v2, path="/autosave")
    r = post_nomination(client, nid2, {"editor": "tab-b", "project_name": "B"}, version=v2,
                        path="/autosave")
    assert r.status_code == 409


def test_draft_keeps_only_the_forms_inputs_cleaned(as_user, client, db, collection_open):
    from kczg.models import Nomination
    from kczg.services.nominations import MAX_VALUE_CHARS

    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    r = post_nomination(client, nid, {
        "tech_name": "芯片\x00技术\u202e", "summary": "长" * (MAX_VALUE_CHARS + 10),
        "people-0-name": "张伟", "people-²-name": "上标", "people-999-name": "太多行",
        "people-0-nosuch": "?", "is_admin": "1", "x" * 500: "y"}, "save")
    assert r.status_code == 422  # the over-long summary is refused at its field, not cut
    assert f"未保存：本项有{MAX_VALUE_CHARS + 10}个字" in r.get_data(as_text=True)
    raw = Nomination.get_by_id(nid).raw
    assert raw["tech_name"] == ["芯片技术"] and "summary" not in raw
    assert raw["people-0-name"] == ["张伟"]
    assert not {"people-²-name", "people-999-name", "people-0-nosuch", "is_admin", "x" * 500} & set(raw)
    page = client.get(f"/unit/nominations/{nid}")  # the page shows it again, no 500
    assert page.status_code == 200 and "芯片技术" in page.get_data(as_text=True)


def test_history_shows_each_fields_before_and_after(as_user, db, collection_open):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    base = sample("xdjs", pledge="")
    post_nomination(client, nid, base, "save")
    collection_open.shift(20 * 60)  # later: a new history entry
    long_before = base["summary"]
    changed = dict(base, tech_name="改过的技术名称", pledge="y",
                   summary=long_before.replace("28纳米", "14纳米"), **{"people-1-name": "王芳"})
    post_nomination(client, nid, changed, "save")
    again = dict(changed, tech_name="再改一次的名称")
    post_nomination(client, nid, again, "save")  # within minutes: the same entry
    entry = (NominationHistory.select().where(NominationHistory.nomination == nid,
                                              NominationHistory.action == "saved")
             .order_by(NominationHistory.id.desc()).first())
    labels = [c["label"] for c in entry.changes]
    assert labels == ["技术名称", "主要完成人", "技术简介", "诚信承诺"]  # form order, readable
    name = entry.changes[0]
    assert (name["before"], name["after"]) == (base["tech_name"], "再改一次的名称")
    page = client.get(f"/unit/nominations/{nid}/history").get_data(as_text=True)
    assert "<del>28</del><ins>14</ins>" in page or "<del>2</del><ins>1</ins>" in page
    assert "再改一次的名称" in page and "本单位承诺" not in page.split("修改记录：")[1]


def test_secretariat_marks_a_group_not_duplicate(as_user, client, db):
    from kczg.models import AuditEvent

    as_user("unit-a")
    submit(client, "xrqy")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "unit-b")
    submit(client, "xrqy", company_name="同一企业（另一单位推荐）")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "secretariat")
    page = text(client.get("/secretariat/duplicates"))
    assert "不同推荐单位提交了相同统一社会信用代码" in page and "/secretariat/nominations/" in page
    ids = re.search(r'data-ids="([0-9,]+)"', page).group(1)
    r = client.post("/secretariat/duplicates/dismiss", data={
        "csrf_token": csrf_token(client, "/secretariat/duplicates"), "ids": ids,
        "reason": "集团与子公司，非同一企业"}, follow_redirects=True)
    assert "已标记为非重复" in text(r) and "疑似重复推荐（0组）" in text(r)
    assert AuditEvent.get(AuditEvent.action == "duplicate_dismissed").detail == "集团与子公司，非同一企业"


def test_a_25000_character_field_is_refused_at_the_field_and_nothing_stored_cut(
        as_user, db, collection_open):
    from kczg.models import Nomination

    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    post_nomination(client, nid, {"domain": "dzxx", "summary": "原有的简介"}, "save")
    long = "长" * 25000
    # autosave: the rest is saved, the page is told which field was not and why
    r = post_nomination(client, nid, {"domain": "dzxx", "summary": long, "tech_name": "新名称"},
                        path="/autosave")
    status = r.get_data(as_text=True)
    assert r.status_code == 422 and "未保存：技术简介（25000字）超过平台可保存的20000个字" in status
    assert "已保存" not in status.split("其余内容已保存")[0]
    raw = Nomination.get_by_id(nid).raw
    assert raw["summary"] == ["原有的简介"] and raw["tech_name"] == ["新名称"]
    # the page's own save button: the field shows its count, the text comes back as typed
    r = post_nomination(client, nid, {"domain": "dzxx", "summary": long}, "save")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "未保存：本项有25000个字" in page and long in page
    assert Nomination.get_by_id(nid).raw["summary"] == ["原有的简介"]
    # submitting is refused the same way
    r = post_nomination(client, nid, {"domain": "dzxx", "summary": long}, "submit")
    assert r.status_code == 422 and Nomination.get_by_id(nid).status == "draft"
    assert Nomination.get_by_id(nid).raw["summary"] == ["原有的简介"]
