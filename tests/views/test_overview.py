"""征集概况: the secretariat sees submissions per list and domain, per day towards the deadline,
and who has submitted nothing yet (with contacts, exportable)."""
import io
import re

import time_machine
from openpyxl import load_workbook

from tests.conftest import login
from tests.exports.test_documents import submit


def test_overview_charts_and_units_without(app, client, db):
    from datetime import datetime

    from kczg.models import Nomination

    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=False):
        login(client, "unit-a")
        first = submit(client, "xdjs", "dzxx")
        # submitted two days earlier (its day is what the chart counts)
        Nomination.update(submitted_at=datetime(2021, 10, 18, 2, 0)).where(
            Nomination.id == first).execute()
        submit(client, "kycx")
        submit(client, "xdjs", "dzxx", tech_name="第二项")
        client.post("/logout", data={"csrf_token": re.search(
            r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)})
        login(client, "secretariat")
        page = client.get("/secretariat/overview").get_data(as_text=True)
    bars = page.split('id="chart-lists"')[1].split("</figure>")[0]
    assert 'aria-label="先导技术榜：2项"' in bars and 'aria-label="电子信息领域：2项"' in bars
    assert 'aria-label="开源创新榜：1项"' in bars and "2（上限100）" in bars
    # each bar against its list's size: 2 of 先导技术榜's 100, not a full bar
    assert re.search(r'<progress class="bar" max="100" value="2">', bars)
    assert re.search(r'<progress class="bar sub" max="100" value="2">', bars)  # its domain
    assert re.search(r'<progress class="bar" max="70" value="1">', bars)  # 开源创新榜: 70
    days = page.split('id="chart-days"')[1].split("</figure>")[0]
    assert "10月18日：当日1项，累计1项" in days and "10月20日：当日2项，累计3项" in days
    assert "申报截止" in days and "10月30日" in days  # the axis runs to the deadline's day
    assert "10月21日：" not in days and "今天" in days  # the line ends today
    without = page.split('id="units-without"')[1].split("</table>")[0]
    assert "浙江省科学技术协会" in without and "中国电子学会" not in without
    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=False):
        r = client.get("/secretariat/overview/units-without.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    names = [row[1].value for row in ws.iter_rows(min_row=4)]
    assert "浙江省科学技术协会" in names and "中国电子学会" not in names
    assert 'filename="kczg-units-without.xlsx"' in r.headers["Content-Disposition"]


def test_one_click_reminds_units_with_nothing_submitted_once_a_day(app, client):
    """(No test-wide app context: each request makes its own, so the CSRF token and the user
    are not cached across the day's hours.)"""
    import re

    import time_machine

    from kczg.db import database
    from kczg.models import AuditEvent, Message, User
    from tests.conftest import csrf_token, login
    from tests.rules.conftest import submitted

    def remind():
        return client.post("/secretariat/overview/remind", data={
            "csrf_token": csrf_token(client, "/secretariat/overview")},
            follow_redirects=True).get_data(as_text=True)

    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=False):
        with app.app_context(), database.connection_context():
            submitted("unit-a", "kycx")
        login(client, "secretariat")
        assert "一键提醒这些单位" in client.get("/secretariat/overview").get_data(as_text=True)
        said = remind()
        count = int(re.search(r"已向(\d+)家尚未提交推荐的单位发送提醒", said).group(1))
        with app.app_context(), database.connection_context():
            reminded = Message.subject.contains("网上申报将于")
            unit_b, unit_a = (User.get(User.username == u) for u in ("unit-b", "unit-a"))
            assert Message.select().where(Message.user == unit_b, reminded).count() == 1
            assert not Message.select().where(Message.user == unit_a, reminded).exists()
            event = AuditEvent.get(AuditEvent.action == "units_reminded")
            assert event.detail.startswith(f"{count}家单位")
    with time_machine.travel("2021-10-20 19:30:00+08:00", tick=False):  # the same local day
        login(client, "secretariat")
        assert "今天已于10:00提醒过" in remind()
        page = client.get("/secretariat/overview").get_data(as_text=True)
        assert "disabled" in page.split('id="remind-units"')[1][:40]
    with time_machine.travel("2021-10-21 08:00:00+08:00", tick=False):  # the next day
        login(client, "secretariat")
        assert "发送提醒" in remind()
        with app.app_context(), database.connection_context():
            assert AuditEvent.select().where(AuditEvent.action == "units_reminded").count() == 2


def test_the_day_chart_stays_small_over_years_of_days():
    """A stray submission years before the others (a year's data moved, a clock wrong) makes
    the axis years long: the line keeps only the ends of each day without submissions, and
    only days with submissions carry a dot, so the page stays small and the totals right."""
    from datetime import date, timedelta

    from kczg.services import overview as ov

    start = date(2017, 1, 1)
    days, total = [], 0
    for i in range((date(2021, 10, 30) - start).days + 1):
        d = start + timedelta(days=i)
        count = 1 if i == 0 else (5 if d >= date(2021, 10, 20) else 0)
        total += count
        days.append(ov.Day(d, count, total))
    line = ov.line_chart(days, date(2021, 10, 30), today=date(2021, 10, 25))
    assert len(line["dots"]) == 1 + 6  # the stray day and the six days with submissions
    assert all(d.count for _, _, d in line["dots"])
    points = line["points"].split()
    assert len(points) <= 2 * 7 + 2  # not one point per day of nearly five years
    # the flat stretch is drawn from the stray day to the day before the next submissions
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] == ys[1] and ys[-1] < ys[1]
