"""A unit completes and submits a nomination with the keyboard alone (WCAG 2.1.1): from the
login page, every field reached by Tab in the page's order and filled by typing (a select by
the arrow keys, a checkbox by Space, a new table row by Enter on its button), submitted by
Enter. And at 200 % text (a 1366 px screen zoomed twice: 683 CSS px) no page needs scrolling
sideways."""
import pytest
from playwright.sync_api import expect

from kczg.demo_data import sample

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("collection_open")]


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until `selector` has the focus; fails when the keyboard cannot reach it."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page, name: str, value: str) -> None:
    selector = f'[name="{name}"]'
    tab_to(page, selector)
    kind = page.evaluate("() => document.activeElement.tagName + ':' + "
                         "(document.activeElement.type || '')")
    if kind.startswith("SELECT"):
        index = page.evaluate(
            "v => [...document.activeElement.options].findIndex(o => o.value === v || "
            "o.text === v)", value)
        assert index >= 0, (name, value)
        page.keyboard.press("Home")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
    elif kind == "INPUT:date":  # its parts typed in the order the browser shows them
        year, month, day = value.split("-")
        for order in (month + day + year, year + month + day, day + month + year):
            page.keyboard.type(order)
            if page.locator(selector).first.input_value() == value:
                break
            page.keyboard.press("Shift+Tab")  # back to the field's first part, typed over
            page.keyboard.press("Tab")
    elif kind == "INPUT:checkbox":
        if not page.evaluate("() => document.activeElement.checked"):
            page.keyboard.press("Space")
    else:
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    assert page.locator(selector).first.input_value() in (value, "y", "on"), name


def test_a_unit_completes_a_nomination_with_the_keyboard_alone(page, live_server):
    b = live_server
    page.goto(b + "/login")
    page.keyboard.press("Tab")
    tab_to(page, "#username")
    page.keyboard.type("unit-a")
    tab_to(page, "#password")
    page.keyboard.type("kczg-demo")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("单位工作台")
    tab_to(page, 'button[aria-label="新建开源创新榜推荐"]')
    page.keyboard.press("Enter")
    expect(page.locator('[name="project_name"]')).to_be_visible()
    data = sample("kycx")
    for name, value in data.items():
        if name.startswith("adopters-") and page.locator(f'[name="{name}"]').count() == 0:
            tab_to(page, 'button.add-row[value="add:adopters"]')
            page.keyboard.press("Enter")  # 添加一行
            expect(page.locator(f'[name="{name}"]')).to_have_count(1)
        type_into(page, name, value)
    tab_to(page, 'button[value="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("#nomination-stage")).to_contain_text("已提交")


@pytest.mark.parametrize("path", ["/", "/notice", "/login", "/lists/xdjs"])
def test_text_at_200_percent_needs_no_sideways_scrolling(browser, live_server, path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 683, "height": 384})
    page = context.new_page()
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 683
    context.close()
