"""操作日志 in words (bodies and lists by name, times in local time, not `body:it` or
`until …UTC`), filtered by kind, who and dates, exported to XLSX as filtered; a date that cannot
be read is said next to its field."""
import io

import time_machine
from openpyxl import load_workbook

from tests.conftest import csrf_token, login


def _text(r) -> str:
    return r.get_data(as_text=True)


def test_the_audit_log_in_words_filtered_by_date_and_exported(app, client):
    with time_machine.travel("2021-10-20 10:00:00+08:00", tick=False):
        login(client, "secretariat")
        r = client.post("/secretariat/extensions", data={
            "csrf_token": csrf_token(client, "/secretariat/extensions"), "target": "unit",
            "unit_name": "中国电子学会", "until": "2021-11-05T20:00", "reason": "材料补正"},
            follow_redirects=True)
    with time_machine.travel("2021-10-25 10:00:00+08:00", tick=False):
        login(client, "secretariat")
        page = _text(client.get("/secretariat/audit?action=extension_granted"))
        assert "UTC" not in page and "unit:" not in page
        assert "至2021年11月05日20:00（北京时间）" in page
        assert "中国电子学会" in page
        day = _text(client.get("/secretariat/audit?from=2021-10-20&to=2021-10-20"))
        assert "延期" in day
        later = _text(client.get("/secretariat/audit?action=extension_granted&from=2021-10-21"))
        assert "延期</td>" not in later and "没有符合条件的记录" in later
        bad = _text(client.get("/secretariat/audit?from=10/20/2021"))
        assert "请按“2021-10-20”的格式填写日期" in bad and 'aria-invalid="true"' in bad
        x = client.get("/secretariat/audit.xlsx?action=extension_granted")
        assert x.status_code == 200
        ws = load_workbook(io.BytesIO(x.data)).active
        cells = [str(c.value or "") for row in ws.iter_rows() for c in row]
        assert "延期" in cells and any("中国电子学会" in c for c in cells)
        assert not any("UTC" in c for c in cells)
    assert "已延期" in _text(r)
