"""The review through the web pages: every actor's step, refusals shown in Chinese, and who
may see what."""
import html
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from kczg.models import Assignment, Criterion, Message, User
from tests.conftest import csrf_token, login
from tests.rules.conftest import submitted

AFTER_DEADLINE = "2021-11-05 10:00:00+08:00"


def text(r):
    return html.unescape(r.get_data(as_text=True))


def as_(client, username, password="kczg-demo"):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    r = login(client, username, password)
    assert r.status_code == 302, username
    return client


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/"), **data},
                       follow_redirects=True)


@pytest.fixture
def cycle(app, client, db):
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        ns = [submitted("unit-a", "xdjs", "dzxx"),
              submitted("unit-a", "xdjs", "dzxx", tech_name="第二项电子信息技术"),
              submitted("unit-b", "xdjs", "dzxx", tech_name="浙江的电子信息技术",
                        first_unit="浙江大学"),
              submitted("unit-b", "kycx")]
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        yield client, ns


def test_the_whole_cycle(cycle):
    client, ns = cycle
    as_(client, "review-it")
    # scoring cannot open before 备案
    r = post(client, "/review/filing", plan="方案", experts="", standards="标准")
    assert "请完整填写评审工作方案、专家构成方案和评价标准" in text(r)
    assert re.search(r'name="plan"[^>]*>方案</textarea>', r.get_data(as_text=True))  # kept
    r = post(client, "/review/filing", plan="评审工作方案正文", experts="专家构成方案正文",
             standards="评价标准正文")
    assert "备案材料已提交秘书处" in text(r) and "待备案" in text(r)
    r = post(client, "/review/criteria/xdjs", name=["创新性", "先进性"], weight=["30", "60"])
    assert "各项指标权重之和应为100（当前为90）" in text(r)
    r = post(client, "/review/criteria/xdjs", name=["创新性", "先进性", "产业带动", "转化应用"],
             weight=["30", "25", "25", "20"])
    assert "评分指标已保存" in text(r)
    r = post(client, "/review/experts", username="zhang-e", display_name="张专家",
             affiliation="复旦大学", email="zhang@example.org")
    password = re.search(r"初始密码 <code>([^<]+)</code>", r.get_data(as_text=True)).group(1)
    post(client, "/review/experts", username="li-e", display_name="李专家",
         affiliation="浙江大学")  # the nominee of ns[2]: never assigned to it
    r = post(client, "/review/assign-auto", per="2")
    assert "自动分配预览" in text(r) and "确认分配" in text(r)
    assert not Assignment.select().exists()
    pairs = re.search(r'name="pairs" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    r = post(client, "/review/assign-auto/confirm", pairs=pairs.replace("&#34;", '"'))
    assert "自动分配完成" in text(r)
    li = User.get(User.username == "li-e")
    assert not Assignment.select().where(Assignment.expert == li,
                                         Assignment.nomination == ns[2].id).exists()
    r = client.get("/review/nominations?q=浙江")
    found = re.sub(r"<[^>]+>", "", text(r))  # (the words found are marked)
    assert "浙江的电子信息技术" in found and "第二项电子信息技术" not in found
    assert "<mark>浙江</mark>的电子信息技术" in text(r)
    # an expert before 备案 is acknowledged
    as_(client, "zhang-e", password)
    client.post("/account/password", data={"csrf_token": csrf_token(client, "/account/password"),
                                           "current": password, "new": "zhang-pass-1",
                                           "confirm": "zhang-pass-1"})
    page = text(client.get("/review/expert"))
    mine = list(Assignment.select().where(Assignment.expert == User.get(User.username == "zhang-e")))
    assert len(mine) == 2  # 3 nominations x 2 experts over 3 experts, balanced
    for asg in mine:
        assert asg.nomination.display_title in page
    a = mine[0]
    crit = list(Criterion.select().order_by(Criterion.position))
    scores = {f"c{c.id}": v for c, v in zip(crit, (90, 80, 70, 60))}
    r = post(client, f"/review/expert/assignments/{a.id}", action="submit", **scores)
    assert "尚未在秘书处备案，暂不能评分" in text(r)
    # the secretariat acknowledges
    as_(client, "secretariat")
    assert "待备案" in text(client.get("/secretariat/filings"))
    r = post(client, "/secretariat/filings/it", action="acknowledge")
    assert "已备案" in text(r)
    # experts accept the 保密与回避承诺, then score
    for username, pw in (("zhang-e", "zhang-pass-1"), ("expert-it", "kczg-demo")):
        as_(client, username, pw)
        for asg in Assignment.select().where(
                Assignment.expert == User.get(User.username == username)):
            page = text(client.get(f"/review/expert/assignments/{asg.id}"))
            if "保密与回避承诺" in page:
                assert 'data-weight' not in page  # no score inputs before the pledge
                r = post(client, f"/review/expert/assignments/{asg.id}", action="pledge")
                assert "请勾选“我已阅读并同意”" in text(r)
                r = post(client, f"/review/expert/assignments/{asg.id}", action="pledge",
                         agree="1")
                assert "已接受保密与回避承诺" in text(r) and "评价标准正文" in text(r)
                assert 'id="live-total"' in text(r)
            r = post(client, f"/review/expert/assignments/{asg.id}", action="submit", **scores)
            assert "评分已提交" in text(r), text(r)[:500]
    # the body ranks, shortlists and reports
    as_(client, "review-it")
    page = text(client.get("/review/ranking"))
    assert "76.5" in page and "加权均分" in page  # every expert gave 90/80/70/60
    r = client.get("/review/ranking.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    assert ws["A3"].value == "榜单" and any(row[12].value == "张专家" for row in ws.iter_rows(min_row=4))
    r = client.get("/review/ranking.pdf")
    assert "初评排名及专家评分" in PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    # 李专家 has not scored: reporting needs a reason, which the secretariat will see
    assert "个评审任务未评分。如需提前报送，请填写理由" in page
    r = post(client, "/review/results", action="submit", shortlist=[str(ns[0].id), str(ns[2].id)])
    assert "请先填写初评入围项目的组长意见（尚缺2项" in text(r)
    for n in (ns[0], ns[2]):  # the body enters the 组长's conclusions from the meeting
        r = post(client, f"/review/nominations/{n.id}/summary", text="经专家组讨论，同意初评入围。")
        assert "组长意见已保存" in text(r)
    r = post(client, "/review/results", action="submit", shortlist=[str(ns[0].id), str(ns[2].id)])
    assert "个评审任务未评分。请等专家评完，或填写提前报送的理由" in text(r)
    r = post(client, "/review/results", action="submit", shortlist=[str(ns[0].id), str(ns[2].id)],
             reason="李专家因公出差，其余专家已评完")
    assert "初评结果已报送联合体秘书处" in text(r) and "只读" in text(r)
    assert "李专家因公出差" in text(r)
    # the secretariat decides and publishes
    as_(client, "secretariat")
    page = text(client.get("/secretariat/final/xdjs"))
    assert "浙江的电子信息技术" in page and "第二项电子信息技术" not in page
    post(client, "/secretariat/final/xdjs", nomination=str(ns[0].id), decision="selected")
    post(client, "/secretariat/final/xdjs", nomination=str(ns[2].id), decision="rejected",
         comment="综合评议")
    page = text(client.get("/secretariat/final/xdjs/publish"))
    assert "入选 1 项" in page and "就绪" in page
    r = post(client, "/secretariat/final/xdjs/publish")
    assert "先导技术榜已发布" in text(r)
    # the public sees the list
    as_(client, "unit-b")
    assert Message.select().where(Message.user == User.get(User.username == "unit-b"),
                                  Message.subject == "先导技术榜已发布").exists()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    page = text(client.get("/results/xdjs"))
    assert "面向边缘计算的低功耗人工智能芯片架构" in page and "浙江的电子信息技术" not in page
    assert "电子信息领域" in page
    r = client.get("/results/xdjs.pdf")
    assert "面向边缘计算的低功耗人工智能芯片架构" in PdfReader(io.BytesIO(r.data)).pages[0] \
        .extract_text().replace("\n", "")
    assert client.get("/results/kycx").status_code == 404  # not published


def test_who_sees_what_in_the_review(cycle):
    client, ns = cycle
    as_(client, "review-it")
    assert client.get(f"/review/nominations/{ns[0].id}").status_code == 200
    assert client.get(f"/review/nominations/{ns[3].id}").status_code == 404  # 开源创新榜: oss
    as_(client, "review-oss")
    assert client.get(f"/review/nominations/{ns[0].id}").status_code == 404
    assert "浙江的电子信息技术" not in text(client.get("/review/nominations"))
    assert client.get("/review/criteria/xdjs").status_code == 404
    as_(client, "expert-it")
    assert client.get(f"/review/nominations/{ns[0].id}").status_code == 404  # not assigned
    assert client.get("/review/nominations").status_code == 403
    assert client.get("/secretariat/final/xdjs").status_code == 403
    as_(client, "unit-a")
    assert client.get("/review/ranking").status_code == 403


def test_expert_declares_a_conflict_and_blind_mode_hides_the_unit(cycle):
    client, ns = cycle
    as_(client, "review-it")
    post(client, "/review/results", action="blind", blind="1")
    post(client, f"/review/nominations/{ns[0].id}/assign",
         expert=str(User.get(User.username == "expert-it").id))
    as_(client, "expert-it")
    page = text(client.get("/review/expert"))
    assert "中国电子学会" not in page  # blind
    a = Assignment.get(Assignment.nomination == ns[0].id)
    page = text(client.get(f"/review/expert/assignments/{a.id}"))
    assert "（盲评，不显示）" in page and "中国电子学会" not in page
    # the 申报书 an expert downloads names no unit either
    pdf = client.get(f"/review/documents/nominations/{ns[0].id}.pdf")
    assert pdf.status_code == 200
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    printed = re.sub(r"\s+", "", printed)
    assert "面向边缘计算的低功耗人工智能芯片架构" in printed and "中国电子学会" not in printed
    assert "盲评" in printed and "王明" not in printed
    from tests.exports.test_documents import docx_text
    docx_data = client.get(f"/review/documents/nominations/{ns[0].id}.docx").data
    assert "中国电子学会" not in docx_text(docx_data) and "盲评" in docx_text(docx_data)
    r = post(client, f"/review/expert/assignments/{a.id}", action="conflict", reason="")
    assert "请说明回避理由" in text(r)
    r = post(client, f"/review/expert/assignments/{a.id}", action="conflict",
             reason="与完成人有合作关系")
    assert "已声明回避" in text(r)
    assert client.get(f"/review/expert/assignments/{a.id}").status_code == 200
    assert client.get(f"/review/nominations/{ns[0].id}").status_code == 404
    as_(client, "review-it")
    assert "专家声明回避" in text(client.get("/messages"))


def test_extension_page(cycle):
    client, ns = cycle
    as_(client, "secretariat")
    org = ns[0].organisation
    r = post(client, "/secretariat/extensions", target="unit", unit_name="不存在的学会",
             until="2021-11-20T18:00", reason="盖章材料延误")
    assert "未找到名为“不存在的学会”的推荐单位" in text(r)
    r = post(client, "/secretariat/extensions", target="unit", unit_name=f" {org.name} ",
             until="2021-11-20T18:00", reason="盖章材料延误")
    assert "已延期" in text(r) and "2021年11月20日18时" in text(r)
    as_(client, "unit-a")
    page = re.sub(r"<[^>]+>", "", text(client.get("/unit/")))
    assert "秘书处已为本单位延期至 2021年11月20日18时" in page and "申报进行中" in page
    as_(client, "unit-b")
    assert "申报已截止" in text(client.get("/unit/"))


def test_all_nominations_for_the_secretariat(cycle):
    client, ns = cycle
    as_(client, "secretariat")
    page = text(client.get("/secretariat/nominations"))
    assert "全部推荐（4）" in page and "浙江的电子信息技术" in page
    page = text(client.get("/secretariat/nominations?list=xdjs&unit_type=provincial"))
    assert "全部推荐（1）" in page and "浙江的电子信息技术" in page
    page = text(client.get("/secretariat/nominations?q=浙江的"))
    assert "全部推荐（1）" in page
    assert "全部推荐（0）" in text(client.get("/secretariat/nominations?list=nosuch&page=²"))
    r = client.get(f"/secretariat/nominations/{ns[0].id}")
    assert r.status_code == 200 and "申报书与证明材料" in text(r) and "申报书：" in text(r)
    as_(client, "unit-a")
    assert client.get("/secretariat/nominations").status_code == 403
    assert client.get(f"/secretariat/nominations/{ns[0].id}").status_code == 403


def test_expert_materials_hidden_in_blind_review(cycle, app):
    from kczg.models import Attachment, ReviewBody
    from kczg.operations import review as review_ops
    from kczg.services import review as review_reads

    client, ns = cycle
    n = ns[0]
    a = Attachment.create(organisation=n.organisation, list=n.list, nomination=n,
                          kind="material", original_name="证明.pdf", stored_name="x.pdf",
                          content_type="application/pdf", size=10, sha256="-",
                          uploaded_by=User.get(User.username == "unit-a"))
    body = ReviewBody.get(ReviewBody.short_id == "it")
    reviewer, sec = User.get(User.username == "review-it"), User.get(User.username == "secretariat")
    review_ops.submit_filing(reviewer, body, "方案", "专家", "标准")
    review_ops.decide_filing(sec, body, True)
    assignment = review_ops.assign(reviewer, body, n, User.get(User.username == "expert-it"))
    as_(client, "expert-it")
    page = text(client.get(f"/review/expert/assignments/{assignment.id}"))
    assert "证明.pdf" in page
    result = review_reads.result_of(body)
    result.blind = True
    result.save()
    page = text(client.get(f"/review/expert/assignments/{assignment.id}"))
    assert "证明.pdf" not in page and "盲评：证明材料含推荐单位信息" in page
    assert client.get(f"/review/attachments/{a.id}").status_code == 404
    # the body checks the file names no unit and marks it: its experts see it again
    as_(client, "review-it")
    assert "不含单位信息，盲评时专家可见" in text(client.get(f"/review/nominations/{n.id}"))
    r = post(client, f"/review/attachments/{a.id}/blind-safe", safe="1")
    assert "已标记为盲评可见" in text(r) and "盲评可见" in text(r)
    as_(client, "expert-it")
    assert "证明.pdf" in text(client.get(f"/review/expert/assignments/{assignment.id}"))
    as_(client, "review-sec")  # another body cannot mark it
    assert post(client, f"/review/attachments/{a.id}/blind-safe", safe="0").status_code == 404


def test_body_and_experts_see_their_own_deadline(cycle):
    client, ns = cycle
    as_(client, "review-it")
    page = text(client.get("/review/"))
    assert "初评结果报送截止：<strong>2021年11月30日24时</strong>" in page
    assert "距离初评结果报送截止还有" in page
    assert "网上申报截止时间" not in page  # not the units' deadline
    as_(client, "expert-it")
    page = text(client.get("/review/expert"))
    assert "评分截止：<strong>2021年11月30日24时</strong>" in page and "已完成 0/0" in page


def test_manual_assignment_offers_only_free_experts_and_cancels(cycle):
    from kczg.models import ReviewBody
    from kczg.operations import review as review_ops

    client, ns = cycle
    body = ReviewBody.get(ReviewBody.short_id == "it")
    review_ops.submit_filing(User.get(User.username == "review-it"), body, "方案", "专家", "标准")
    expert = User.get(User.username == "expert-it")
    a = review_ops.assign(User.get(User.username == "review-it"), body, ns[2], expert)
    as_(client, "review-it")
    page = client.get("/review/nominations").get_data(as_text=True)
    row = re.search(rf'<tr data-id="{ns[2].id}">.*?</tr>', page, re.S).group(0)
    assert f'<option value="{expert.id}"' not in row and "本机构专家均已分配" in row
    assert "取消分配" in row
    r = post(client, f"/review/assignments/{a.id}/cancel")
    assert "已取消该评审任务" in text(r)
    row = re.search(rf'<tr data-id="{ns[2].id}">.*?</tr>', text(r), re.S).group(0)
    assert f'<option value="{expert.id}"' in row


def test_all_nominations_export_follows_the_filters(cycle):
    client, ns = cycle
    as_(client, "secretariat")
    r = client.get("/secretariat/nominations.xlsx?list=xdjs")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(r.data)).active
    titles = [row[3].value for row in ws.iter_rows(min_row=4) if row[0].value]
    assert len(titles) == 3 and "浙江的电子信息技术" in titles  # the 先导技术榜 three, not kycx
    assert ws["A2"].value == "筛选：list=xdjs" and ws["I4"].value == "已送达初评机构"
    assert client.get("/secretariat/nominations.xlsx?province=%1B&q=%07").status_code == 200
    as_(client, "unit-a")
    assert client.get("/secretariat/nominations.xlsx").status_code == 403


def test_province_filter_agrees_with_the_province_of_each_item(app, db, collection_open):
    """The SQL filter and the charts' rule (review_stats.province_of) place every nomination in
    the same province, on the demo's 62 nominations."""
    from forms.choices import PROVINCES
    from kczg import demo
    from kczg.models import Nomination
    from kczg.services import listing
    from kczg.services.review_stats import province_of

    demo.load_nominations()
    expected: dict = {}
    for n in Nomination.select().where(Nomination.status == "submitted"):
        expected.setdefault(province_of(n), set()).add(n.id)
    seen = 0
    for province in PROVINCES:
        got = {n.id for n in listing.all_nominations({"province": province}, 1, 500).rows}
        assert got == expected.get(province, set()), province
        seen += len(got)
    assert seen > 10  # provinces were actually told apart
