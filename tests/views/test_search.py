"""搜索: the secretariat over the year, a review body over what is routed to it, a unit over its
own (drafts too); by a word of the name, the summary, a person or a unit, two characters
enough; the words marked; never by the contacts or the 推荐意见; a blind reviewer never by the
unit; the index follows every save."""
import re

import time_machine

from kczg.models import Nomination
from kczg.services import search
from tests.conftest import IN_COLLECTION, csrf_token, login, new_nomination, post_nomination
from tests.rules.conftest import submitted

SUMMARY = "研制钙钛矿叠层光伏组件，量产转换效率突破百分之二十六，已在西北荒漠电站并网运行。"


def _text(r) -> str:
    return r.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def _world():
    with time_machine.travel(IN_COLLECTION):
        mine = submitted("unit-a", "xdjs", "dzxx", tech_name="叠层光伏组件技术", summary=SUMMARY,
                         **{"people-0-name": "欧阳明远"}, opinion="推荐意见里才有的词：鸿鹄")
        other_body = submitted("unit-b", "xdjs", "zbzz", tech_name="高速电主轴",
                               summary="钙钛矿材料的精密加工装备。")
        plain = submitted("unit-b", "xdjs", "dzxx", tech_name="毫米波雷达芯片")
    return mine, other_body, plain


def test_the_secretariat_finds_by_summary_person_and_unit_marked(app, client, db):
    mine, other_body, plain = _world()
    login(client, "secretariat")
    page = _text(client.get("/secretariat/nominations?q=钙钛矿"))
    assert "全部推荐（2）" in page
    assert "<mark>钙钛矿</mark>" in page and "技术简介：" in page
    page = _text(client.get("/secretariat/nominations?q=光伏"))  # two characters
    assert "全部推荐（1）" in page and "<mark>光伏</mark>" in page
    page = _text(client.get("/secretariat/nominations?q=欧阳明远"))
    assert "全部推荐（1）" in page and "主要完成人" in page
    page = _text(client.get("/secretariat/nominations?q=浙江省科学"))  # a unit's name
    assert "全部推荐（2）" in page and "<mark>浙江省科学</mark>" in page
    page = _text(client.get("/secretariat/nominations?q=钙钛矿 并网"))  # every word
    assert "全部推荐（1）" in page
    page = _text(client.get("/secretariat/nominations?q=鸿鹄"))  # only in the 推荐意见
    assert "全部推荐（0）" in page
    page = _text(client.get("/secretariat/nominations?q=钙"))
    assert "搜索词至少两个字" in page and "全部推荐（3）" in page  # said, nothing filtered


def test_a_body_searches_what_is_routed_to_it_and_a_unit_its_own(app, client, db):
    mine, other_body, plain = _world()
    login(client, "review-it")  # 电子信息: routed dzxx
    page = _text(client.get("/review/nominations?q=钙钛矿"))
    assert "共1项" in page and "叠层光伏组件技术" in page and "高速电主轴" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "unit-b")
    page = _text(client.get("/unit/?q=钙钛矿"))
    assert "找到 1 项" in page and "高速电主轴" in page and "叠层光伏组件技术" not in page
    page = _text(client.get("/unit/?q=雷达芯片"))
    assert "找到 1 项" in page and "<mark>雷达芯片</mark>" in page


def test_a_blind_reviewer_never_finds_by_the_unit_nor_anyone_by_contacts(app, db):
    _world()
    by_unit = search.parse("中国电子学会")
    found = Nomination.select().where(search.condition(by_unit, units=False)).count()
    assert found == 0
    assert Nomination.select().where(search.condition(by_unit)).count() == 1
    contact = search.parse("010-68283463")  # the sample's contact phone
    assert Nomination.select().where(search.condition(contact)).count() == 0


def test_the_index_follows_a_drafts_every_save(app, client, db):
    with time_machine.travel(IN_COLLECTION, tick=True):
        login(client, "unit-a")
        nid = new_nomination(client, "xdjs", "dzxx")
        post_nomination(client, nid, {"domain": "dzxx", "tech_name": "第一版名称：固态激光雷达"},
                        path="/autosave")
        assert "找到 1 项" in _text(client.get("/unit/?q=激光雷达"))
        post_nomination(client, nid, {"domain": "dzxx", "tech_name": "第二版名称：量子点显示"},
                        path="/autosave")
        assert "找到 0 项" in _text(client.get("/unit/?q=激光雷达"))
        page = _text(client.get("/unit/?q=量子点"))
        assert "找到 1 项" in page and "<mark>量子点</mark>" in page


def test_the_words_a_body_and_the_secretariat_look_for_are_on_their_pages(app, client, db):
    from kczg import demo

    demo.load()
    demo.load_nominations()
    demo.load(days_left=-1)  # collection closed: the review is on
    demo.load_review()
    login(client, "review-gei")
    nominations = _text(client.get("/review/nominations"))
    assert "自动分配" in nominations and "搜索" in nominations
    ranking = _text(client.get("/review/ranking"))
    assert "校准" in ranking and "组长" in ranking
    first = re.search(r'href="/review/nominations/(\d+)"', ranking).group(1)
    page = _text(client.get(f"/review/nominations/{first}"))
    assert "讨论" in page and "组长意见" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "secretariat")
    assert "搜索" in _text(client.get("/secretariat/nominations"))
