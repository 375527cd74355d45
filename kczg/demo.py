"""Demo data: one account per actor, password kczg-demo, and a calendar moved to today.

The 2021 campaign closed long ago; for a demo the calendar is shifted by whole days so that the
submission deadline falls DEMO_DAYS_LEFT days from today, every other date moving with it.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from werkzeug.datastructures import FileStorage, MultiDict

from exports.pdf import render_html
from forms.registry import form_class
from kczg.campaigns import scope
from kczg.campaigns.files import DEFAULT_CAMPAIGN, read_campaign_file
from kczg.db import database
from kczg.demo_data import sample, varied_text
from kczg.models import (
    Assignment,
    Filing,
    Nomination,
    Organisation,
    Phase,
    UnitType,
    User,
)
from kczg.operations import attachments, results, review
from kczg.operations import nominations as ops
from kczg.operations.campaigns import load_campaign
from kczg.passwords import hash_password, verify_password
from kczg.rules import review as review_rules
from kczg.services import nominations as svc
from kczg.services.documents import submitted_for_body
from kczg.services.review import criteria_for

PASSWORD = "kczg-demo"
DEMO_DAYS_LEFT = 30
DEMO_UNITS = [
    ("unit-a", "中国电子学会", "society", "王明", "010-68283463", "unit-a@example.org"),
    ("unit-b", "浙江省科学技术协会", "provincial", "李华", "0571-85155050", "unit-b@example.org"),
]
# more recommending units, so that every review screen has enough to show (about 60 nominations)
MORE_UNITS = [
    ("unit-c", "中国机械工程学会", "society"), ("unit-d", "中国化工学会", "society"),
    ("unit-e", "中国生物工程学会", "society"), ("unit-f", "中国材料研究学会", "society"),
    ("unit-g", "中国环境科学学会", "society"), ("unit-h", "中国农学会", "society"),
    ("unit-i", "江苏省科学技术协会", "provincial"), ("unit-j", "广东省科学技术协会", "provincial"),
    ("unit-k", "深圳市科学技术协会", "pilot_city"), ("unit-l", "新疆生产建设兵团科学技术协会", "xpcc"),
]
# (list, domain) each extra unit nominates, within every quota
MORE_PICKS = [("xdjs", "dzxx"), ("xdjs", "zbzz"), ("xdjs", "xjcl"), ("xdjs", "swyy"),
              ("xdjs", "zyhj"), ("xdjs", "xdnl"), ("xrqy", None), ("cxyrt", None),
              ("kycx", None), ("kjtz", None), ("tpdb", None)]
EXPERTS = [("expert-it", "it", "电子信息领域评审专家")]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def shift_calendar(campaign, today: date, days_left: int = DEMO_DAYS_LEFT) -> int:
    """Move the campaign's dates (as the file has them) so the deadline's last day is
    `days_left` days from today (negative: collection has closed)."""
    data = read_campaign_file(DEFAULT_CAMPAIGN)["campaign"]
    tz = ZoneInfo(campaign.timezone)
    original_deadline = data["submission_deadline"].astimezone(tz)
    # the deadline is "day D 24:00", i.e. the first instant of day D+1
    last_day = (original_deadline - timedelta(seconds=1)).date()
    days = (today + timedelta(days=days_left) - last_day).days
    shift = timedelta(days=days)

    def moved(instant: datetime) -> datetime:
        return (instant.astimezone(tz) + shift).astimezone(timezone.utc).replace(tzinfo=None)

    campaign.submission_deadline = moved(data["submission_deadline"])
    campaign.submission_deadline_label = f"{_cn_date(last_day + shift)}24时"
    campaign.initial_results_deadline = moved(data["initial_results_deadline"])
    results_day = (data["initial_results_deadline"].astimezone(tz) - timedelta(seconds=1)).date()
    campaign.initial_results_deadline_label = _cn_date(results_day + shift)
    campaign.demo_shift_days = days
    campaign.save()
    for p in read_campaign_file(DEFAULT_CAMPAIGN)["phases"]:
        start, end = p["start"] + shift, p["end"] + shift
        (Phase.update(start=start, end=end, label=f"{_cn_date(start)}—{_cn_date(end)}",
                      description=_moved_dates(p.get("description", ""), shift))
         .where(Phase.campaign == campaign, Phase.key == p["key"]).execute())
    return days


_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _moved_dates(text: str, shift: timedelta) -> str:
    """A phase's description with the notice's dates moved as the demo's calendar is (a page
    never shows 2021年10月31日 beside a moved deadline)."""
    def moved(m: re.Match) -> str:
        return _cn_date(date(int(m.group(1)), int(m.group(2)), int(m.group(3))) + shift)
    return _CN_DATE.sub(moved, text)


def _ensure_user(username: str, **fields) -> User:
    user = User.get_or_none(User.username == username)
    if user is None:
        return User.create(username=username, password_hash=hash_password(PASSWORD), **fields)
    if not verify_password(user.password_hash, PASSWORD):
        user.password_hash = hash_password(PASSWORD)
    for k, v in fields.items():
        setattr(user, k, v)
    user.active, user.must_change_password = True, False
    user.save()
    return user


def load(today: date | None = None, move_calendar: bool = True,
         days_left: int = DEMO_DAYS_LEFT) -> None:
    """Create (or reset) the demo accounts; unless told not to, move the calendar to `today`."""
    with database.atomic():
        campaign = scope.current_campaign() or load_campaign(DEFAULT_CAMPAIGN)
        if move_calendar:
            today = today or datetime.now(ZoneInfo(campaign.timezone)).date()
            shift_calendar(campaign, today, days_left)
        _ensure_user("secretariat", role="secretariat", display_name="“科创中国”联合体秘书处",
                     email="secretariat@example.org")
        for username, name, type_code, contact, phone, email in DEMO_UNITS:
            org = Organisation.get_or_none(Organisation.name == name) or Organisation.create(
                name=name, unit_type=UnitType.get(UnitType.code == type_code), contact=contact,
                phone=phone, email=email)
            _ensure_user(username, role="unit", display_name=name, organisation=org,
                         email=org.email)
        with scope.of(campaign):
            bodies = {b.short_id: b for b in scope.bodies()}
        for short_id, body in bodies.items():
            _ensure_user(f"review-{short_id}", role="review", display_name=body.name,
                         review_body=body, email=f"review-{short_id}@example.org")
        for username, short_id, name in EXPERTS:
            _ensure_user(username, role="expert", display_name=name, review_body=bodies[short_id],
                         affiliation="北京航空航天大学", email=f"{username}@example.org")



# (unit, list, domain, overrides): a spread over the lists, within every quota
DEMO_NOMINATIONS = [
    ("unit-a", "xdjs", "dzxx", {}),
    ("unit-a", "xdjs", "dzxx", {"tech_name": "高可靠工业互联网时间敏感网络交换技术",
                                "first_unit": "中国电子科技示例研究所"}),
    ("unit-a", "xdjs", "zbzz", {"domain": "zbzz", "tech_name": "大型复杂构件激光增材制造技术"}),
    ("unit-a", "xrqy", None, {}),
    ("unit-a", "kycx", None, {}),
    ("unit-a", "tpdb", None, {}),
    ("unit-b", "xdjs", "dzxx", {"tech_name": "浙江示例视觉感知芯片技术",
                                "first_unit": "杭州示例芯片有限公司"}),
    ("unit-b", "xdjs", "swyy", {"domain": "swyy", "tech_name": "新型mRNA疫苗递送系统",
                                "first_unit": "浙江示例生物医药有限公司"}),
    ("unit-b", "xrqy", None, {"company_name": "宁波示例新材料科技有限公司",
                              "uscc": "91110108551385082Q"}),
    ("unit-b", "cxyrt", None, {}),
    ("unit-b", "kjtz", None, {}),
    ("unit-b", "kycx", None, {"project_name": "示例分布式数据库（社区版）"}),
]


def load_nominations() -> int:
    """Ten more recommending units (unit-c … unit-l), and submitted nominations with a
    supporting PDF each and a stamped scan per list for the demo units that have none yet.
    Returns how many nominations were created."""
    material = render_html('<html lang="zh-CN"><body style="font-family: Noto Serif CJK SC">'
                           "<h1>证明材料（演示）</h1><p>推荐项目的证明材料示例。</p></body></html>")
    for i, (username, name, type_code) in enumerate(MORE_UNITS):
        org = Organisation.get_or_none(Organisation.name == name) or Organisation.create(
            name=name, unit_type=UnitType.get(UnitType.code == type_code),
            contact=f"联系人{i + 1}", phone=f"1390000{i:04d}", email=f"{username}@example.org")
        _ensure_user(username, role="unit", display_name=name, organisation=org, email=org.email)
    plan = [(u, c, d, o) for u, c, d, o in DEMO_NOMINATIONS]
    for i, (username, name, _) in enumerate(MORE_UNITS):
        picks = [MORE_PICKS[(i + k) % len(MORE_PICKS)] for k in range(5)]
        plan += [(username, c, d, _more_overrides(i, c, d, name)) for c, d in picks]
    created = 0
    users = {u.username: u for u in User.select().where(User.role == "unit")}
    done = {u for u, user in users.items()
            if Nomination.select().where(Nomination.organisation == user.organisation).exists()}
    for username, code, domain_code, overrides in plan:
        if username in done or username not in users:
            continue
        _submit(users[username], code, domain_code, overrides, material)
        created += 1
    return created


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) for demo company number n."""
    body = f"91330100MA{n:07d}"
    total = sum(USCC_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def _more_overrides(unit_index: int, code: str, domain: str | None, org_name: str) -> dict:
    k = unit_index * 20 + len(code) + (len(domain or ""))
    uscc = make_uscc(k)
    short = org_name.removeprefix("中国").removesuffix("科学技术协会").removesuffix("学会")[:6]
    return {
        "xdjs": {"domain": domain, "tech_name": f"{short}推荐的{domain and DOMAIN_WORDS[domain]}关键技术",
                 "first_unit": f"{short}示例科技有限公司", "first_unit_uscc": uscc},
        "xrqy": {"company_name": f"{short}示例创新科技有限公司", "uscc": uscc},
        "cxyrt": {"org_name": f"{short}产学研协同创新联盟", "lead_uscc": uscc},
        "kycx": {"project_name": f"{short}开源工业软件平台",
                 "repo_url": f"https://gitee.com/demo-{unit_index}/platform"},
        "kjtz": {"org_name": f"{short}科技创业投资有限公司", "uscc": uscc},
        "tpdb": {"tech_name": f"{short}推荐的高端装备关键部件技术", "unit_uscc": uscc},
    }[code]


DOMAIN_WORDS = {"dzxx": "电子信息", "zbzz": "装备制造", "xjcl": "先进材料", "swyy": "生物医药",
                "zyhj": "资源环境", "xdnl": "现代农林"}


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _submit(user, code, domain_code, overrides, material: bytes) -> None:
    """One nomination through the unit's own operations: a draft, a material, the submission,
    a stamped scan of the list."""
    lst = scope.list_by_code(code)
    domain = scope.domain(lst, domain_code)
    texts = {name: varied_text(f"{user.username}/{code}/{domain_code}/{name}/{overrides}")
             for name in form_class(lst).text_fields()}  # unlike the other units' nominations
    data = MultiDict(sample(code, year=lst.campaign.year, **{**texts, **overrides},
                            contact_name=user.organisation.contact,
                            contact_phone=user.organisation.phone,
                            contact_email=user.organisation.email))
    n = ops.create_draft(user, lst, domain)
    form = svc.build_form(n, data)
    if not form.validate():
        raise RuntimeError(f"demo nomination {code} is invalid: {form.errors}")
    attachments.add_material(user, n, _upload(material, "证明材料（演示）.pdf"))
    n = ops.submit(n.id, user, svc.raw_from(data), form.clean_data(), n.version,
                   svc.derived(form, n), [])
    domain = n.domain if n.domain_id else None
    if not attachments.current_scans(user.organisation, lst, domain).exists():
        letter = lst.name + (f"（{domain.name}领域）" if domain else "")
        attachments.add_scan(user, lst, domain, _upload(material, f"{letter}推荐函盖章扫描件.pdf"))


REVIEW_AFFILIATIONS = ["北京航空航天大学", "北京大学", "西安交通大学", "南京大学", "浙江大学", "复旦大学"]
CRITERIA = [("创新性", 30), ("先进性", 25), ("产业带动", 25), ("转化应用", 20)]
ACKNOWLEDGED = ("it", "im", "mat", "eco", "gei", "oss", "inv", "sec")


def load_review() -> str:
    """The review in full swing (collection has closed): experts, 备案 (most acknowledged),
    criteria, balanced assignments, scores, one body's results reported. Only once."""
    if Filing.select().exists():
        return "review data: already there"
    secretariat = User.get(User.username == "secretariat")
    for b, body in enumerate(scope.bodies()):
        reviewer = User.get(User.username == f"review-{body.short_id}")
        for k in range(3):
            _ensure_user(f"expert-{body.short_id}-{k + 1}", role="expert", review_body=body,
                         display_name=f"{body.short_id.upper()}专家{k + 1}",
                         affiliation=REVIEW_AFFILIATIONS[(b + k) % len(REVIEW_AFFILIATIONS)])
        review.submit_filing(reviewer, body, f"{body.name}评审工作方案：分组初评、集中复核。",
                           "专家由高校、科研院所和企业专家组成，每组不少于5人。",
                           "创新性、先进性、产业带动、转化应用四项指标。")
        if body.short_id not in ACKNOWLEDGED:
            continue
        review.decide_filing(secretariat, body, True)
        nominations = submitted_for_body(body)
        for lst in {n.list_id: n.list for n in nominations}.values():
            review.set_criteria(reviewer, body, lst, CRITERIA)
        plan = review.plan_auto(reviewer, body, nominations, 2)
        if plan.pairs:
            review.confirm_auto(reviewer, body, plan.pairs)
        everyone = body.short_id in ("it", "gei")
        for i, a in enumerate(Assignment.select().join(Nomination)
                              .where(Nomination.id.in_([n.id for n in nominations]))
                              .order_by(Assignment.id)):
            if not everyone and i % 2:
                continue
            crit = criteria_for(body, a.nomination.list)
            values = {c.id: 60 + (a.nomination_id * 7 + c.id * 3 + a.expert_id) % 40
                      for c in crit}
            review.accept_pledge(a.expert)
            review.save_scores(a.expert, a, values, "材料完整，创新性较强。", submit=True)
        if body.short_id == "gei":
            ranked = review_rules.ranking(nominations, criteria_for(body, nominations[0].list))
            results.set_shortlist(reviewer, body, [r.nomination.id for r in ranked[:2]])
            chair = (User.select().where(User.role == "expert", User.body_key == body.short_id)
                     .order_by(User.id).first())
            review.set_chair(reviewer, body, chair)
            for r in ranked[:2]:
                first = (Assignment.select().where(Assignment.nomination == r.nomination)
                         .order_by(Assignment.id).first())
                review.post_discussion(first.expert, r.nomination,
                                       "创新性突出，建议入围；转化数据请再核实。")
                review.write_summary(chair, r.nomination, "经专家组讨论，同意初评入围。")
            results.submit_results(reviewer, body)
    return "review data: experts, 备案, criteria, assignments and scores loaded"


def summary() -> list[str]:
    campaign = scope.current_campaign()
    lines = [
        "",
        f"demo accounts (password for every one: {PASSWORD})",
        "  secretariat     联合体秘书处",
    ]
    for username, name, *_ in DEMO_UNITS:
        lines.append(f"  {username:<15} {name}")
    more = [u for u, *_ in MORE_UNITS]
    if more and User.select().where(User.username == more[0]).exists():
        lines.append(f"  {more[0]} … {more[-1]}  {len(more)} more recommending units")
    for body in scope.bodies():
        lines.append(f"  review-{body.short_id:<8} {body.name}")
    for username, short_id, name in EXPERTS:
        lines.append(f"  {username:<15} {name}")
    if User.select().where(User.username.startswith("expert-"),
                           User.username.endswith("-1")).exists():
        lines.append("  expert-<id>-1 … -3  three experts of each review body, e.g. expert-it-1 "
                     "(review demo: tasks to score)")
    lines.append(f"demo calendar moved by {campaign.demo_shift_days} days: submission closes "
                 f"{campaign.submission_deadline_label} (Asia/Shanghai)")
    return lines
