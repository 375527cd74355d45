"""A third year unlike 2021 (tests/data/kczg-2023.toml, written from the campaign-file
language): 先导技术榜 with a seventh domain and a new body for it, 科技创业投资机构榜 dropped and
its body (投资联合体) no longer named, 开源创新榜 moved to a new body, a new list defined in the
file with its own later calendar; six lists.

And what a year is: one scope. A year-owned table is never queried without one; an account
whose body the year does not name sees no earlier year as current; an earlier year cannot be
changed while another is current, whatever its own deadlines, unless the secretariat reopens it
for a unit; its pages never call it current; the secretariat moves this year's dates from its
page and every check and page follows; the shape of a year in words comes from its data.
"""
import re
import threading
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from forms.new_enterprise import NewEnterpriseForm
from forms.registry import form_class
from kczg import demo
from kczg.campaigns import scope
from kczg.models import (
    YEAR_OWNED,
    AuditEvent,
    Campaign,
    Extension,
    Message,
    Nomination,
    NominationList,
    Organisation,
    ScopeError,
    User,
    unscoped,
)
from kczg.operations.campaigns import load_campaign, load_supplement
from kczg.rules import earlier, shape
from tests.conftest import csrf_token, login, new_nomination, page_version, post_nomination
from tests.test_campaign_years import NEW_LIST, logout, pdf_text, refused_new, submit

DATA = Path(__file__).parent / "data"
IN_2021 = "2021-10-20 10:00:00+08:00"
IN_2023 = "2023-10-20 10:00:00+08:00"
AFTER_2023 = "2023-10-31 10:00:00+08:00"  # the 2023 deadline (10-30 24:00) has passed
REVIEW_2023 = "2023-11-05 10:00:00+08:00"


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)


@pytest.fixture
def three_years(app, db, client):
    """unit-a submitted two 2021 nominations and keeps a 2021 draft, with a 2021 extension to
    2099 (its own deadline still open); then the 2023 file is loaded and is current, with the
    demo accounts of its new bodies."""
    with time_machine.travel(IN_2021, tick=False):
        login(client, "unit-a")
        submit(client, "xdjs", "dzxx", tech_name="二〇二一年的技术")
        submit(client, "kycx", project_name="二〇二一年的开源项目")
        draft = new_nomination(client, "cxyrt")
        logout(client)
    c2021 = Campaign.get(Campaign.slug == "2021")
    with scope.of(c2021):
        Extension.create(campaign=c2021,
                         organisation=Organisation.get(Organisation.name == "中国电子学会"),
                         until=datetime(2099, 1, 1), reason="2021年的延期",
                         granted_by=User.get(User.username == "secretariat"))
    c2023 = load_campaign(DATA / "kczg-2023.toml")
    assert c2023.is_current and c2023.year == 2023
    demo.load(move_calendar=False)  # review-space, review-osf
    with unscoped():
        ids = {n.title or "draft": n.id for n in Nomination.select()}
    return client, ids, draft


# --- the year's shape comes from its data ------------------------------------------------------

def test_the_third_year_goes_through_its_new_shape(three_years):
    client, _, _ = three_years
    with time_machine.travel(IN_2023, tick=False):
        home = client.get("/").get_data(as_text=True)
        assert "2023“科创中国”榜单共设置六类榜单" in home and "另行通知" not in home
        assert "100项（七个领域合计）" in home and "空天海洋领域" in home
        assert "科技创业投资机构榜" not in home and "中国科协空天海洋学会联合体" in home
        login(client, "unit-a")
        dashboard = client.get("/unit/").get_data(as_text=True)
        assert "二〇二一年的技术" not in dashboard and "2023年11月01日开始" in dashboard
        sid = submit(client, "xdjs", "kthy", year=2023, tech_name="深海探测关键技术")
        submit(client, "kycx", year=2023, project_name="二〇二三年的开源项目")
        nid = new_nomination(client, "xrqy")
        form = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
        assert "2022年营业收入" in form and "2019年营业收入" not in form  # 近三年 of 2023
        letter = pdf_text(client.get("/unit/documents/letters/xdjs/kthy.pdf").data)
        assert "参加2023年“科创中国”先导技术榜（空天海洋领域）" in letter
        assert client.get(f"/unit/nominations/{sid}").status_code == 200
        logout(client)
    with time_machine.travel(REVIEW_2023, tick=False):
        login(client, "review-space")  # the new body reviews the seventh domain
        page = client.get("/review/").get_data(as_text=True)
        assert "深海探测关键技术" in page and "二〇二三年的开源项目" not in page
        logout(client)
        login(client, "review-osf")  # 开源创新榜 moved to its new body
        page = client.get("/review/").get_data(as_text=True)
        assert "二〇二三年的开源项目" in page and "二〇二一年的开源项目" not in page
        logout(client)
        login(client, "secretariat")
        page = client.get("/secretariat/").get_data(as_text=True)
        # the review accounts of the bodies 2023 names: not the 2021 ones it dropped
        with unscoped():
            accounts = User.select().where(User.role == "review").count()
        assert accounts == 12
        assert re.search(r'<div class="num">10</div><div>初评机构账号</div>', page)
        final = client.get("/secretariat/final/xdjs").get_data(as_text=True)
        assert "（七个领域合计）" in final and "六个领域" not in final


def test_domains_lists_and_later_lists_in_words():
    class L:
        has_domains, is_open, status_note = True, True, ""

        def __init__(self, name, domains=0, is_open=True, note=""):
            self.name, self.domain_rows, self.is_open, self.status_note = \
                name, [object()] * domains, is_open, note
            self.has_domains = bool(domains)

    assert shape.domains_together(L("先导技术榜", 7)) == "七个领域合计"
    assert shape.domains_together(L("先导技术榜", 6)) == "六个领域合计"
    assert shape.domains_together(L("新锐企业榜")) == ""
    lists = [L(f"榜{i}") for i in range(6)]
    assert shape.lists_sentence(lists) == "共设置六类榜单"
    assert shape.lists_sentence(lists + [L("青年创业榜", is_open=False, note="另行通知")]) == \
        "共设置七类榜单，其中“青年创业榜”另行通知"
    assert [shape.cn_number(n) for n in (10, 12, 20, 70, 100, 105)] == \
        ["十", "十二", "二十", "七十", "一百", "一百零五"]


def test_a_list_opened_by_a_supplement_is_no_longer_announced_later(app, client):
    home = client.get("/").get_data(as_text=True)
    assert "共设置七类榜单，其中“青年创业榜”另行通知" in home
    load_supplement(Path(__file__).parents[1] / "kczg/campaigns/kczg-2021-qncy.toml")
    home = client.get("/").get_data(as_text=True)
    assert "共设置七类榜单。" in home and "另行通知" not in home


def test_the_2021_revenue_years_come_from_its_year_not_the_code(app, db):
    """新锐企业榜's “近三年” is the three years before the campaign's year, for 2021 as for
    later years: the form class itself holds no year."""
    assert not [name for name in vars(NewEnterpriseForm) if re.search(r"_\d{4}$", name)]
    xrqy = NominationList.get(NominationList.code == "xrqy")
    form = form_class(xrqy)(meta={"csrf": False})
    assert [form[f"revenue_{y}"].label.text for y in (2018, 2019, 2020)] == \
        ["2018年营业收入", "2019年营业收入", "2020年营业收入"]
    assert "revenue_2021" not in form._fields


# --- one year, one scope -------------------------------------------------------------------------

def test_a_query_of_each_year_owned_table_without_a_scope_raises(app, db):
    assert len(YEAR_OWNED) >= 20
    outcome = {}

    def outside_any_scope():  # a new thread starts with no scope, as a forgotten one would
        for model in YEAR_OWNED:
            failures = []
            pk = model._meta.primary_key
            for attempt in (lambda: list(model.select().limit(1)),
                            lambda: model.update({pk: pk}).execute(),
                            lambda: model.delete().where(pk == 0).execute()):
                try:
                    attempt()
                    failures.append("no error")
                except ScopeError as e:
                    failures.append("raised" if model.__name__ in str(e) else str(e))
            outcome[model.__name__] = failures

    thread = threading.Thread(target=outside_any_scope)
    thread.start()
    thread.join()
    assert outcome == {m.__name__: ["raised"] * 3 for m in YEAR_OWNED}
    with unscoped():  # said explicitly, a read across years works
        assert NominationList.select().count() == 7


def test_a_scope_sees_its_own_year_only(three_years):
    c2021 = Campaign.get(Campaign.slug == "2021")
    assert scope.campaign().slug == "2023"
    assert Nomination.select().count() == 0  # 2023 has none yet
    assert NominationList.select().count() == 6
    with scope.of(c2021):
        assert Nomination.select().count() == 3 and NominationList.select().count() == 7
        row = NominationList.get(NominationList.code == "xdjs")
    with pytest.raises(ScopeError):  # a 2021 row is never written in 2023's scope
        row.save()
    assert NominationList.get_or_none(NominationList.id == row.id) is None


def test_archives_and_earlier_winners_read_across_years_explicitly(three_years):
    """The unit's 往年推荐 and the earlier winners reach 2021's rows from 2023's scope only by
    saying unscoped(): in 2023's scope a plain query sees none of them."""
    client, ids, _ = three_years
    with unscoped():
        Nomination.update(outcome="selected").where(
            Nomination.title == "二〇二一年的开源项目").execute()
    earlier.forget()
    assert Nomination.select().where(Nomination.outcome == "selected").count() == 0
    winners = earlier._selected_before(scope.campaign())
    assert [w.display_title for w in winners] == ["二〇二一年的开源项目"]
    with time_machine.travel(IN_2023, tick=False):
        login(client, "unit-a")
        archive = client.get("/unit/archive").get_data(as_text=True)
        assert "二〇二一年的技术" in archive and "二〇二一年的开源项目" in archive


# --- accounts across years ---------------------------------------------------------------------

def test_a_body_the_year_no_longer_names_sees_no_earlier_year_as_current(three_years):
    from kczg.models import Assignment, ReviewBody
    from kczg.passwords import hash_password

    client, ids, _ = three_years
    with scope.of(Campaign.get(Campaign.slug == "2021")):  # a 2021 expert of 开源创新联合体
        oss = ReviewBody.get(ReviewBody.short_id == "oss")
        expert = User.create(username="expert-oss", role="expert", review_body=oss,
                             display_name="开源专家", affiliation="某大学",
                             password_hash=hash_password("kczg-demo"), pledged_at=datetime(2021, 11, 2))
        assignment = Assignment.create(nomination=ids["二〇二一年的开源项目"], expert=expert,
                                       assigned_by=User.get(User.username == "review-oss")).id
    with time_machine.travel(REVIEW_2023, tick=False):
        login(client, "review-oss")  # 开源创新联合体: named in 2021, not in 2023
        for path in ("/review/", "/review/nominations", "/review/ranking", "/review/filing",
                     "/review/documents/summary.xlsx", "/review/experts"):
            r = client.get(path)
            page = r.get_data(as_text=True)
            assert r.status_code == 200 and 'id="no-body"' in page, path
            assert "2023“科创中国”榜单未设置贵机构的初评任务" in page
            assert "二〇二一年的开源项目" not in page
            assert "当前征集：<span id=\"current-campaign\">2023“科创中国”榜单" in footer(page)
        r = client.post("/review/bundles", data={"csrf_token": csrf_token(client, "/review/"),
                                                 "scope": "body:oss"})
        assert r.status_code == 404
        assert client.get(f"/review/nominations/{ids['二〇二一年的开源项目']}").status_code == 200
        archive = client.get("/review/archive/2021").get_data(as_text=True)
        assert "二〇二一年的开源项目" in archive and 'id="archive-banner"' in archive
        assert "当前征集：<span id=\"current-campaign\">2023" in footer(archive)
        assert client.get(f"/review/nominations/{ids['二〇二一年的技术']}").status_code == 404
        logout(client)
        login(client, "expert-oss")  # an expert of that body: no current work, its archive
        for path in ("/review/expert", f"/review/expert/assignments/{assignment}"):
            page = client.get(path).get_data(as_text=True)
            assert 'id="no-body"' in page and "二〇二一年的开源项目" not in page, path
        archive = client.get("/review/archive/2021").get_data(as_text=True)
        assert "二〇二一年的开源项目" in archive and "我的评审任务（1）" in archive
        logout(client)
        login(client, "review-it")  # a body 2023 names: 2023's workspace, 2021 in its archive
        page = client.get("/review/").get_data(as_text=True)
        assert 'id="no-body"' not in page and "二〇二一年的技术" not in page
        assert "/review/archive/2021" in page


# --- an earlier year is read-only ----------------------------------------------------------------

def _refused(r, message="已不是当前征集年度"):
    return message in r.get_data(as_text=True)


def test_an_earlier_years_nominations_cannot_change_unless_reopened(three_years):
    client, ids, draft = three_years
    tech, oss = ids["二〇二一年的技术"], ids["二〇二一年的开源项目"]
    with time_machine.travel(IN_2023, tick=False):
        login(client, "unit-a")
        page = client.get(f"/unit/nominations/{tech}").get_data(as_text=True)
        assert 'id="archived-year"' in page and "剩余" not in page and "已提交名额" not in page
        assert "重新编辑" not in page and "撤回推荐" not in page
        for action in ("withdraw", "reopen"):
            r = client.post(f"/unit/nominations/{tech}/{action}",
                            data={"csrf_token": csrf_token(client, "/unit/")},
                            follow_redirects=True)
            assert _refused(r), action
        r = post_nomination(client, draft, {"org_name": "改过的组织"}, "save", version=1)
        assert _refused(r)
        r = client.post(f"/unit/nominations/{draft}/autosave",
                        data={"csrf_token": csrf_token(client, "/unit/"), "version": "1",
                              "org_name": "自动保存"}, headers={"HX-Request": "true"})
        assert r.status_code == 423 and _refused(r)
        r = client.post(f"/unit/nominations/{draft}/delete",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert _refused(r)
        with unscoped():
            assert Nomination.get_by_id(tech).status == "submitted"
            assert Nomination.get_by_id(draft).raw.get("org_name") is None
            assert Nomination.get_or_none(Nomination.id == draft) is not None
        logout(client)
        # the secretariat reopens 2021 for 中国电子学会 (unit-a) from its page
        login(client, "secretariat")
        r = client.post("/secretariat/extensions", data={
            "csrf_token": csrf_token(client, "/secretariat/extensions"), "action": "reopen",
            "campaign": "2021", "unit_name": "中国电子学会", "until": "2023-10-25T18:00",
            "reason": "更正推荐材料"}, follow_redirects=True)
        assert "已为该单位重新开放2021“科创中国”榜单" in r.get_data(as_text=True)
        assert AuditEvent.get(AuditEvent.action == "year_reopened").detail.startswith("2021")
        logout(client)
        login(client, "unit-a")
        assert "秘书处已为本单位重新开放2021" in client.get("/unit/archive").get_data(as_text=True)
        r = client.post(f"/unit/nominations/{oss}/withdraw",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert "已撤回" in r.get_data(as_text=True)
        r = client.post(f"/unit/nominations/{tech}/reopen",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert "已转为草稿" in r.get_data(as_text=True)
        r = post_nomination(client, draft, {"org_name": "改过的组织"}, "save")
        assert r.status_code == 200 and "草稿已保存" in r.get_data(as_text=True)
        with unscoped():
            assert Nomination.get_by_id(oss).status == "withdrawn"
            assert Nomination.get_by_id(tech).status == "draft"
            assert Nomination.get_by_id(draft).raw["org_name"] == ["改过的组织"]
        r = client.post(f"/unit/nominations/{draft}/delete",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert "已删除" in r.get_data(as_text=True)
        logout(client)
        login(client, "unit-b")  # reopened for unit-a only
        with unscoped():
            b_draft = Nomination.create(
                campaign=Campaign.get(Campaign.slug == "2021"),
                list=NominationList.get(NominationList.code == "xrqy",
                                        NominationList.campaign ==
                                        Campaign.get(Campaign.slug == "2021")),
                organisation=Organisation.get(Organisation.name == "浙江省科学技术协会"),
                created_by=User.get(User.username == "unit-b"))
        assert _refused(post_nomination(client, b_draft.id, {"company_name": "x"}, "save",
                                        version=1))
        logout(client)
    with time_machine.travel("2023-10-26 10:00:00+08:00", tick=False):  # the reopening ended
        login(client, "unit-a")
        r = client.post(f"/unit/nominations/{tech}/delete",
                        data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
        assert _refused(r)


def test_an_earlier_years_pages_never_call_it_current(three_years):
    client, ids, _ = three_years
    with time_machine.travel(IN_2023, tick=False):
        for path in ("/results?campaign=2021", "/results"):
            page = client.get(path).get_data(as_text=True)
            assert "当前征集：<span id=\"current-campaign\">2023“科创中国”榜单" in footer(page)
            assert "2021“科创中国”" not in footer(page)
        assert 'id="archive-banner"' in client.get("/results?campaign=2021").get_data(as_text=True)
        login(client, "unit-a")
        page = client.get(f"/unit/nominations/{ids['二〇二一年的技术']}").get_data(as_text=True)
        assert "2023“科创中国”榜单" in footer(page) and 'id="archive-banner"' in page
        assert "往年存档：本页内容属于2021“科创中国”榜单" in page


# --- the secretariat moves the year's dates --------------------------------------------------

def _move(client, what, until, reason="延期通知"):
    return client.post("/secretariat/extensions", data={
        "csrf_token": csrf_token(client, "/secretariat/extensions"), "action": "move",
        "what": what, "until": until, "reason": reason}, follow_redirects=True)


def test_moving_the_deadline_from_the_secretariats_page_moves_every_check_and_page(three_years):
    client, _, _ = three_years
    with time_machine.travel(AFTER_2023, tick=False):
        login(client, "unit-a")
        assert "网上申报已于2023年10月30日24时（北京时间）截止" in refused_new(client, "xdjs", "kthy")
        logout(client)
        login(client, "secretariat")
        assert _refused(_move(client, "submission", "2023-11-11T00:00", ""), "请填写调整理由")
        r = _move(client, "submission", "2023-11-11T00:00", "关于延长2023年榜单申报时间的通知")
        assert "已调整为2023年11月10日24时（北京时间）" in r.get_data(as_text=True)
        assert "2023年11月10日24时" in client.get("/secretariat/extensions").get_data(as_text=True)
        logout(client)
        home = client.get("/").get_data(as_text=True)
        assert "网上申报截止时间为 <strong>2023年11月10日24时</strong>" in home
        login(client, "unit-a")
        assert "2023年11月10日24时" in client.get("/unit/").get_data(as_text=True)
        assert Message.select().where(Message.subject == "网上申报截止时间调整").count() >= 2
        nid = submit(client, "xdjs", "kthy", year=2023, tech_name="延期后提交的技术")
        page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
        assert "申报截止</dt><dd>2023年11月10日24时（剩余" in page
        logout(client)
        login(client, "review-space")  # collection is open again: not yet the body's
        assert "网上申报进行中" in client.get("/review/").get_data(as_text=True)
        logout(client)
    with time_machine.travel("2023-11-11 00:00:01+08:00", tick=False):  # the moved deadline
        login(client, "unit-a")
        assert "网上申报已于2023年11月10日24时（北京时间）截止" in refused_new(client, "xdjs", "kthy")
        logout(client)
        # one list's own deadline, and the results deadline
        login(client, "secretariat")
        r = _move(client, "list:xxyf", "2023-12-16T00:00", "新型研发机构榜延期")
        assert "2023年12月15日24时" in r.get_data(as_text=True)
        r = _move(client, "results", "2023-12-11T00:00", "初评延期")
        assert "2023年12月10日24时" in r.get_data(as_text=True)
        assert AuditEvent.select().where(AuditEvent.action == "deadline_moved").count() == 3
        logout(client)
        assert "网上申报截止</dt><dd>2023年12月15日24时" in \
            client.get("/lists/xxyf").get_data(as_text=True)
        login(client, "review-gei")
        assert "2023年12月10日24时" in client.get("/review/").get_data(as_text=True)


def test_new_list_of_the_year_takes_nominations_in_its_own_window(three_years):
    client, _, _ = three_years
    with time_machine.travel("2023-11-05 10:00:00+08:00", tick=False):
        login(client, "unit-a")
        nid = new_nomination(client, "xxyf")
        r = post_nomination(client, nid, NEW_LIST, "submit", version=page_version(client, nid))
        assert r.status_code == 302
        letter = pdf_text(client.get("/unit/documents/letters/xxyf.pdf").data)
        assert "关于推荐1家机构参加2023年“科创中国”新型研发机构榜" in letter
