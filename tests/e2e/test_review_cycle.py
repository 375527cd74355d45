"""The whole review cycle in chromium on the demo data: units submit, the 信息科技 body downloads
its bundle and files 备案, the secretariat acknowledges, an expert scores, the body reports its
results, the secretariat publishes, and the public page shows the list."""
import re

import pytest
from playwright.sync_api import expect

from kczg import demo
from kczg.db import database
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser




def _other_bodies_report(but: str) -> list:
    """Every other body that 先导技术榜 nominations went to shortlists one and reports."""
    from kczg.models import Nomination, NominationList, User
    from kczg.operations import results as results_ops
    from kczg.operations import review as review_ops
    from kczg.rules import gates
    from kczg.rules.permissions import routed_body_id

    xdjs = NominationList.get(NominationList.code == "xdjs")
    shortlisted = []
    for body in gates.bodies_of(xdjs):
        if body.short_id == but:
            continue
        first = next(n for n in Nomination.select().where(Nomination.list == xdjs,
                                                          Nomination.status == "submitted")
                     .order_by(Nomination.id) if routed_body_id(n) == body.id)
        reviewer = User.get(User.username == f"review-{body.short_id}")
        results_ops.set_shortlist(reviewer, body, [first.id])
        review_ops.write_summary(reviewer, first, "组长意见：同意初评入围。")
        results_ops.submit_results(reviewer, body, reason="（演示：未安排专家）")
        shortlisted.append(first)
    return shortlisted


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_whole_review_cycle(page, live_server, app, collection_open):
    b = live_server
    with app.app_context(), database.connection_context():
        assert demo.load_nominations() == 62  # units submit (the demo data)
    collection_open.move_to("2021-11-02 09:00:00+08:00")  # collection has closed
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, b, "review-it")
    page.get_by_role("button", name="生成全部材料包").click()
    expect(page.locator("#bundle-download")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.locator("#bundle-download").click()
    assert download.value.suggested_filename.endswith("材料包.zip")
    page.goto(b + "/review/filing")
    page.get_by_label("评审工作方案").fill("分组初评，每项由不少于3名专家打分。")
    page.get_by_label("专家构成方案").fill("高校、科研院所、企业专家各三分之一。")
    page.get_by_label("评价标准").fill("创新性30，先进性25，产业带动25，转化应用20。")
    page.get_by_role("button", name="提交备案").click()
    expect(page.locator("#filing-status")).to_have_text("待备案")
    shot(page, "cycle-filing")
    page.goto(b + "/review/criteria/xdjs")
    for i, (name, weight) in enumerate((("创新性", "30"), ("先进性", "25"), ("产业带动", "25"),
                                        ("转化应用", "20"))):
        page.get_by_label(f"指标{i + 1}名称").fill(name)
        page.get_by_label(f"指标{i + 1}权重").fill(weight)
    page.get_by_role("button", name="保存指标").click()
    expect(page.locator(".flash-success")).to_contain_text("评分指标已保存")
    page.goto(b + "/review/nominations")
    page.get_by_label("每个项目专家人数").fill("1")
    page.get_by_role("button", name="预览自动分配").click()
    expect(page.locator("h1")).to_have_text("自动分配预览")  # nothing applied before it is confirmed
    shot(page, "cycle-assign-preview")
    page.get_by_role("button", name="确认分配").click()
    expect(page.locator(".flash-success, .flash-warning")).to_contain_text("自动分配完成")
    shot(page, "cycle-assignments")
    logout(page)

    login(page, b, "secretariat")
    page.goto(b + "/secretariat/filings")
    page.locator('tr[data-body="it"]').get_by_role("link", name="查看备案材料").click()
    page.get_by_role("button", name="予以备案").click()
    expect(page.locator('tr[data-body="it"]')).to_contain_text("已备案")
    logout(page)

    login(page, b, "expert-it")
    page.locator("table.data a").first.click()
    title = page.locator("h1").inner_text()
    page.get_by_label("我已阅读并同意以上承诺").check()  # 保密与回避承诺, before any score
    page.get_by_role("button", name="确认承诺").click()
    expect(page.locator(".flash-success")).to_contain_text("已接受保密与回避承诺")
    with page.expect_download() as material:  # the 证明材料, from the scoring page
        page.locator("#nomination-files a").first.click()
    assert material.value.suggested_filename.endswith(".pdf")
    for label, score in (("创新性", "92"), ("先进性", "85"), ("产业带动", "80"), ("转化应用", "75")):
        page.get_by_label(label, exact=True).fill(score)
    expect(page.locator("#live-total")).to_have_text("83.85")  # weighted as typed
    page.get_by_label("评审意见").fill("技术先进，产业化前景好。")
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator("#assignment-status")).to_have_text("已评分")
    shot(page, "cycle-expert-score")
    logout(page)

    login(page, b, "review-it")
    page.goto(b + "/review/ranking")
    page.get_by_role("link", name=title).first.click()  # the item's page, as the body sees it
    expect(page.locator("#nomination-files")).to_contain_text("证明材料")
    # the panel: a post in the 评审讨论, then the 组长意见 (entered by the body for its 组长)
    page.get_by_label("发表意见").fill("创新点清楚，转化数据请再核实。")
    page.locator("#discussion").get_by_role("button").click()
    expect(page.locator("#discussion")).to_contain_text("创新点清楚，转化数据请再核实。")
    page.get_by_label(re.compile("组长意见")).fill("经专家组讨论，同意初评入围。")
    page.get_by_role("button", name="保存组长意见").click()
    expect(page.locator("#panel-summary-text")).to_have_text("经专家组讨论，同意初评入围。")
    shot(page, "cycle-body-nomination")
    page.goto(b + "/review/ranking")
    expect(page.locator("section.ranking").first).to_contain_text("83.85")  # .3*92+.25*85+.25*80+.2*75
    page.get_by_label(f"{title}初评入围").check()
    page.get_by_role("button", name="报送初评结果").click()  # other experts have not scored
    expect(page.locator(".flash-error")).to_contain_text("个评审任务未评分")
    page.get_by_label(f"{title}初评入围").check()
    page.get_by_label(re.compile("如需提前报送，请填写理由")).fill("其余专家的评分另行补报")
    page.get_by_role("button", name="报送初评结果").click()
    expect(page.locator("#result-status")).to_have_text("已报送")
    shot(page, "cycle-ranking")
    logout(page)
    # the other bodies 先导技术榜 went to report theirs (one item each)
    with app.app_context(), database.connection_context():
        others = _other_bodies_report("it")

    login(page, b, "secretariat")
    page.goto(b + "/secretariat/review")
    shot(page, "cycle-secretariat-progress")
    page.goto(b + "/secretariat/final/xdjs")
    row = page.locator("tr", has_text=title)
    row.get_by_role("button", name="入选", exact=True).click()
    expect(page.locator("#selected-count")).to_have_text("1")
    shot(page, "cycle-final")
    expect(page.locator("main")).to_contain_text("其余专家的评分另行补报")  # the body's reason
    page.get_by_role("link", name="发布前检查与预览").click()
    expect(page.locator("#publish-refusal")).to_contain_text(f"尚有{len(others)}项初评入围项目未作终审决定")
    page.get_by_role("link", name="返回终审").click()
    for n in others:  # the others, in one batch
        page.get_by_label(f"勾选{n.display_title}").check()
    expect(page.locator("#batch-count")).to_have_text(str(len(others)))
    shot(page, "cycle-final-batch")
    page.get_by_role("button", name="批量未入选").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已将{len(others)}项设为未入选")
    page.get_by_role("link", name="发布前检查与预览").click()
    expect(page.locator("main")).to_contain_text("入选 1 项")
    expect(page.locator("#publish-checklist")).not_to_contain_text("待决定")
    shot(page, "cycle-publish-checklist")
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url(b + "/results/xdjs")
    logout(page)

    page.goto(b + "/results/xdjs")
    expect(page.locator("table.published")).to_contain_text(title)
    shot(page, "cycle-published")

    # the secretariat finds it in 全部推荐 and opens its page
    login(page, b, "secretariat")
    page.get_by_role("link", name="全部推荐").click()
    page.get_by_label("搜索", exact=True).fill(title[:8])
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#nomination-files")).to_contain_text("申报书")
    shot(page, "cycle-secretariat-nomination")
    logout(page)
    # and its unit sees 入选
    with app.app_context(), database.connection_context():
        from kczg.models import Nomination

        unit = Nomination.get(Nomination.title == title).organisation.users[0].username
    login(page, b, unit)
    row = page.locator("tr[data-id]", has_text=title)
    expect(row.locator(".status")).to_have_text("入选")
    shot(page, "cycle-unit-selected")
