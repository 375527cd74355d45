"""The Word round trip: a template filled as a person would in Word uploads into a draft with
every value in place; a 申报书 DOCX of a submitted nomination uploads into a new draft giving
the same form field by field; a damaged or unrelated file gets a Chinese message and changes
nothing."""
import io

import docx
import pytest
from werkzeug.datastructures import MultiDict

from kczg.models import Nomination
from kczg.services import nominations as svc
from tests.conftest import csrf_token, new_nomination
from tests.exports.test_documents import submit

pytestmark = pytest.mark.usefixtures("collection_open")


def upload(client, nid, data: bytes, name="填报.docx"):
    return client.post(f"/unit/nominations/{nid}/word", data={
        "csrf_token": csrf_token(client, "/unit/"), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def fill(template: bytes, values: dict, rows: dict) -> bytes:
    """Type into the template as a person would: the cell right of (or under) each label, and
    the empty rows of each table (adding rows when there are more)."""
    d = docx.Document(io.BytesIO(template))
    for table in d.tables:
        header = [c.paragraphs[0].text.strip() for c in table.rows[0].cells]
        if header[0] == "序号":
            key = tuple(header[1:])
            for i, row_values in enumerate(rows.get(key, [])):
                row = table.rows[i + 1] if i + 1 < len(table.rows) else table.add_row()
                row.cells[0].text = str(i + 1)
                for cell, text in zip(row.cells[1:], row_values):
                    cell.paragraphs[0].text = text
            continue
        if len(table.rows[0].cells) == 1:
            label = table.rows[0].cells[0].paragraphs[0].text.strip()
            if label in values:
                table.rows[1].cells[0].paragraphs[0].text = values[label]
            continue
        for row in table.rows:
            label = row.cells[0].paragraphs[0].text.strip()
            if label in values:
                row.cells[1].paragraphs[0].text = values[label]
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_filled_template_fills_the_draft(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    r = client.get("/unit/lists/xdjs/word-template.docx")
    assert r.status_code == 200 and 'filename="kczg-template-xdjs.docx"' in \
        r.headers["Content-Disposition"]
    template = r.data
    text = "\n".join(p.text for t in docx.Document(io.BytesIO(template)).tables
                     for row in t.rows for c in row.cells for p in c.paragraphs)
    assert "必填；不超过2000字" in text and "填写其一：" in text  # limits as hints
    filled = fill(template, {
        "所属领域": "电子信息", "技术名称": "Word里填写的低功耗芯片技术",
        "第一完成单位": "北京示例微电子科技有限公司",
        "第一完成单位统一社会信用代码": "91110108551385082Q",
        "技术简介": "第一段。\n第二段。", "联系人": "王明", "联系电话": "010-68283463",
        "电子邮箱": "wm@example.org", "推荐意见": "同意推荐。"},
        {("姓名", "工作单位", "职称", "主要贡献"): [
            ["张伟", "北京示例微电子科技有限公司", "研究员", "总体设计"],
            ["李娜", "清华大学", "教授", "算法"], ["王强", "清华大学", "", "测试"],
            ["赵六", "中国科学院", "副研究员", "工艺"]]})
    r = upload(client, nid, filled)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "已从Word文件读取" in page and 'id="word-report"' in page
    raw = Nomination.get_by_id(nid).raw
    assert raw["tech_name"] == ["Word里填写的低功耗芯片技术"]
    assert raw["summary"] == ["第一段。\n第二段。"] and raw["domain"] == ["dzxx"]
    assert raw["people-3-name"] == ["赵六"] and raw["people-1-unit"] == ["清华大学"]
    assert 'value="Word里填写的低功耗芯片技术"' in page
    # what was not filled is checked as if typed: the summary lists it
    assert 'id="error-summary"' in page and "主要创新点" in page


def _form_data(nomination):
    form = svc.build_form(nomination)
    data = form.data
    data.pop("pledge", None)
    data.pop("csrf_token", None)
    return data


def test_a_申报书_docx_uploads_back_into_an_equal_draft(as_user, db):
    client = as_user("unit-a")
    source = submit(client, "xdjs", "dzxx")
    exported = client.get(f"/unit/documents/nominations/{source}.docx").data
    nid = new_nomination(client, "xdjs", "dzxx")
    r = upload(client, nid, exported, "申报书.docx")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    a, b = _form_data(Nomination.get_by_id(source)), _form_data(Nomination.get_by_id(nid))
    differing = {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
    assert not differing, differing
    # submitted as it is (after the pledge), it is the same nomination again
    page = r.get_data(as_text=True)
    assert "均符合要求" in page or "需要修改" in page


def test_damaged_or_unrelated_files_change_nothing(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    before = Nomination.get_by_id(nid)
    r = upload(client, nid, b"PK\x03\x04 not really a zip")
    assert r.status_code == 422 and "无法读取该文件" in r.get_data(as_text=True)
    other = docx.Document()
    other.add_paragraph("与推荐无关的文件")
    t = other.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "会议名称", "年会"
    out = io.BytesIO()
    other.save(out)
    r = upload(client, nid, out.getvalue())
    assert r.status_code == 422 and "没有找到本榜单表单的项目" in r.get_data(as_text=True)
    kycx = client.get("/unit/lists/kycx/word-template.docx").data
    r = upload(client, nid, kycx)
    page = r.get_data(as_text=True)  # refused, naming the file's list and the draft's
    assert r.status_code == 422 and "该文件是2021年开源创新榜的模板或申报书" in page
    assert "不能导入2021年先导技术榜的推荐" in page
    after = Nomination.get_by_id(nid)
    assert (after.version, after.raw) == (before.version, before.raw)
    assert MultiDict  # (the form data type the upload fills)


def test_a_new_draft_from_a_word_file_on_the_dashboard(as_user, db):
    client = as_user("unit-a")
    source = submit(client, "kycx")
    exported = client.get(f"/unit/documents/nominations/{source}.docx").data
    token = csrf_token(client, "/unit/")
    r = client.post("/unit/lists/kycx/word", data={
        "csrf_token": token, "list": "kycx", "file": (io.BytesIO(exported), "去年的申报书.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "已从Word文件读取" in page
    drafts = list(Nomination.select().where(Nomination.status == "draft"))
    assert len(drafts) == 1
    assert _form_data(drafts[0]) == _form_data(Nomination.get_by_id(source))
    # no file: nothing is created
    r = client.post("/unit/lists/kycx/word", data={"csrf_token": token, "list": "kycx"},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "请选择填好的Word文件" in r.get_data(as_text=True)
    assert Nomination.select().where(Nomination.status == "draft").count() == 1
