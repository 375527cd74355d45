"""In a real browser: unit-a fills a 先导技术榜 nomination with autosave, reloads, adds and
removes a 主要完成人 row, submits, sees the quota move, and is refused when the domain is full."""
import re

import pytest
from playwright.sync_api import expect

from kczg.db import database
from kczg.demo_data import sample
from kczg.models import Domain, NominationList, User
from kczg.operations import nominations as ops
from tests.e2e.conftest import login as login_as
from tests.e2e.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def seed(app, status: str):
    """A valid 电子信息 nomination of unit-a, submitted or left as a draft."""
    from werkzeug.datastructures import MultiDict

    from kczg.services import nominations as svc

    with app.app_context(), database.connection_context():
        user = User.get(User.username == "unit-a")
        lst = NominationList.get(NominationList.code == "xdjs")
        domain = Domain.get(Domain.list == lst, Domain.code == "dzxx")
        n = ops.create_draft(user, lst, domain)
        data = MultiDict(sample("xdjs", tech_name=f"预置的{status}技术"))
        form = svc.build_form(n, data)
        assert form.validate(), form.errors
        args = dict(user=user, raw=svc.raw_from(data), based_on_version=n.version,
                    derived=svc.derived(form, n), changed=[])
        if status == "submitted":
            ops.submit(n.id, clean=form.clean_data(), **args)
        else:
            ops.save_draft(n.id, **args)
        return n.id


def fill(page, data: dict):
    for name, value in data.items():
        el = page.locator(f'[name="{name}"]')
        tag = el.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            el.select_option(value)
        elif tag == "INPUT:checkbox":
            el.check()
        else:
            el.fill(value)


def login(page, base):
    login_as(page, base, "unit-a")
    page.wait_for_url(base + "/unit/")


def test_fill_autosave_rows_submit_and_quota(page, live_server, app):
    seed(app, "submitted")            # 电子信息 1/2 used before we start
    full_draft = seed(app, "draft")   # submitted last, when the domain is full
    login(page, live_server)
    expect(page.locator('#quota [data-label="先导技术榜·电子信息"]')).to_contain_text("1/2")

    new = page.locator("form.new-item", has_text="先导技术榜")
    new.locator("select[name=domain]").select_option("dzxx")
    new.get_by_role("button", name="新建").click()
    page.wait_for_url(re.compile(r"/unit/nominations/\d+$"))
    url = page.url

    # type one field: the autosave mark appears, and a reload shows the value
    page.locator('[name="tech_name"]').fill("浏览器填写的人工智能芯片技术")
    expect(page.locator("#save-status")).to_contain_text(re.compile(r"已保存 \d\d:\d\d:\d\d"))
    # the header follows: the title as typed, no internal version number
    expect(page.locator("#nomination-title")).to_have_text("浏览器填写的人工智能芯片技术")
    expect(page).to_have_title(re.compile("^浏览器填写的人工智能芯片技术"))
    expect(page.locator("#version-label")).not_to_contain_text("版")
    page.reload()
    expect(page.locator('[name="tech_name"]')).to_have_value("浏览器填写的人工智能芯片技术")

    # rows: the sample has two of each group; one row is there to start with
    for group, label in (("other_units", "添加一个"), ("people", "添加一人"), ("ip", "添加一项")):
        page.locator(f"#rows-{group} .add-row").click()
        expect(page.locator(f"#rows-{group} .row-entry")).to_have_count(2)
    data = sample("xdjs", tech_name="浏览器填写的人工智能芯片技术")
    fill(page, {k: v for k, v in data.items() if k != "domain"})

    # add a third 主要完成人, then remove it: the others keep what was typed
    page.locator("#rows-people .add-row").click()
    expect(page.locator("#rows-people .row-entry")).to_have_count(3)
    page.locator('[name="people-2-name"]').fill("临时添加")
    page.locator("#rows-people .row-entry").nth(2).get_by_role("button", name="删除").click()
    expect(page.locator("#rows-people .row-entry")).to_have_count(2)
    expect(page.locator('[name="people-1-name"]')).to_have_value("李娜")
    expect(page.locator('[name="tech_name"]')).to_have_value("浏览器填写的人工智能芯片技术")
    expect(page.locator("#save-status")).to_contain_text("已保存")

    # inline validation: a wrong code is flagged next to the field when it changes
    page.locator('[name="first_unit_uscc"]').fill("91350100M000100Y44")
    page.locator('[name="first_unit_uscc"]').blur()
    expect(page.locator("#f-first_unit_uscc .error")).to_have_text("统一社会信用代码校验位不正确，请核对")
    page.locator('[name="first_unit_uscc"]').fill("91110108551385082Q")
    page.locator('[name="first_unit_uscc"]').blur()
    expect(page.locator("#f-first_unit_uscc .error")).to_have_count(0)
    shot(page, "nomination-form")

    # the step guide before and after submitting: the draft, as saved, would pass
    page.reload()
    expect(page.locator(".step-guide .step.current")).to_have_text(re.compile("提交"))
    expect(page.locator("#completion")).to_contain_text("已填写完整，可以提交")
    page.get_by_role("button", name="提交推荐").click()
    page.wait_for_url(url)
    expect(page.locator(".flash-success")).to_contain_text("已提交")
    expect(page.locator(".step-guide .step.current")).to_have_text(re.compile("下载推荐函"))
    expect(page.locator(".quota-inline")).to_contain_text("先导技术榜·电子信息 2/2 已提交")
    shot(page, "nomination-submitted")
    page.goto(live_server + "/unit/")
    expect(page.locator('#quota [data-label="先导技术榜·电子信息"]')).to_contain_text("2/2")
    expect(page.locator('#quota [data-label="先导技术榜·电子信息"]')).to_contain_text("名额已满")
    shot(page, "unit-dashboard-quota")

    # the domain is full: the prepared draft is refused with a clear message, nothing lost
    page.goto(f"{live_server}/unit/nominations/{full_draft}")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.locator("#page-message")).to_contain_text(
        "本单位先导技术榜“电子信息”领域已提交2项，已达推荐名额上限（2项）")
    expect(page.locator('[name="tech_name"]')).to_have_value("预置的draft技术")
    shot(page, "nomination-quota-full", full_page=False)


def test_a_failed_autosave_says_so_and_retries(page, live_server, app):
    login(page, live_server)
    new = page.locator("form.new-item", has_text="新锐企业榜")
    new.get_by_role("button", name="新建").click()
    page.wait_for_url(re.compile(r"/unit/nominations/\d+$"))
    failures = {"left": 1}

    def flaky(route):
        if failures["left"]:
            failures["left"] -= 1
            route.abort("connectionreset")  # the network drops this one save
        else:
            route.continue_()

    page.route("**/autosave", flaky)
    page.locator('[name="company_name"]').fill("断网时填写的企业")
    expect(page.locator("#save-status")).to_contain_text("未保存：网络或服务器暂时不可用")
    shot(page, "autosave-retry", full_page=False)
    expect(page.locator("#save-status")).to_contain_text(re.compile(r"已保存 \d\d:\d\d:\d\d"),
                                                         timeout=15_000)
    page.reload()
    expect(page.locator('[name="company_name"]')).to_have_value("断网时填写的企业")


def test_the_form_works_with_javascript_off(browser, live_server, app):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    login(page, live_server)
    new = page.locator("form.new-item", has_text="先导技术榜")
    new.locator("select[name=domain]").select_option("zbzz")
    new.get_by_role("button", name="新建").click()
    page.wait_for_url(re.compile(r"/unit/nominations/\d+$"))
    page.locator('[name="tech_name"]').fill("无脚本填写的技术")
    page.locator("#rows-people .add-row").click()  # a real form post, the page comes back
    expect(page.locator("#rows-people .row-entry")).to_have_count(2)
    expect(page.locator('[name="tech_name"]')).to_have_value("无脚本填写的技术")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#page-message")).to_contain_text("草稿已保存")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.locator("#page-message")).to_contain_text("提交未成功")
    expect(page.locator("#f-first_unit .error")).to_have_text("请填写第一完成单位")
    expect(page.locator('[name="tech_name"]')).to_have_value("无脚本填写的技术")
    context.close()


def test_history_shows_what_changed(page, live_server, app, collection_open):
    nid = seed(app, "draft")
    collection_open.shift(30 * 60)  # a later working session: a new history entry
    login_as(page, live_server, "unit-a")
    page.goto(f"{live_server}/unit/nominations/{nid}")
    summary = page.locator('[name="summary"]')
    summary.fill(summary.input_value().replace("28纳米", "14纳米") + "新增一句说明。")
    page.locator('[name="tech_name"]').fill("改名后的技术")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#page-message")).to_contain_text("草稿已保存")
    page.get_by_role("link", name="修改记录").click()
    page.locator("details").first.evaluate("d => d.open = true")
    expect(page.locator("dl.changes").first).to_contain_text("改名后的技术")
    expect(page.locator("dl.changes ins").first).to_be_visible()
    shot(page, "unit-history-changes")


def test_a_refused_submission_summary_takes_focus_and_leads_to_each_field(page, live_server, app):
    draft = seed(app, "draft")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    page.locator('[name="summary"]').fill("")
    page.locator('[name="first_unit"]').fill("")
    page.get_by_role("button", name="提交推荐").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(re.compile(r"共 \d+ 处需要修改"))
    expect(summary).to_be_focused()
    shot(page, "unit-error-summary", full_page=False)
    for link in summary.locator("a").all()[:2]:
        target = link.get_attribute("data-focus")
        link.click()
        expect(page.locator(f"#{target}")).to_be_focused()
    # fixed and submitted, the summary is gone
    page.locator('[name="first_unit"]').fill("北京示例微电子科技有限公司")
    page.locator('[name="summary"]').fill("重新填写的技术简介。")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.locator("#error-summary")).to_have_count(0)


def test_upload_control_shows_the_file_and_its_progress(page, live_server, app, tmp_path):
    draft = seed(app, "draft")
    login(page, live_server)
    page.goto(f"{live_server}/unit/nominations/{draft}")
    big = tmp_path / "专利证书扫描件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n")
    page.evaluate("""() => { window.kczgProgress = [];
        document.addEventListener('htmx:xhr:progress', e => {
          if (e.detail.lengthComputable) window.kczgProgress.push(e.detail.loaded / e.detail.total);
        }); }""")
    control = page.locator("#attachments .upload-control")
    expect(control.get_by_text("将文件拖到此处")).to_be_visible()
    page.set_input_files("#material-file", str(big))
    expect(control.locator(".file-info")).to_have_text("已选择：专利证书扫描件.pdf（6.0 MB）")
    page.locator("#attachments").scroll_into_view_if_needed()
    shot(page, "unit-upload-control", full_page=False)
    control.get_by_role("button", name="上传").click()
    expect(page.locator("#attachments")).to_contain_text("已上传“专利证书扫描件.pdf”")
    expect(page.locator("#attachments .files")).to_contain_text("专利证书扫描件.pdf")
    progress = page.evaluate("window.kczgProgress")
    assert progress and progress[-1] == 1, progress  # htmx reported the upload's progress
    # remove before sending: the choice is cleared
    page.set_input_files("#material-file", str(big))
    page.locator("#attachments .file-remove").click()
    expect(page.locator("#attachments .file-info")).to_have_text("")


def test_the_step_guide_moves_as_the_unit_goes(page, live_server, app, tmp_path):
    submitted = seed(app, "submitted")
    login(page, live_server)
    guide = page.locator("#steps .step-guide", has_text="先导技术榜（电子信息领域）")
    expect(guide.locator(".step.current")).to_have_text(re.compile("下载推荐函"))
    with page.expect_download():
        page.locator("#documents a", has_text="PDF").first.click()
    page.reload()
    expect(guide.locator(".step.current")).to_have_text(re.compile("盖章"))
    scan = tmp_path / "盖章推荐函.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#scan-xdjs-dzxx", str(scan))
    page.locator("#scans .upload-control", has=page.locator("#scan-xdjs-dzxx")).get_by_role(
        "button", name="上传").click()
    done = page.locator("#scan-line-xdjs-dzxx .flash")
    expect(done).to_contain_text("已上传先导技术榜（电子信息领域）推荐函的盖章扫描件")
    expect(done).to_be_in_viewport()  # the confirmation where the unit is looking
    # the step guide moves at once, without a reload
    expect(guide.locator(".step.current")).to_have_text(re.compile("送达初评机构"))
    shot(page, "unit-step-guide", full_page=False)
    page.goto(f"{live_server}/unit/nominations/{submitted}")
    expect(page.locator(".step-guide .step.current")).to_have_text(re.compile("送达初评机构"))
