"""Duplicates by kind: the same USCC is the same enterprise; technologies are duplicates only
when their texts are (reworded, reordered or abridged copies from another unit): one
university's different technologies are not, and shared key people alone never are. The
secretariat can mark a group 非重复."""
import time_machine

from kczg.models import DuplicateDismissal, User
from kczg.rules.duplicates import Doc, duplicate_groups, text_pairs
from kczg.rules.text import words
from tests.rules.conftest import submitted

TSINGHUA = "12100000400000624D"  # one first completing unit for every technology below

CHIP = ("该芯片采用存算一体架构，将神经网络权重存储在静态随机存储器阵列中，在阵列内部完成乘累加运算，"
        "减少数据搬运带来的功耗。芯片集成稀疏计算引擎和动态电压频率调节单元，支持卷积神经网络与变换器模型，"
        "能效比达到每瓦十万亿次运算，已用于智能摄像头、无人机和工业质检终端。")
CHIP_REWORDED = ("芯片集成了稀疏计算引擎以及动态电压频率调节单元，可运行卷积神经网络和变换器模型。本成果采用存算一体"
                 "架构，把神经网络权重保存于静态随机存储器阵列，在阵列内完成乘累加运算，从而降低数据搬运功耗。"
                 "能效比达到每瓦十万亿次运算，已应用于无人机、智能摄像头以及工业质检终端。")
PRINTING = ("针对航空发动机机匣和飞机框梁等大型钛合金构件，研制多光束激光选区熔化装备，成形尺寸超过两米。"
            "开发了熔池在线监测与闭环控制系统，解决大尺寸构件变形开裂难题，力学性能达到锻件水平，"
            "已为多个型号批量供货。")
BATTERY = ("研制硫化物固态电解质材料，室温离子电导率超过每厘米十毫西门子，与高镍正极和锂金属负极界面稳定。"
           "开发了干法电极成膜工艺和千吨级电解质粉体生产线，电芯能量密度达到每千克四百瓦时，"
           "通过针刺和热箱安全测试。")
SEQUENCER = ("研制基于半导体芯片的高通量基因测序仪，开发了可逆终止荧光化学和高密度纳米球阵列，单次运行产出"
             "六太碱基数据。仪器配套自主设计的光学成像系统和碱基识别算法，测序准确率超过百分之九十九点九，"
             "已在临床肿瘤检测和出生缺陷筛查中使用。")


def _tech(unit, domain, name, people, summary):
    overrides = {"tech_name": name, "first_unit": "清华大学", "first_unit_uscc": TSINGHUA,
                 "people-0-name": people[0], "people-1-name": people[1], "summary": summary,
                 "innovations": "见技术简介。", "application": "见技术简介。"}
    return submitted(unit, "xdjs", domain, **overrides)


def test_only_the_same_text_from_another_unit_is_a_duplicate_technology(world):
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        a = _tech("unit-a", "zbzz", "面向边缘计算的低功耗人工智能芯片架构", ("王强", "赵敏"), CHIP)
        _tech("unit-a", "xjcl", "大型复杂构件激光增材制造技术", ("孙丽", "周杰"), PRINTING)
        c = _tech("unit-b", "zbzz", "存算一体边缘AI芯片", ("吴昊", "郑爽"), CHIP_REWORDED)
        _tech("unit-b", "xjcl", "新型固态电池电解质材料", ("王强", "钱进"), BATTERY)  # a shared person
        _tech("unit-b", "swyy", "高通量基因测序仪器关键技术", ("冯涛", "陈晨"), SEQUENCER)
    groups = [g for g in duplicate_groups() if TSINGHUA in {n.clean.get("first_unit_uscc")
                                                           for n in g["nominations"]}]
    assert len(groups) == 1  # not one group of five, nor the shared person's pair
    group = groups[0]
    assert {n.id for n in group["nominations"]} == {a.id, c.id}
    assert "名称和简介用词重合" in group["reason"] and "存算一体边缘AI芯片" in group["reason"]
    assert "王强" not in group["reason"]


def _doc(i, unit, text, people=()):
    return Doc(i, unit, words(text), frozenset(people))


def test_an_abridged_copy_is_caught_and_one_units_own_pair_is_not_flagged():
    half = CHIP[:CHIP.index("芯片集成")]
    pairs = text_pairs([_doc(1, 10, CHIP), _doc(2, 11, half + "已用于智能摄像头。"),
                        _doc(3, 10, CHIP), _doc(4, 12, PRINTING), _doc(5, 13, SEQUENCER)])
    assert set(pairs) == {(1, 2), (2, 3)}  # 1 and 3 are one unit's: its own business
    assert "疑为删节" in pairs[(1, 2)] or "用词重合" in pairs[(1, 2)]


def test_shared_people_alone_never_make_a_duplicate_but_are_named_beside_a_match():
    pairs = text_pairs([_doc(1, 10, CHIP, ["王强", "赵敏"]), _doc(2, 11, BATTERY, ["王强"]),
                        _doc(3, 12, CHIP_REWORDED, ["赵敏"]), _doc(4, 13, SEQUENCER)])
    assert set(pairs) == {(1, 3)}
    assert "另有共同主要完成人：赵敏" in pairs[(1, 3)]


def test_the_same_enterprise_is_one_group_and_can_be_dismissed(world):
    w = world
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        submitted("unit-b", "xrqy", company_name="同一企业（另一单位推荐）")
    groups = [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert len(groups) == 1 and "相同统一社会信用代码" in groups[0]["reason"]
    DuplicateDismissal.create(ids=groups[0]["ids"], by=w["sec"])
    assert not [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert User.get(User.username == "secretariat")  # (the dismissal is the secretariat's)


def test_the_groups_kept_between_visits_follow_every_submission_and_return(world, client):
    """The groups are found once per state of the submitted nominations: a new submission
    from a third unit joins its group at once, a nomination returned to its unit leaves it."""
    from kczg.operations import results as results_ops

    w = world
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        submitted("unit-b", "xrqy", company_name="同一企业（另一单位推荐）")
    first = [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert len(first) == 1 and len(first[0]["nominations"]) == 2
    assert duplicate_groups() == duplicate_groups()  # (read again: the same)
    from kczg.models import Organisation, UnitType

    other = Organisation.create(name="江苏省科学技术协会", unit_type=UnitType.get(
        UnitType.code == "provincial"), contact="李明", phone="025-12345678", email="js@example.org")
    User.create(username="unit-js", role="unit", organisation=other, password_hash="-")
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        third = submitted("unit-js", "xrqy", company_name="同一企业（第三家单位推荐）")
    grown = [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert len(grown) == 1 and third.id in {n.id for n in grown[0]["nominations"]}
    results_ops.return_nomination(w["sec"], third, "请核实")
    again = [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert [n.id for n in again[0]["nominations"]] == [n.id for n in first[0]["nominations"]]
    # the page, any page number it is given
    from tests.conftest import login

    login(client, "secretariat")
    for page in ("", "?page=2", "?page=999", "?page=x"):
        r = client.get("/secretariat/duplicates" + page)
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and "疑似重复推荐（" in html, html[html.find("<main"):][:600]
        assert html.count('class="dup-group"') == len(duplicate_groups())


def test_a_large_group_shows_its_first_twenty_and_says_where_the_rest_are(app, db,
                                                                          collection_open):
    from flask import render_template

    from kczg import demo
    from kczg.models import Nomination
    from kczg.services import listing

    demo.load_nominations()
    members = list(Nomination.select().where(Nomination.status == "submitted")
                   .order_by(Nomination.id))[:25]
    group = {"list": members[0].list, "key": "", "reason": "测试", "ids": "1,2",
             "nominations": members}
    with app.test_request_context("/secretariat/duplicates"):
        html = render_template("secretariat/duplicates.html", members=20, page=listing.Page(
            rows=[group], total=1, page=1, per_page=30))
    assert html.count("/secretariat/nominations/") >= 20
    assert "本组共25项推荐，此处列出最早提交的20项；其余5项见" in html
    assert f"list={members[0].list.code}" in html and "dup=1" in html
    shown = [n for n in members if f"/secretariat/nominations/{n.id}\"" in html]
    assert shown == members[:20]
