"""The guidance a unit and the secretariat get, in a browser: the step guide's next step one
click away (the letter itself), the completion share of a draft, the unit's one ZIP, the
one-click reminder, the extension form finding units as one types and keeping what was typed,
the audit log filtered by date and kind."""
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot
from tests.e2e.test_nomination_flow import seed

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def logout(page):
    page.get_by_role("button", name="退出").click()


def test_a_units_guidance_one_click_to_the_letter_and_one_zip(page, live_server, app):
    b = live_server
    draft = seed(app, "draft")
    submitted = seed(app, "submitted")
    login(page, b, "unit-a")
    page.goto(b + "/unit/")
    row = page.locator(f'tr[data-id="{draft}"]')
    expect(row.locator(".completion")).to_have_text("可以提交")  # a full draft
    guide = page.locator('.step-guide[data-list="先导技术榜（电子信息领域）"]')
    expect(guide.locator(".next-step")).to_contain_text("下载推荐函")
    with page.expect_download() as letter:
        guide.locator(".next-step a").click()  # the letter itself, one click
    assert letter.value.suggested_filename.endswith("推荐函.pdf")
    page.goto(b + "/unit/")
    expect(guide.locator(".next-step")).to_contain_text("打印推荐函并加盖单位公章")
    shot(page, "guidance-steps", full_page=False)
    page.goto(f"{b}/unit/nominations/{submitted}")
    expect(page.locator("#letter-pdf")).to_be_visible()  # from the nomination too
    page.goto(f"{b}/unit/nominations/{draft}")
    page.locator('[name="summary"]').fill("")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#completion")).to_contain_text("完成度")
    page.goto(b + "/unit/")
    with page.expect_download() as bundle:
        page.locator("#documents-zip").click()
    names = zipfile.ZipFile(io.BytesIO(open(bundle.value.path(), "rb").read())).namelist()
    assert any(n.startswith("推荐函/") and n.endswith(".pdf") for n in names), names
    assert any(n.startswith("申报书/") and n.endswith(".docx") for n in names), names


def test_the_secretariats_reminder_extension_search_and_audit_filter(page, live_server, app):
    b = live_server
    seed(app, "submitted")
    login(page, b, "secretariat")
    page.goto(b + "/secretariat/overview")
    page.once("dialog", lambda d: d.accept())
    page.locator("#remind-units").click()
    expect(page.locator(".flash-success")).to_contain_text("尚未提交推荐的单位发送提醒")
    expect(page.locator("#remind-units")).to_be_disabled()  # once a day
    expect(page.locator("#reminded-note")).to_contain_text("今天已于")
    shot(page, "guidance-reminder", full_page=False)

    page.goto(b + "/secretariat/extensions")
    name = page.get_by_label("推荐单位名称").first
    name.press_sequentially("浙江")  # as one types: the units' names offered
    expect(page.locator("#unit-options option")).to_have_count(1)
    assert page.locator("#unit-options option").first.get_attribute("value") == "浙江省科学技术协会"
    name.fill("浙江省科协")  # a near miss, sent as it is
    page.locator("#until").fill("2021-11-05T20:00")
    page.locator("#reason").fill("材料补正")
    page.get_by_role("button", name="延期", exact=True).click()
    expect(page.locator("#extend-error")).to_contain_text("未找到名为“浙江省科协”的推荐单位")
    expect(page.locator("#until")).to_have_value("2021-11-05T20:00")  # kept
    expect(page.locator("#reason")).to_have_value("材料补正")
    shot(page, "guidance-extension-near-miss", full_page=False)
    page.get_by_role("button", name="浙江省科学技术协会").click()
    expect(name).to_have_value("浙江省科学技术协会")
    page.get_by_role("button", name="延期", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("已延期")

    page.goto(b + "/secretariat/audit")
    page.get_by_label("操作类型").select_option(label="延期")
    page.get_by_label("自").fill("2021-10-20")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("浙江省科学技术协会")
    expect(rows.first).to_contain_text("至2021年11月05日20:00（北京时间）")
    assert not re.search(r"UTC|unit:", rows.first.inner_text())
    shot(page, "guidance-audit", full_page=False)
    with page.expect_download() as xlsx:
        page.locator("#audit-xlsx").click()
    assert xlsx.value.suggested_filename == "操作日志.xlsx"
