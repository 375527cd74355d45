"""A second year beside 2021 (tests/data/kczg-2022.toml: 先导技术榜 3 per domain, a list whose
form is defined only in the file, 青年创业榜 opened later by a supplementary notice): units
nominate to it, the same body accounts review it, nothing of 2021 shows in its pages or bundles,
a 2021 extension does not touch it, and the new list's form goes all the way through."""
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader

from kczg.campaigns.files import CampaignFileError, read_campaign_file
from kczg.demo_data import sample
from kczg.models import Campaign, Extension, Organisation, User
from kczg.operations.campaigns import load_campaign, load_supplement
from tests.conftest import csrf_token, login, new_nomination, post_nomination

DATA = Path(__file__).parent / "data"
IN_2021 = "2021-10-20 10:00:00+08:00"
IN_2022 = "2022-10-20 10:00:00+08:00"
AFTER_2022 = "2022-11-10 10:00:00+08:00"   # main deadline past, 青年创业榜's not yet


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def refused_new(client, code, domain=None) -> str:
    """The page a unit sees after asking for a new draft of a list (and domain) it may not
    create now: the dashboard with the refusal."""
    data = {"csrf_token": csrf_token(client, "/unit/"), "list": code}
    if domain:
        data["domain"] = domain
    return client.post("/unit/nominations/new", data=data,
                       follow_redirects=True).get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def submit(client, code, domain=None, year=2021, **overrides):
    nid = new_nomination(client, code, domain)
    # (新锐企业榜 asks for the three years before the campaign's: 2019–2021 in 2022)
    data = sample(code, year=year, **overrides) if code != "xxyf" else dict(NEW_LIST, **overrides)
    if domain:
        data["domain"] = domain
    r = post_nomination(client, nid, data, "submit")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return nid


NEW_LIST = {"org_name": "示例新型研发机构", "uscc": "91110108551385082Q", "kind": "事业单位",
            "founded": "2018-05-01", "staff": "120", "website": "https://example.org",
            "platforms-0-name": "先进计算平台", "platforms-0-level": "事业单位",
            "achievements": "建成先进计算平台。", "contact_name": "王明",
            "contact_phone": "010-68283463", "contact_email": "wm@example.org",
            "opinion": "同意推荐。", "pledge": "y"}


QNCY = {"founder": "张青", "birth_date": "1990-06-01", "education": "博士研究生",
        "founder_phone": "13800000000", "company": "示例青创科技有限公司",
        "uscc": "91110108551385082Q", "founded": "2019-03-01", "sector": "电子信息",
        "province": "北京市", "employees": "30", "revenue": "500.00",
        "financing-0-round": "天使轮", "financing-0-amount": "300",
        "financing-0-investors": "示例资本", "financing-0-date": "2020-01-01",
        "achievements": "研制成功……", "social_value": "带动就业……",
        "contact_name": "王明", "contact_phone": "010-68283463",
        "contact_email": "wm@example.org", "opinion": "同意推荐。", "pledge": "y"}


@pytest.fixture
def two_years(app, db, client):
    """unit-a submitted in 2021 and holds a 2021 extension to 2099; then 2022 is loaded and
    becomes the current campaign."""
    with time_machine.travel(IN_2021, tick=False):
        login(client, "unit-a")
        submit(client, "xdjs", "dzxx", tech_name="二〇二一年的技术")
        logout(client)
    c2021 = Campaign.get(Campaign.slug == "2021")
    Extension.create(campaign=c2021, organisation=Organisation.get(Organisation.name == "中国电子学会"),
                     until=datetime(2099, 1, 1), reason="2021年的延期",
                     granted_by=User.get(User.username == "secretariat"))
    c2022 = load_campaign(DATA / "kczg-2022.toml")
    assert c2022.is_current and c2022.year == 2022
    return client


def test_units_nominate_in_2022_and_see_nothing_of_2021(two_years):
    client = two_years
    with time_machine.travel(IN_2022, tick=False):
        login(client, "unit-a")
        page = client.get("/unit/").get_data(as_text=True)
        assert "2022“科创中国”榜单" in page and "二〇二一年的技术" not in page
        assert "2021“科创中国”" not in page and "2021年" not in page
        for i in range(3):  # 3 per domain this year
            submit(client, "xdjs", "dzxx", tech_name=f"二〇二二年的技术{i}")
        nid = new_nomination(client, "xdjs", "dzxx")
        r = post_nomination(client, nid, dict(sample("xdjs", tech_name="第四项"), domain="dzxx"),
                            "submit")
        assert "名额" in r.get_data(as_text=True) and "3" in r.get_data(as_text=True)
        summary = pdf_text(client.get("/unit/documents/summary.pdf").data)
        assert "二〇二二年的技术0" in summary and "二〇二一年的技术" not in summary
        letter = pdf_text(client.get("/unit/documents/letters/xdjs/dzxx.pdf").data)
        assert "关于推荐3项技术参加2022年“科创中国”" in letter and "二〇二一" not in letter
        # 新锐企业榜's revenue years are the three before 2022
        nid = new_nomination(client, "xrqy")
        form = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
        assert "2021年营业收入" in form and "2018年营业收入" not in form
        logout(client)
    # after the 2022 deadline the 2021 extension (to 2099) opens nothing
    with time_machine.travel("2022-11-05 10:00:00+08:00", tick=False):
        login(client, "unit-a")
        assert "网上申报已于2022年10月30日24时（北京时间）截止" in refused_new(client, "xdjs", "dzxx")
        logout(client)
        # the same review account reviews 2022's body of the same id, and only 2022's items
        login(client, "review-it")
        page = client.get("/review/").get_data(as_text=True)
        assert "二〇二二年的技术0" in page and "二〇二一年的技术" not in page
        token = csrf_token(client, "/review/")
        r = client.post("/review/bundles", data={"csrf_token": token, "scope": "body:it"})
        build = int(r.headers["Location"].rsplit("/", 1)[1])
        data = client.get(f"/review/bundles/{build}/download").data
        names = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk").namelist()
        assert any("二〇二二年的技术0" in n for n in names)
        assert not any("二〇二一" in n for n in names)
        logout(client)


def test_a_list_defined_in_the_campaign_file(two_years):
    client = two_years
    with time_machine.travel(IN_2022, tick=False):
        login(client, "unit-a")
        nid = new_nomination(client, "xxyf")
        page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
        for label in ("机构名称", "统一社会信用代码", "机构性质", "研发人员（人）", "研发平台", "平台名称",
                      "主要成果", "推荐意见"):
            assert label in page, label
        # autosave keeps what was typed, half done
        r = client.post(f"/unit/nominations/{nid}/autosave", data={
            "csrf_token": csrf_token(client, "/unit/"), "version": "1",
            "org_name": "示例新型研发机构", "staff": "abc"},
            headers={"HX-Request": "true"})
        assert r.status_code == 200
        page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
        assert 'value="示例新型研发机构"' in page and 'value="abc"' in page
        # validation in Chinese, next to the field
        r = post_nomination(client, nid, dict(NEW_LIST, staff="0", uscc="123"), "submit")
        text = r.get_data(as_text=True)
        assert "研发人员（人）应在1到100000之间" in text and "统一社会信用代码" in text
        r = post_nomination(client, nid, NEW_LIST, "submit")
        assert r.status_code == 302
        form = pdf_text(client.get(f"/unit/documents/nominations/{nid}.pdf").data)
        for typed in ("新型研发机构榜申报书", "示例新型研发机构", "91110108551385082Q", "先进计算平台",
                      "建成先进计算平台"):
            assert typed in form, typed
        letter = pdf_text(client.get("/unit/documents/letters/xxyf.pdf").data)
        assert "关于推荐1家机构参加2022年“科创中国”新型研发机构榜" in letter
        assert "示例新型研发机构" in letter
        summary = pdf_text(client.get("/unit/documents/summary.pdf").data)
        assert "新型研发机构榜" in summary and "示例新型研发机构" in summary
        logout(client)
    with time_machine.travel("2022-11-05 10:00:00+08:00", tick=False):
        login(client, "review-gei")
        token = csrf_token(client, "/review/")
        r = client.post("/review/bundles", data={"csrf_token": token, "scope": "list:xxyf"})
        build = int(r.headers["Location"].rsplit("/", 1)[1])
        data = client.get(f"/review/bundles/{build}/download").data
        names = zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk").namelist()
        assert any(n.endswith("示例新型研发机构-申报书.pdf") for n in names), names


def test_a_supplementary_notice_opens_qncy_with_its_own_calendar(two_years):
    client = two_years
    load_supplement(DATA / "kczg-2022-qncy.toml")
    with time_machine.travel(IN_2022, tick=False):  # before it opens
        notice = client.get("/notice").get_data(as_text=True)
        assert "青年创业榜的补充通知" in notice and "网上申报于2022年11月1日开始" in notice
        login(client, "unit-a")
        assert "2022年11月01日开始" in client.get("/unit/").get_data(as_text=True)
        assert "青年创业榜尚未开始征集" in refused_new(client, "qncy")
        logout(client)
    with time_machine.travel(AFTER_2022, tick=False):  # the main deadline has passed, not its own
        login(client, "unit-a")
        page = client.get("/unit/").get_data(as_text=True)
        assert "截止：2022年11月30日24时" in page
        nid = new_nomination(client, "qncy")
        data = dict(QNCY, birth_date="1975-01-01")
        r = post_nomination(client, nid, data, "submit")
        assert "年龄不超过40周岁（当前47周岁）" in r.get_data(as_text=True)
        r = post_nomination(client, nid, dict(data, birth_date="1990-06-01"), "submit")
        assert r.status_code == 302
        letter = pdf_text(client.get("/unit/documents/letters/qncy.pdf").data)
        assert "关于推荐1名创业者参加2022年“科创中国”青年创业榜遴选的函" in letter
        assert "张青（示例青创科技有限公司）" in letter
        assert "网上申报已于2022年10月30日24时（北京时间）截止" in refused_new(client, "xdjs", "dzxx")


def test_the_2021_supplement_shipped_with_the_platform_loads(app, db):
    campaign = load_supplement(Path(__file__).parents[1] / "kczg/campaigns/kczg-2021-qncy.toml")
    qncy = campaign.lists.where(Campaign.lists.rel_model.code == "qncy").get()
    assert qncy.is_open and qncy.quota == 3 and qncy.form_spec and "示例" in qncy.notice_title


def test_a_broken_form_in_the_campaign_file_is_refused_with_its_line(tmp_path):
    text = (DATA / "kczg-2022.toml").read_text(encoding="utf-8")
    broken = text.replace('name = "staff"\n    type = "number"', 'name = "staff"\n    type = "numbr"') \
        .replace('label = "机构性质"', 'lable = "机构性质"')
    path = tmp_path / "kczg-2022.toml"
    path.write_text(broken, encoding="utf-8")
    (tmp_path / "notice-2022.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CampaignFileError) as e:
        read_campaign_file(path)
    line = next(i for i, ln in enumerate(broken.splitlines(), 1) if ln.strip() == 'name = "staff"')
    assert f"field 'staff' (line {line}): unknown type 'numbr'" in str(e.value)
    assert "field 'kind'" in str(e.value) and "missing label" in str(e.value)


def test_earlier_years_stay_readable_apart(two_years, app):
    """The 2021 nomination, its 申报书 and letter stay readable under 往年推荐; 2021's published
    lists under the results archive; neither mixes into 2022's pages."""
    from kczg.campaigns import scope
    from kczg.models import Nomination, NominationList, Publication

    client = two_years
    with scope.of(Campaign.get(Campaign.slug == "2021")):  # 2021's rows, in 2021's scope
        old = Nomination.get(Nomination.title == "二〇二一年的技术")
        xdjs21 = NominationList.get(NominationList.id == old.list_id)
        Publication.create(list=xdjs21, entries=[{"domain": "电子信息", "title": "二〇二一年的技术",
                                                  "unit": "中国电子学会"}],
                           published_by=User.get(User.username == "secretariat"))
    with time_machine.travel(IN_2022, tick=False):
        login(client, "unit-a")
        page = client.get("/unit/archive").get_data(as_text=True)
        assert "2021“科创中国”榜单" in page and "二〇二一年的技术" in page
        assert client.get(f"/unit/documents/nominations/{old.id}.pdf").status_code == 200
        letter = client.get("/unit/documents/letters/xdjs/dzxx.pdf?campaign=2021")
        assert "参加2021年“科创中国”" in pdf_text(letter.data)
        assert client.get("/unit/documents/letters/xdjs/dzxx.pdf?campaign=1999").status_code == 404
        logout(client)
        results = client.get("/results").get_data(as_text=True)
        assert "2022“科创中国”榜单发布" in results and "二〇二一年的技术" not in results
        archive = client.get("/results?campaign=2021").get_data(as_text=True)
        assert "2021“科创中国”榜单发布" in archive and "先导技术榜" in archive
        listed = client.get("/results/xdjs?campaign=2021").get_data(as_text=True)
        assert "二〇二一年的技术" in listed
        assert client.get("/results/xdjs").status_code == 404  # 2022's is not published


def test_earlier_winners_are_flagged_to_unit_body_and_secretariat(app, db, client):
    """Selected in 2021 (its list published): typing its USCC in 2022 says so at once, and the
    body's and the secretariat's lists mark it; a technology is matched by a similar title."""
    from kczg.models import Nomination

    with time_machine.travel(IN_2021, tick=False):
        login(client, "unit-a")
        submit(client, "xrqy", company_name="示例新锐科技有限公司", uscc="91110108551385082Q")
        logout(client)
    Nomination.update(outcome="selected").where(Nomination.status == "submitted").execute()
    Nomination.update(outcome="selected").where(Nomination.title == "二〇二一年的技术").execute()
    load_campaign(DATA / "kczg-2022.toml")
    with time_machine.travel(IN_2022, tick=False):
        login(client, "unit-b")
        nid = new_nomination(client, "xrqy")
        r = client.post(f"/unit/nominations/{nid}/validate/uscc", data={
            "csrf_token": csrf_token(client, "/unit/"), "uscc": "91110108551385082Q"},
            headers={"HX-Request": "true"})
        assert "曾入选2021年“科创中国”新锐企业榜（示例新锐科技有限公司）" in r.get_data(as_text=True)
        r = client.post(f"/unit/nominations/{nid}/validate/uscc", data={
            "csrf_token": csrf_token(client, "/unit/"), "uscc": "91440300MA5F00001A"},
            headers={"HX-Request": "true"})
        assert "曾入选" not in r.get_data(as_text=True)
        sid = submit(client, "xrqy", year=2022, company_name="示例新锐科技有限公司",
                     uscc="91110108551385082Q")
        page = client.get(f"/unit/nominations/{sid}").get_data(as_text=True)
        assert 'id="earlier-winner"' in page and "曾入选2021年" in page
        logout(client)
    with time_machine.travel("2022-11-05 10:00:00+08:00", tick=False):
        login(client, "review-sec")
        page = client.get("/review/nominations").get_data(as_text=True)
        assert "曾入选往年榜单" in page
        logout(client)
        login(client, "secretariat")
        page = client.get("/secretariat/nominations").get_data(as_text=True)
        assert page.count("曾入选往年榜单") == 1
        logout(client)


def test_a_similar_technology_title_is_an_earlier_winner(app, db):
    from kczg.models import Nomination
    from kczg.rules import earlier

    class Winner:
        dedupe_key, display_title = "91110108551385082Q", "面向边缘计算的低功耗人工智能芯片架构"
        list = type("L", (), {"code": "xdjs", "name": "先导技术榜", "form_spec": "",
                              "campaign": Campaign(slug="2021", year=2021)})()

    assert earlier.match("", "面向边缘计算的低功耗人工智能芯片架构（二期）", "technology", [Winner])
    assert earlier.match("", "量子通信中继器", "technology", [Winner]) is None
    assert earlier.match("91110108551385082Q", "x", "key", [Winner])
    assert Nomination  # (the model is what real winners are)


def test_quota_stacked_per_channel(two_years, app):
    """2022's 产学研融通组织榜 counts 2 per channel: unit-a, a 全国学会 that the secretariat also
    puts in the 省级科协 channel, may submit 4; the rule's wording comes from the data."""
    client = two_years
    with time_machine.travel(IN_2022, tick=False):
        assert "按推荐渠道分别计算，同属多个推荐渠道的单位每个渠道各2项" in \
            client.get("/lists/cxyrt").get_data(as_text=True)
        login(client, "secretariat")
        org = Organisation.get(Organisation.name == "中国电子学会")
        r = client.post(f"/secretariat/units/{org.id}/channels", data={
            "csrf_token": csrf_token(client, "/secretariat/"), "channel": ["provincial", "nope"]})
        assert r.status_code == 302
        assert Organisation.get_by_id(org.id).extra_channels == "provincial"
        page = client.get(f"/secretariat/units/{org.id}").get_data(as_text=True)
        assert "另属推荐渠道：省级科协" in page
        logout(client)
        login(client, "unit-a")
        for i in range(4):
            submit(client, "cxyrt", org_name=f"示例融通组织{i}")
        assert "0/4" not in client.get("/unit/").get_data(as_text=True)
        assert "4/4" in client.get("/unit/").get_data(as_text=True)
        nid = new_nomination(client, "cxyrt")
        r = post_nomination(client, nid, sample("cxyrt", org_name="第五个"), "submit")
        assert "已达推荐名额上限（4项：2个推荐渠道，每个渠道2项）" in r.get_data(as_text=True)
        logout(client)
        login(client, "unit-b")  # one channel: 2
        for i in range(2):
            submit(client, "cxyrt", org_name=f"浙江融通组织{i}")
        nid = new_nomination(client, "cxyrt")
        r = post_nomination(client, nid, sample("cxyrt", org_name="第三个"), "submit")
        assert "已达推荐名额上限（2项）" in r.get_data(as_text=True)


def test_an_expert_sees_only_this_years_assignments(two_years):
    from kczg.campaigns import scope
    from kczg.models import Assignment, Nomination

    client = two_years
    expert = User.get(User.username == "expert-it")
    expert.pledged_at = datetime(2021, 11, 2)
    expert.save()
    with scope.of(Campaign.get(Campaign.slug == "2021")):  # 2021's rows, in 2021's scope
        old = Nomination.get(Nomination.title == "二〇二一年的技术")
        Assignment.create(nomination=old, expert=expert,
                          assigned_by=User.get(User.username == "review-it"))
    with time_machine.travel("2022-11-05 10:00:00+08:00", tick=False):
        login(client, "expert-it")
        page = client.get("/review/expert").get_data(as_text=True)
        assert "2022“科创中国”榜单" in page and "二〇二一年的技术" not in page
        assert "中国科协信息科技学会联合体" in page


def test_a_list_with_its_own_calendar_reaches_its_body_after_its_own_deadline(two_years):
    client = two_years
    load_supplement(DATA / "kczg-2022-qncy.toml")
    with time_machine.travel(AFTER_2022, tick=False):
        login(client, "unit-a")
        nid = new_nomination(client, "qncy")
        assert post_nomination(client, nid, QNCY, "submit").status_code == 302
        logout(client)

    def bundle_names():
        login(client, "review-sec")
        r = client.post("/review/bundles", data={"csrf_token": csrf_token(client, "/review/"),
                                                 "scope": "body:sec"})
        build = int(r.headers["Location"].rsplit("/", 1)[1])
        data = client.get(f"/review/bundles/{build}/download").data
        logout(client)
        if not data.startswith(b"PK"):
            return []
        return zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk").namelist()

    with time_machine.travel(AFTER_2022, tick=False):  # still collecting: not the body's yet
        assert not any("张青" in n for n in bundle_names())
        from kczg.models import Nomination
        from kczg.operations import Refused
        from kczg.operations import review as review_ops

        n = Nomination.get_by_id(nid)
        body = n.list.review_body
        with pytest.raises(Refused, match="青年创业榜网上申报2022年11月30日24时截止后方可分配评审"):
            review_ops._check_assignable(User.get(User.username == "review-sec"), body, n, None)
    with time_machine.travel("2022-12-02 10:00:00+08:00", tick=False):
        assert any("张青" in n for n in bundle_names())


def test_a_letter_number_belongs_to_its_year(app, db, client):
    """A 发文字号 given to the 2021 letter is not printed on the 2022 letter of the same list."""
    from tests.exports.test_documents import flat

    with time_machine.travel(IN_2021, tick=False):
        login(client, "unit-a")
        submit(client, "xdjs", "dzxx", tech_name="二〇二一年的技术")
        r = client.post("/unit/letters/xdjs/dzxx/settings", data={
            "csrf_token": csrf_token(client, "/unit/"), "number": "中电学函〔2021〕15号",
            "letterhead_mm": "0"})
        assert r.status_code == 302
        assert "中电学函〔2021〕15号" in flat(pdf_text(client.get(
            "/unit/documents/letters/xdjs/dzxx.pdf").data))
        logout(client)
    load_campaign(DATA / "kczg-2022.toml")
    with time_machine.travel(IN_2022, tick=False):
        login(client, "unit-a")
        submit(client, "xdjs", "dzxx", tech_name="二〇二二年的技术")
        text = pdf_text(client.get("/unit/documents/letters/xdjs/dzxx.pdf").data)
        assert "参加2022年" in text and "中电学函" not in text
