"""WCAG 2.1 AA, checked by a browser's accessibility engine (axe-core, fetched at set-up from
the npm registry like htmx) on every page of every actor at 1366 px and at 390 px: no serious or
critical violation; what remains (moderate, minor) is written to
tests/artifacts/axe-remaining.md for the note."""
import json
from collections import defaultdict
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def pages(w) -> dict[str, list[str]]:
    return {
        "": ["/", "/notice", "/results", "/verify", "/login", "/apply", "/lists/xdjs",
             "/forgot"],
        "unit-a": ["/unit/", f"/unit/nominations/{w['draft']}",
                   f"/unit/nominations/{w['submitted']}",
                   f"/unit/nominations/{w['submitted']}/history", "/unit/archive", "/messages",
                   "/account/password", "/unit/letters/kycx/settings", "/unit/?q=平台"],
        "secretariat": ["/secretariat/", "/secretariat/overview", "/secretariat/units",
                        "/secretariat/units/new", "/secretariat/units/import",
                        "/secretariat/applications", "/secretariat/duplicates",
                        "/secretariat/nominations", "/secretariat/nominations?q=芯片",
                        "/secretariat/audit", "/secretariat/extensions", "/secretariat/review",
                        "/secretariat/notice-files", f"/secretariat/nominations/{w['submitted']}"],
        "review-it": ["/review/", "/review/nominations", "/review/ranking", "/review/filing",
                      "/review/experts", f"/review/nominations/{w['submitted']}"],
        "expert-it-1": ["/review/expert", f"/review/expert/assignments/{w['task']}"],
    }


def scan(page, url: str) -> list[dict]:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def test_every_page_of_every_actor_meets_wcag_aa_at_both_widths(browser, live_server,
                                                               demo_world):
    world = demo_world
    assert AXE.exists(), "tests/vendor/axe.min.js is missing: ./run test fetches it"
    serious, remaining = [], defaultdict(lambda: [0, set()])
    scanned = 0
    for width, viewport in WIDTHS.items():
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport=viewport, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for user, urls in pages(world).items():
            context.clear_cookies()
            if user:
                login(page, live_server, user)
            for url in urls:
                for v in scan(page, live_server + url):
                    if v["impact"] in ("serious", "critical"):
                        serious.append((width, url, v["id"], v["impact"], v["nodes"][:3]))
                    else:
                        entry = remaining[(v["id"], v["impact"], v["help"])]
                        entry[0] += len(v["nodes"])
                        entry[1].add(f"{url} ({width})")
                scanned += 1
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"axe-core {(AXE.parent / 'axe.min.js.version').read_text().strip()}: {scanned} page "
             f"states scanned ({', '.join(TAGS)})", "",
             "| rule | impact | nodes | pages | help | e.g. |", "|---|---|---|---|---|---|"]
    for (rule, impact, help_), (nodes, where) in sorted(remaining.items()):
        lines.append(f"| {rule} | {impact} | {nodes} | {len(where)} | {help_} | "
                     f"{', '.join(sorted(where)[:3])} |")
    (ARTIFACTS / "axe-remaining.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_rule = defaultdict(list)
    for width, url, rule, impact, nodes in serious:
        by_rule[(rule, impact)].append(f"{url} ({width}): {json.dumps(nodes, ensure_ascii=False)}")
    assert not serious, "\n".join(f"{rule} [{impact}] on {len(where)} pages, e.g. "
                                   + "; ".join(where[:3]) for (rule, impact), where in by_rule.items())
