"""The secretariat imports unit accounts from XLSX: all rows or none, errors by row number."""
import io

from openpyxl import Workbook, load_workbook

from kczg.models import Organisation, User
from tests.conftest import csrf_token

HEADER = ["单位名称", "单位类型", "联系人", "联系电话", "电子邮箱", "登录名"]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def upload(client, data: io.BytesIO, name="units.xlsx"):
    token = csrf_token(client, "/secretariat/units/import")
    return client.post("/secretariat/units/import",
                       data={"csrf_token": token, "file": (data, name)},
                       content_type="multipart/form-data")


GOOD = [
    ["中国机械工程学会", "全国学会/协会/研究会", "周工", "010-68595322", "cmes@example.org", "cmes"],
    ["深圳市科学技术协会", "试点城市（园区）", "陈敏", "13912345678", "szast@example.org", ""],
    ["新疆生产建设兵团科学技术协会", "xpcc", "马力", "0991-2345678", "bt@example.org", ""],
]


def test_good_rows_are_imported_with_initial_passwords(client, as_user, db):
    as_user("secretariat")
    before = Organisation.select().count()
    r = upload(client, xlsx(GOOD))
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "已创建 3 个推荐单位账号" in body
    assert Organisation.select().count() == before + 3
    cmes = User.get(User.username == "cmes")
    assert cmes.organisation.name == "中国机械工程学会" and cmes.must_change_password
    assert cmes.organisation.unit_type.code == "society"
    generated = User.get(User.display_name == "深圳市科学技术协会").username
    assert generated.startswith("unit") and generated in body
    # the initial password shown works once, then must be changed
    password = body.split("<td>cmes</td><td><code>")[1].split("</code>")[0]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/secretariat/")})
    r = client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                    "username": "cmes", "password": password})
    assert r.status_code == 302
    assert "/account/password" in client.get("/unit/").headers["Location"]


def test_bad_rows_are_reported_by_row_number_and_nothing_is_imported(client, as_user, db):
    as_user("secretariat")
    before = Organisation.select().count()
    rows = GOOD + [
        ["", "省级科协", "王五", "13800000000", "a@example.org", ""],                # row 5
        ["火星科协", "外星科协", "王五", "12345", "not-an-email", ""],               # row 6
        ["中国机械工程学会", "其他", "李四", "13800000001", "b@example.org", ""],     # row 7: dup
        ["中国电子学会", "其他", "李四", "13800000002", "c@example.org", "unit-b"],   # row 8
        ["长" * 101, "其他", "李四", "13800000003", "d@example.org", "bad name!"],   # row 9
    ]
    r = upload(client, xlsx(rows))
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "有 5 行未通过校验，未导入任何单位" in body
    assert "第5行</td><td>单位名称未填写" in body
    assert "单位类型“外星科协”不在可选范围内" in body and "请填写11位手机号码" in body
    assert "电子邮箱格式不正确" in body
    assert "第7行</td><td>单位名称与第2行重复" in body
    assert "第8行</td><td>该单位已有账号；该登录名已被使用" in body
    assert "单位名称不能超过100个字" in body and "登录名须为3–40位字母" in body
    assert Organisation.select().count() == before  # nothing half-imported
    assert not User.select().where(User.username == "cmes").exists()


def test_non_xlsx_upload_gets_a_chinese_message(client, as_user):
    as_user("secretariat")
    for payload, name in ((b"name,type\n", "units.xlsx"), (b"%PDF-1.4 fake", "units.pdf"),
                          (b"PK\x03\x04 broken zip", "units.xlsx"), (b"", "empty.xlsx")):
        r = upload(client, io.BytesIO(payload), name)
        body = r.get_data(as_text=True)
        assert r.status_code == 422, name
        assert "文件不是有效的 XLSX 表格" in body or "请选择要导入的 XLSX 文件" in body, name


def test_missing_columns_and_empty_sheet(client, as_user):
    as_user("secretariat")
    r = upload(client, xlsx([["某单位"]], header=["单位名称"]))
    assert "第1行缺少列：单位类型、联系人、联系电话、电子邮箱" in r.get_data(as_text=True)
    r = upload(client, xlsx([]))
    assert "表格中没有单位数据" in r.get_data(as_text=True)


def test_the_template_download_imports_as_is(client, as_user, db):
    as_user("secretariat")
    r = client.get("/secretariat/units/import-template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    assert [c.value for c in wb.active[1]] == HEADER
    assert [row[0].value for row in wb["单位类型"].iter_rows(min_row=2)][:2] == \
        ["全国学会/协会/研究会", "省级科协"]
    r = upload(client, io.BytesIO(r.data))
    assert "已创建 1 个推荐单位账号" in r.get_data(as_text=True)


def test_secretariat_creates_one_unit(client, as_user, db):
    as_user("secretariat")
    token = csrf_token(client, "/secretariat/units/new")
    data = {"csrf_token": token, "organisation_name": "中国化工学会", "unit_type": "society",
            "contact": "孙", "phone": "010-64411234", "email": "ciesc@example.org",
            "username": "ciesc"}
    r = client.post("/secretariat/units/new", data=data)
    assert r.status_code == 200 and "初始密码仅在此显示一次" in r.get_data(as_text=True)
    r = client.post("/secretariat/units/new", data=data)
    assert r.status_code == 422 and "该单位已有账号" in r.get_data(as_text=True)
    r = client.get("/secretariat/units")
    assert "中国化工学会" in r.get_data(as_text=True) and "ciesc" in r.get_data(as_text=True)


def test_only_the_secretariat_imports(client, as_user):
    as_user("unit-a")
    assert client.get("/secretariat/units/import").status_code == 403
    assert client.get("/secretariat/units/import-template.xlsx").status_code == 403


def test_script_in_a_unit_name_is_shown_escaped(client, as_user, db):
    as_user("secretariat")
    token = csrf_token(client, "/secretariat/units/new")
    client.post("/secretariat/units/new", data={
        "csrf_token": token, "organisation_name": "<script>alert(1)</script>学会",
        "unit_type": "other", "contact": "x", "phone": "13800000000",
        "email": "x@example.org", "username": "xss"})
    body = client.get("/secretariat/units").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;学会" in body and "<script>alert" not in body
