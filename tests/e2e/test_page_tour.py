"""Every page as its user sees it, in chromium: each renders (no error page), shows its key text,
and leaves a screenshot in tests/artifacts/ to look at."""
import pytest
from playwright.sync_api import expect

from kczg.db import database
from kczg.models import AccountApplication, UnitType
from tests.e2e.conftest import login, shot
from tests.e2e.test_nomination_flow import seed

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]




def visit(page, url, name, expected):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    expect(page.locator("main")).to_contain_text(expected)
    shot(page, f"tour-{name}")


def test_tour(page, live_server, app):
    submitted = seed(app, "submitted")
    draft = seed(app, "draft")
    with app.app_context(), database.connection_context():
        AccountApplication.create(organisation_name="湖北省科学技术协会",
                                  unit_type=UnitType.get(UnitType.code == "provincial"),
                                  contact="赵敏", phone="027-87654321", email="hb@example.org",
                                  username="hubei", password_hash="x")
    b = live_server
    visit(page, b + "/lists/xdjs", "public-list", "中国科协信息科技学会联合体")
    visit(page, b + "/notice", "public-notice", "申报截止时间为2021年10月30日24时")
    visit(page, b + "/apply", "apply", "推荐单位申请账号")

    login(page, b, "unit-a")
    visit(page, f"{b}/unit/nominations/{submitted}", "unit-view", "撤回推荐")
    visit(page, f"{b}/unit/nominations/{submitted}/history", "unit-history", "提交")
    # a second tab saved meanwhile: this page's save is kept as a conflict copy
    page.goto(f"{b}/unit/nominations/{draft}")
    version = page.locator("#version").input_value()
    page.evaluate("v => document.querySelector('#version').value = String(Number(v) - 1)",
                  version)
    page.locator('[name="tech_name"]').fill("另一个标签页的旧版本")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#page-message")).to_contain_text("已在其他页面或由其他用户修改")
    shot(page, "tour-unit-conflict-refused", full_page=False)
    page.get_by_role("link", name="查看冲突副本").first.click()
    expect(page.locator("main")).to_contain_text("另一个标签页的旧版本")
    shot(page, "tour-unit-conflict-copy")
    # 推荐函设置: a 发文字号 and letterhead room, then the letter downloads with it
    page.goto(b + "/unit/")
    page.get_by_role("link", name="发文字号与版头").first.click()
    expect(page.locator("h1")).to_contain_text("推荐函设置")
    page.get_by_label("发文字号").fill("中电学函〔2021〕15号")
    page.get_by_label("信纸版头预留（毫米）").fill("三十")
    page.get_by_role("button", name="保存并重新生成推荐函").click()
    expect(page.locator("main")).to_contain_text("请输入0—80之间的整数")
    expect(page.get_by_label("发文字号")).to_have_value("中电学函〔2021〕15号")  # kept
    shot(page, "tour-unit-letter-settings")
    page.get_by_label("信纸版头预留（毫米）").fill("30")
    page.get_by_role("button", name="保存并重新生成推荐函").click()
    expect(page.locator("main")).to_contain_text("推荐函设置已保存")
    page.goto(b + "/account/password")
    expect(page.locator("h1")).to_have_text("修改密码")
    shot(page, "tour-change-password")
    page.get_by_role("button", name="退出").click()

    login(page, b, "secretariat")
    visit(page, b + "/secretariat/", "secretariat-dashboard", "待审核账号申请")
    visit(page, b + "/secretariat/overview", "secretariat-overview", "尚未提交任何推荐的单位")
    visit(page, b + "/secretariat/notice-files", "secretariat-notice-files", "发布附件")
    visit(page, b + "/secretariat/units", "secretariat-units", "中国电子学会")
    visit(page, b + "/secretariat/units/new", "secretariat-unit-new", "创建推荐单位账号")
    visit(page, b + "/secretariat/units/import", "secretariat-import", "下载导入模板")
    visit(page, b + "/secretariat/applications", "secretariat-applications", "湖北省科学技术协会")
    visit(page, b + "/secretariat/duplicates", "secretariat-duplicates", "疑似重复推荐")
    page.get_by_role("button", name="退出").click()

    login(page, b, "review-it")
    visit(page, b + "/review/", "review-dashboard", "预置的submitted技术")
    page.get_by_role("button", name="生成全部材料包").click()
    expect(page.locator("#bundle-download")).to_be_visible(timeout=30_000)
    expect(page.locator("#bundle-progress")).to_contain_text("已完成")
    shot(page, "tour-review-bundle")
    with page.expect_download() as download:
        page.locator("#bundle-download").click()
    assert download.value.suggested_filename == "中国科协信息科技学会联合体材料包.zip"
    page.get_by_role("button", name="退出").click()

    # the public verify page, for the code printed on the 申报书
    from kczg.models import DocumentRecord
    with app.app_context(), database.connection_context():
        code = DocumentRecord.get(DocumentRecord.kind == "form").code
    page.goto(b + "/verify")
    page.get_by_label("验证码").fill(code.lower().replace("-", ""))  # as typed off paper
    page.get_by_role("button", name="核验", exact=True).click()
    expect(page.locator("#verify-status")).to_contain_text("该文件由本平台生成，且为最新版本")
    expect(page.locator(".verify-facts")).to_contain_text("预置的submitted技术")
    expect(page.locator(".verify-facts")).to_contain_text("91110108551385082Q")
    shot(page, "tour-verify")
    login(page, b, "expert-it")
    visit(page, b + "/review/expert", "expert-dashboard", "中国科协信息科技学会联合体")
