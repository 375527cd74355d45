"""The shared readers of what browsers send: numbers, dates, text and file names."""
from datetime import datetime

from kczg.parsing import clean_filename, clean_text, parse_datetime, parse_int


def test_whole_numbers_only_in_ascii_digits_and_in_range():
    assert parse_int("42") == 42 and parse_int(" 7 ") == 7 and parse_int("-3") == -3
    for bad in ("²", "٣", "1²", "4.5", "1e3", "", None, "0x10", "9" * 30, "--1", "1 000"):
        assert parse_int(bad) is None, bad
    assert parse_int("0", 1) is None and parse_int("101", 0, 100) is None
    assert parse_int("100", 0, 100) == 100


def test_dates_within_the_years_a_campaign_can_mean():
    assert parse_datetime("2021-11-05T17:30") == datetime(2021, 11, 5, 17, 30)
    for bad in ("0001-01-01T00:00", "9999-12-31T23:59", "2021-13-01T00:00", "2021-11-05",
                "２０２１-11-05T17:30", "x" * 100, None):
        assert parse_datetime(bad) is None, bad


def test_text_loses_control_and_direction_characters_only():
    assert clean_text("技术\x00名称\u202e\r\n第二行\t") == "技术名称\r\n第二行\t"
    assert clean_text("长" * 50, 10) == "长" * 10


def test_file_names():
    assert clean_filename("C:\\Users\\me\\营业执照.pdf") == "营业执照.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("evil\x00.pdf") == "evil.pdf"
    assert clean_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert clean_filename("\x00") == "文件" and clean_filename("") == "文件"
    long = clean_filename("名" * 300 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")


def test_nul_characters_never_reach_the_database(client):
    """PostgreSQL refuses NUL in text: a form field or query string loses it, a path with one
    is not found (on either database)."""
    from tests.conftest import login

    assert client.get("/results/xdjs%00").status_code == 404
    assert client.get("/lists/x%00y").status_code == 404
    r = login(client, "unit-a\x00", "kczg-demo")
    assert r.status_code == 302  # the name as typed, without its NUL
    assert client.get("/unit/?q=%00").status_code == 200


def test_bundle_names_and_index_cells():
    from openpyxl import Workbook

    from exports.xlsx import text_cell
    from kczg.services.documents import safe_name

    assert safe_name("报告\u202efdp.exe") == "报告fdp.exe"
    assert safe_name("a/b:c") == "a_b_c"
    ws = Workbook(write_only=True).create_sheet()
    assert text_cell(ws, "=HYPERLINK(\"http://x\")").quotePrefix
    assert not text_cell(ws, "中国电子学会").quotePrefix


def test_deadlines_written_as_the_notice_writes_them():
    from datetime import datetime

    from kczg.rules.calendar import cn_deadline

    assert cn_deadline(datetime(2021, 11, 30, 16, 0)) == "2021年11月30日24时"  # UTC 16:00
    assert cn_deadline(datetime(2021, 12, 5, 8, 0)) == "2021年12月5日16时"
    assert cn_deadline(datetime(2021, 12, 5, 8, 30)) == "2021年12月5日16时30分"


def test_xlsx_cells_lose_characters_xlsx_cannot_hold():
    import io

    from openpyxl import Workbook, load_workbook

    from exports.xlsx import table_workbook, text_cell, to_bytes

    ws = Workbook(write_only=True).create_sheet()
    assert text_cell(ws, "a\x07b").value == "ab"
    # a whole table, read back: title and cells without them, a formula-like text kept as text
    data = to_bytes(table_workbook("筛选\x1b：省份\x00", ["名称", "数量"],
                                   [["a\x07b", 3], ["=1+1", 4]], [4, 4]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "筛选：省份" and sheet["A4"].value == "ab"
    assert sheet["A5"].value == "=1+1" and sheet["A5"].data_type == "s"
    assert sheet["B4"].value == 3 and sheet.freeze_panes == "A4"
