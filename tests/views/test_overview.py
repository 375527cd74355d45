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
    assert re.search(r'<progress class="bar" max="2" value="2">', bars)  # scaled to the largest
    days = page.split('id="chart-days"')[1].split("</figure>")[0]
    assert "10月18日：当日1项，累计1项" in days and "10月20日：当日2项，累计3项" in days
    assert "申报截止" in days and "10月30日" in days  # the axis runs to the deadline's day
    without = page.split('id="units-without"')[1].split("</table>")[0]
    assert "浙江省科学技术协会" in without and "中国电子学会" not in without
    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=False):
        r = client.get("/secretariat/overview/units-without.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    names = [row[1].value for row in ws.iter_rows(min_row=4)]
    assert "浙江省科学技术协会" in names and "中国电子学会" not in names
    assert 'filename="kczg-units-without.xlsx"' in r.headers["Content-Disposition"]
