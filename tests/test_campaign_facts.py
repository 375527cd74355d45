"""Every fact of the 2021 notice that the platform holds, checked against the notice text.

Each expected value below is written out by hand from the notice; the test asserts both that the
loaded campaign holds it and that the notice itself says it, so neither can drift alone.
"""
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from kczg.campaigns.files import CAMPAIGN_DIR
from kczg.campaigns.scope import current_campaign
from kczg.models import Contact, Domain, NominationList, Phase, ReviewBody, UnitType

NOTICE = (CAMPAIGN_DIR / "notice-2021.txt").read_text(encoding="utf-8")
FLAT = re.sub(r"\s+", "", NOTICE)  # the notice wraps addresses and pads names with spaces

# code: (name, size, quota, quota scope, open, review body short id or None)
LISTS = {
    "xdjs": ("先导技术榜", 100, 2, "domain", True, None),
    "xrqy": ("新锐企业榜", 100, 5, "list", True, "sec"),
    "cxyrt": ("产学研融通组织榜", 10, 2, "list", True, "gei"),
    "kycx": ("开源创新榜", 70, 2, "list", True, "oss"),
    "kjtz": ("科技创业投资机构榜", 10, 2, "list", True, "inv"),
    "qncy": ("青年创业榜", 90, None, "list", False, None),
    "tpdb": ("突破短板关键技术榜（装备制造领域）", 10, 2, "list", True, "im"),
}
DOMAINS = {"电子信息": "it", "装备制造": "im", "先进材料": "mat", "生物医药": "life",
           "资源环境": "eco", "现代农林": "rural"}
BODIES = {
    "it": ("中国科协信息科技学会联合体", "郑伯龙", ["13801237788"], "", "北京市海淀区阜成路8号院"),
    "life": ("中国科协生命科学学会联合体", "郭天欢", ["010-64803381", "13681129930"], "",
             "北京市朝阳区北辰西路1号院2号中科院遗传所1号楼"),
    "im": ("中国科协智能制造学会联合体", "胡志强", ["010-68799039", "13161224687"], "",
           "北京市海淀区首体南路9号主语国际4号楼11层"),
    "mat": ("中国科协先进材料学会联合体", "丁波", ["010-65133925", "13911128844"], "",
            "北京市海淀区气象路9号中国金属学会"),
    "eco": ("中国科协生态环境产学联合体", "马春萍", ["010-62219349", "15010954981"], "",
            "北京市海淀区红联南村54号中国环境科学学会国际部621"),
    "rural": ("“科创中国”乡村振兴联合体", "王京涛", ["010-87692301", "13910635178"], "",
              "北京市丰台区方庄6号2号楼1单元213室"),
    "gei": ("长城企业战略咨询研究所", "章普", ["15600777267"], "zhangpu@gei.com.cn",
            "北京市朝阳区北辰东路8号北京国际会议中心东配楼二层"),
    "oss": ("“科创中国”开源创新联合体", "陶薇如、姜金领",
            ["010-84097649", "010-84097842", "13391795607"], "taoweiru@cast.org.cn",
            "北京市朝阳区慧忠北里222号楼清控人居大厦中国科协科学技术传播中心"),
    "inv": ("“科创中国”投资联合体", "刘媛媛", ["13501376638"], "",
            "北京市海淀区中关村创业大街天使汇4层"),
    "sec": ("“科创中国”联合体秘书处", "李娜", ["18610016188"], "",
            "北京市西城区白纸坊东街2号经济日报社综合楼8层"),
}
CONTACTS = [("工作咨询", "“科创中国”联合体秘书处", "徐春淼", "15810910998"),
            ("工作咨询", "中国科协科学技术创新部", "祝翠", "010-68517798"),
            ("申报系统技术咨询", "技术支持", "", "13041190068"),
            ("申报系统技术咨询", "客服电话", "", "010-63589150")]
SH = timezone.utc


def in_notice(text: str) -> bool:
    return re.sub(r"\s+", "", text) in FLAT


def test_bundled_notice_is_the_shared_one():
    shared = Path(__file__).resolve().parents[2] / "shared" / "notice-2021.txt"
    if not shared.exists():
        pytest.skip(f"{shared} not beside the checkout")
    assert shared.read_text(encoding="utf-8") == NOTICE


def test_lists_sizes_quotas(db):
    campaign = current_campaign()
    rows = {lst.code: lst for lst in NominationList.select().where(
        NominationList.campaign == campaign)}
    assert set(rows) == set(LISTS) and len(rows) == 7
    for code, (name, size, quota, scope, is_open, body) in LISTS.items():
        lst = rows[code]
        assert (lst.name, lst.size, lst.quota, lst.quota_scope, lst.is_open) == \
            (name, size, quota, scope, is_open), code
        assert (lst.review_body.short_id if lst.review_body else None) == body, code
        # the notice states the size: “先导技术榜”100项, “突破短板关键技术榜”（装备制造领域）10项
        short = name.replace("（装备制造领域）", "")
        assert re.search(f"“{short}”(（装备制造领域）)?{size}项", FLAT), code
    # quotas as the notice words them
    assert "“先导技术榜”每个领域各单位推荐不超过2个" in FLAT
    assert "“新锐企业榜”每个单位推荐名额不超过5个" in FLAT
    assert ("“产学研融通组织榜”、“开源创新榜”、“科技创业投资机构榜”、“突破短板关键技术榜”"
            "（装备制造领域）各单位推荐不超过２个") in FLAT
    assert "“青年创业榜”另行通知" in FLAT and rows["qncy"].status_note == "另行通知"


def test_domains_and_routing(db):
    xdjs = NominationList.get(NominationList.code == "xdjs")
    domains = {d.name: d.review_body.short_id for d in xdjs.domains.order_by(Domain.position)}
    assert domains == DOMAINS
    assert "分为电子信息、装备制造、先进材料、生物医药、资源环境、现代农林等六大领域" in FLAT
    for domain, short_id in DOMAINS.items():
        body_name = BODIES[short_id][0]
        # e.g. 1．中国科协信息科技学会联合体（先导技术榜电子信息领域）
        assert re.search(re.escape(body_name) + r"（先导技术榜[^）]*" + domain + "领域", FLAT), domain
    for code, short_id, scope in (("xrqy", "sec", "新锐企业榜"), ("cxyrt", "gei", "产学研融通组织榜"),
                                  ("kycx", "oss", "开源创新榜"), ("kjtz", "inv", "科技创业投资机构榜"),
                                  ("tpdb", "im", "突破短板技术榜")):
        assert re.search(re.escape(BODIES[short_id][0]) + "（[^）]*" + scope, FLAT), code


def test_review_bodies_and_contacts(db):
    bodies = {b.short_id: b for b in ReviewBody.select()}
    assert len(bodies) == 10 and set(bodies) == set(BODIES)
    for short_id, (name, contact, phones, email, address) in BODIES.items():
        b = bodies[short_id]
        assert (b.name, b.contact, b.phone_list, b.email, b.address) == \
            (name, contact, phones, email, address), short_id
        for fact in (name, contact.replace("、", "、"), address, email):
            if fact:
                assert in_notice(fact), fact
        # the notice writes 010-84097649/84097842/13391795607: check each number is there
        for phone in phones:
            assert phone.removeprefix("010-") in FLAT, phone


def test_consultation_contacts(db):
    got = [(c.kind, c.organisation, c.person, c.phones) for c in Contact.select()
           .order_by(Contact.position)]
    assert got == CONTACTS
    for _, org, person, phone in CONTACTS:
        assert in_notice(phone) and (not person or in_notice(person))
    assert "（二）工作咨询" in FLAT and "（三）申报系统技术咨询" in FLAT


def test_calendar(db):
    c = current_campaign()
    # 申报截止时间为2021年10月30日24时 (Beijing) = 2021-10-30 16:00 UTC
    assert "申报截止时间为2021年10月30日24时" in FLAT
    assert c.submission_deadline == datetime(2021, 10, 30, 16, 0)
    assert c.submission_deadline_label == "2021年10月30日24时"
    assert "于2021年11月30日前将初评结果" in FLAT
    assert c.initial_results_deadline == datetime(2021, 11, 30, 16, 0)
    phases = {p.key: (p.name, p.start, p.end) for p in Phase.select()}
    assert phases == {
        "collection": ("组织征集", date(2021, 9, 1), date(2021, 10, 31)),
        "initial_review": ("专家初评", date(2021, 11, 1), date(2021, 11, 30)),
        "final_review": ("榜单终审", date(2021, 12, 1), date(2021, 12, 31)),
        "publicity": ("宣传发布推广", date(2021, 10, 1), date(2022, 6, 30)),
    }
    for text in ("组织征集（2021年9月—2021年10月31日）", "专家初评阶段（2021年11月）",
                 "榜单终审阶段（2021年12月）", "宣传发布推广阶段（2021年10月—2022年6月）"):
        assert text in FLAT


def test_unit_types_are_the_notice_channels(db):
    names = [t.name for t in UnitType.select().order_by(UnitType.position)]
    assert names == ["全国学会/协会/研究会", "省级科协", "新疆生产建设兵团科协", "试点城市（园区）",
                     "联合体成员单位", "其他"]
    for channel in ("各全国学会、协会、研究会", "各省、自治区、直辖市科协", "新疆生产建设兵团科协",
                    "“科创中国”试点城市（园区）", "“科创中国”联合体成员单位", "其他各有关单位"):
        assert channel in FLAT
