"""Duplicates by kind: the same USCC is the same enterprise; three technologies of one
university are not one duplicate — only a similar name or shared key people from another unit
make a technology a suspected duplicate. The secretariat can mark a group 非重复."""
import time_machine

from kczg.models import DuplicateDismissal, User
from kczg.rules.duplicates import duplicate_groups
from tests.rules.conftest import submitted

TSINGHUA = "12100000400000624D"  # one first completing unit for every technology below


def _tech(unit, domain, name, people):
    overrides = {"tech_name": name, "first_unit": "清华大学", "first_unit_uscc": TSINGHUA,
                 "people-0-name": people[0], "people-1-name": people[1]}
    return submitted(unit, "xdjs", domain, **overrides)


def test_one_universitys_different_technologies_are_not_duplicates(world):
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        a = _tech("unit-a", "zbzz", "面向边缘计算的低功耗人工智能芯片架构", ("王强", "赵敏"))
        _tech("unit-a", "xjcl", "大型复杂构件激光增材制造技术", ("孙丽", "周杰"))
        c = _tech("unit-b", "zbzz", "面向边缘计算的低功耗AI芯片架构", ("吴昊", "郑爽"))  # similar
        d = _tech("unit-b", "xjcl", "新型固态电池电解质材料", ("王强", "钱进"))  # a shared person
        _tech("unit-b", "swyy", "高通量基因测序仪器关键技术", ("冯涛", "陈晨"))  # neither
    groups = [g for g in duplicate_groups() if g["key"] == TSINGHUA]
    assert len(groups) == 1  # not one group of five
    group = groups[0]
    assert {n.id for n in group["nominations"]} == {a.id, c.id, d.id}
    assert "技术名称相似度" in group["reason"] and "共同主要完成人：王强" in group["reason"]


def test_the_same_enterprise_is_one_group_and_can_be_dismissed(world):
    w = world
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        submitted("unit-b", "xrqy", company_name="同一企业（另一单位推荐）")
    groups = [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert len(groups) == 1 and "相同统一社会信用代码" in groups[0]["reason"]
    DuplicateDismissal.create(ids=groups[0]["ids"], by=w["sec"])
    assert not [g for g in duplicate_groups() if g["list"].code == "xrqy"]
    assert User.get(User.username == "secretariat")  # (the dismissal is the secretariat's)
