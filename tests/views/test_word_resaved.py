"""Word files saved again by another office suite (LibreOffice here; Word and WPS rewrite the
XML the same way when a person saves): the template of every list, filled as a person would
(paragraphs, options by name, Chinese dates, amounts with units and separators, 同意 for the
pledge) and re-saved, uploads into a draft equal field by field; so does the platform's own
申报书 DOCX re-saved; a hint typed over is read; a file of another list or year is refused and
changes nothing; a draft that holds typed content is changed only after the unit confirms."""
import io
import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import docx
import pytest
from docx.oxml.ns import qn
from werkzeug.datastructures import MultiDict

from kczg.campaigns import scope
from kczg.demo_data import SAMPLES, sample
from kczg.models import Nomination
from kczg.services import nominations as svc
from tests.conftest import csrf_token, new_nomination, post_nomination
from tests.views.test_word_round_trip import upload

pytestmark = [pytest.mark.usefixtures("collection_open"),
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice is installed by ./run (setup.sh)")]

LONG = ("第一段：{label}的背景与目标，涉及“科创中国”的技术路线、指标（28nm、10 TOPS/W）与应用。\n"
        "第二段：主要内容分三点说明，其中包含英文 Edge AI 与数字 2020—2021 年的进展。\n"
        "第三段：结论。")


def resave(files: dict[str, bytes], tmp_path) -> dict[str, bytes]:
    """Open and save each file again with LibreOffice, as a person saving in an office suite."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for name, data in files.items():
        (src / name).write_bytes(data)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                    *[str(src / n) for n in files]], check=True, capture_output=True, timeout=180)
    return {name: (out / name).read_bytes() for name in files}


def blank_form(code):
    lst = scope.list_by_code(code)
    from forms.registry import form_class

    form = form_class(lst)(formdata=None, meta={"csrf": False})
    if form.DOMAIN_FIELD:
        form.set_domains(lst.domain_rows)
    return form


def expected(code) -> dict:
    """The sample of list `code` with its long texts as three paragraphs, as a page posts it."""
    data = sample(code)
    form = blank_form(code)
    for f in form:
        if f.type == "TextAreaField" and f.name in data:
            data[f.name] = LONG.format(label=f.label.text)
    data["pledge"] = "y"
    return data


def written(f, value: str) -> str:
    """A value as a person types it in Word: options by name, Chinese dates, amounts with
    thousands separators and the unit of the label, 同意 for the pledge."""
    if f.type == "SelectField":
        return next(str(label) for v, label in f.choices if str(v) == value)
    if f.type == "DateField":
        d = date.fromisoformat(value)
        return f"{d.year}年{d.month}月{d.day}日"
    if f.type == "DecimalField":
        unit = "万元" if "（万元）" in str(f.label.text) else ""
        return f"{Decimal(value):,}{unit}"
    if f.type == "IntegerField":
        return f"{int(value):,}"
    if f.type == "BooleanField":
        return "同意"
    return value


def type_into(cell, text: str) -> None:
    """Type into a cell as Word does: one paragraph per line (Enter), over what was there."""
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def fill_all(template: bytes, code: str, data: dict) -> bytes:
    form = blank_form(code)
    by_label = {str(f.label.text): f for f in form if f.type not in ("Rows",)}
    by_label["诚信承诺"] = form.pledge
    groups = {tuple(str(s.label.text) for s in g.entries[0].form): g
              for g in form if g.type == "Rows"}
    d = docx.Document(io.BytesIO(template))
    for table in d.tables:
        first = [c.paragraphs[0].text.strip() for c in table.rows[0].cells]
        if first[0] == "序号":
            group = groups[tuple(first[1:])]
            subs = list(group.entries[0].form)
            i = 0
            while any(k.startswith(f"{group.name}-{i}-") for k in data):
                row = table.rows[i + 1] if i + 1 < len(table.rows) else table.add_row()
                for cell, sub in zip(row.cells[1:], subs):
                    value = data.get(f"{group.name}-{i}-{sub.short_name}", "")
                    if value:
                        type_into(cell, written(sub, value))
                i += 1
            continue
        if len(table.rows[0].cells) == 1:
            pairs = [(first[0], table.rows[1].cells[0])]
        else:
            pairs = [(r.cells[0].paragraphs[0].text.strip(), r.cells[1]) for r in table.rows]
        for label, cell in pairs:
            f = by_label[label]
            if data.get(f.name):
                type_into(cell, written(f, data[f.name]))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def form_data(nomination) -> dict:
    data = svc.build_form(nomination).data
    data.pop("csrf_token", None)
    return data


def as_posted(code, data) -> dict:
    nomination = Nomination(list=scope.list_by_code(code))
    form = svc.build_form(nomination, MultiDict(list(data.items())))
    out = form.data
    out.pop("csrf_token", None)
    return out


def test_every_lists_template_filled_and_resaved_by_libreoffice_reads_back_equal(as_user, db,
                                                                                 tmp_path):
    client = as_user("unit-a")
    codes = list(SAMPLES)
    filled = {}
    for code in codes:
        template = client.get(f"/unit/lists/{code}/word-template.docx").data
        filled[f"{code}.docx"] = fill_all(template, code, expected(code))
    resaved = resave(filled, tmp_path)
    # LibreOffice did rewrite the files: the template's tables are merged; the field bookmarks
    # (kczg_<field>) and the subject survive, which is why the template carries them
    again = docx.Document(io.BytesIO(resaved["xdjs.docx"]))
    assert len(again.tables) < len(docx.Document(io.BytesIO(filled["xdjs.docx"])).tables)
    marks = {b.get(qn("w:name")) for b in again.element.body.iter(qn("w:bookmarkStart"))}
    assert {"kczg_tech_name", "kczg_summary", "kczg_people", "kczg_pledge"} <= marks
    assert again.core_properties.subject == "kczg-form:xdjs:2021"
    for code in codes:
        data = expected(code)
        nid = new_nomination(client, code, data.get("domain"))
        r = upload(client, nid, resaved[f"{code}.docx"])
        page = r.get_data(as_text=True)
        assert r.status_code == 200, (code, page[:600])
        assert "均符合要求" in page, (code, re.findall(r'class="error"[^>]*>([^<]+)', page))
        assert "未识别的项目" not in page and "需要核对" not in page, code
        got = form_data(Nomination.get_by_id(nid))
        want = as_posted(code, data)
        assert got == want, (code, {k: (want[k], got.get(k)) for k in want
                                    if want[k] != got.get(k)})
        # the report speaks the unit's words: option names, not their codes
        if code == "xdjs":
            assert "<strong>所属领域</strong>：电子信息" in page and "：dzxx" not in page
            assert "<strong>近三年新增销售额（万元）</strong>：18,500.50万元" in page


def test_the_platforms_申报书_resaved_by_libreoffice_uploads_into_an_equal_draft(as_user, db,
                                                                                  tmp_path):
    client = as_user("unit-a")
    data = expected("xdjs")
    nid = new_nomination(client, "xdjs", "dzxx")
    r = post_nomination(client, nid, data, "submit")
    assert r.status_code == 302, r.get_data(as_text=True)[:600]
    exported = client.get(f"/unit/documents/nominations/{nid}.docx").data
    resaved = resave({"form.docx": exported}, tmp_path)["form.docx"]
    fresh = new_nomination(client, "xdjs", "dzxx")
    r = upload(client, fresh, resaved, "申报书（另存）.docx")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "均符合要求" in page, page[:800]
    assert form_data(Nomination.get_by_id(fresh)) == form_data(Nomination.get_by_id(nid))
    assert "技术简介 必填" not in json.dumps(Nomination.get_by_id(fresh).raw, ensure_ascii=False)


def test_a_hint_typed_over_is_read_and_the_dashboard_domain_kept(as_user, db, tmp_path):
    client = as_user("unit-a")
    template = client.get("/unit/lists/xdjs/word-template.docx").data
    d = docx.Document(io.BytesIO(template))
    for table in d.tables:
        for row in table.rows:
            cell = row.cells[0]
            if cell.paragraphs[0].text.strip() == "技术名称":  # the hint replaced in place
                cell.paragraphs[1].text = "在提示处填写的技术名称"
            if cell.paragraphs[0].text.strip() == "近三年新增利润（万元）":
                row.cells[1].paragraphs[0].text = "1800万元"
            if cell.paragraphs[0].text.strip() == "第一完成单位":  # a label edited by someone:
                cell.paragraphs[0].runs[0].text = "第一完成单位（盖章单位）"  # its bookmark stays
                row.cells[1].paragraphs[0].text = "北京示例微电子科技有限公司"
    out = io.BytesIO()
    d.save(out)
    nid = new_nomination(client, "xdjs", "zbzz")  # 装备制造 chosen on the dashboard
    r = upload(client, nid, resave({"t.docx": out.getvalue()}, tmp_path)["t.docx"])
    assert r.status_code == 200
    n = Nomination.get_by_id(nid)
    assert n.raw["tech_name"] == ["在提示处填写的技术名称"]
    assert n.raw["profit_new"] == ["1800"] and n.raw["domain"] == ["zbzz"]
    assert n.raw["first_unit"] == ["北京示例微电子科技有限公司"]
    assert n.domain.code == "zbzz"
    page = r.get_data(as_text=True)
    assert "请填写近三年新增利润" not in page


def test_another_lists_or_years_file_is_refused_naming_both_and_changes_nothing(as_user, db,
                                                                                 tmp_path):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    before = Nomination.get_by_id(nid)
    source = new_nomination(client, "xdjs", "dzxx")
    assert post_nomination(client, source, expected("xdjs"), "submit").status_code == 302
    form = client.get(f"/unit/documents/nominations/{source}.docx").data
    # last year's template of the same list (its subject and heading say 2020)
    template = docx.Document(io.BytesIO(client.get("/unit/lists/xrqy/word-template.docx").data))
    template.core_properties.subject = "kczg-form:xrqy:2020"
    template.paragraphs[0].runs[0].text = template.paragraphs[0].text.replace("2021", "2020")
    out = io.BytesIO()
    template.save(out)
    files = resave({"form.docx": form, "old.docx": out.getvalue()}, tmp_path)
    r = upload(client, nid, files["form.docx"])
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "该文件是2021年先导技术榜的模板或申报书" in page
    assert "不能导入2021年新锐企业榜的推荐" in page
    r = upload(client, nid, files["old.docx"])
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "该文件是2020年新锐企业榜" in page and "2021年新锐企业榜" in page
    after = Nomination.get_by_id(nid)
    assert (after.version, after.raw) == (before.version, before.raw)


def test_a_draft_with_typed_content_changes_only_after_the_unit_confirms(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    assert post_nomination(client, nid, {"domain": "dzxx", "tech_name": "网上填写的名称",
                                         "summary": "网上填写的简介"}).status_code == 200
    template = client.get("/unit/lists/xdjs/word-template.docx").data
    filled = fill_all(template, "xdjs", {"tech_name": "Word中的名称", "summary": "Word中的简介",
                                         "application": "新填的推广情况"})
    before = Nomination.get_by_id(nid)
    r = upload(client, nid, filled)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="word-confirm"' in page
    assert "将修改下列 2 项" in page and "网上填写的名称" in page and "Word中的名称" in page
    assert Nomination.get_by_id(nid).version == before.version  # nothing written yet
    payload = re.search(r'name="payload" value="([^"]*)"', page).group(1)
    import html

    token = csrf_token(client, "/unit/")
    r = client.post(f"/unit/nominations/{nid}/word/confirm", data={
        "csrf_token": token, "version": str(before.version), "payload": html.unescape(payload)})
    assert r.status_code == 200 and "已从Word文件读取" in r.get_data(as_text=True)
    raw = Nomination.get_by_id(nid).raw
    assert raw["tech_name"] == ["Word中的名称"] and raw["application"] == ["新填的推广情况"]
    # confirming a preview of a draft changed since is refused as stale, nothing overwritten
    r = client.post(f"/unit/nominations/{nid}/word/confirm", data={
        "csrf_token": token, "version": str(before.version), "payload": html.unescape(payload)})
    assert r.status_code == 409


def test_without_javascript_a_word_upload_keeps_what_was_typed_first(as_user, db):
    """The page without JavaScript sends the form with the file: the typed text is saved, then
    the file is compared with it (and asked about, as it overwrites typed text)."""
    from tests.conftest import page_version

    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    template = client.get("/unit/lists/xdjs/word-template.docx").data
    filled = fill_all(template, "xdjs", {"tech_name": "Word中的名称"})
    r = client.post(f"/unit/nominations/{nid}/word", data={
        "csrf_token": csrf_token(client, "/unit/"), "version": str(page_version(client, nid)),
        "domain": "dzxx", "tech_name": "没有脚本时输入的名称", "summary": "没有脚本时输入的简介",
        "action": "upload", "word-file-plain": (io.BytesIO(filled), "模板.docx")},
        content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="word-confirm"' in page
    raw = Nomination.get_by_id(nid).raw
    assert raw["summary"] == ["没有脚本时输入的简介"]  # typed and kept
    assert raw["tech_name"] == ["没有脚本时输入的名称"]  # the file waits for the confirmation
    assert "没有脚本时输入的名称" in page and "Word中的名称" in page


def _wrap(element, tag: str, **attrs):
    """Put `element` inside a new w:<tag> (a revision or a content control) where it stands."""
    from docx.oxml import OxmlElement

    outer = OxmlElement(tag)
    for k, v in attrs.items():
        outer.set(qn(k), v)
    element.addprevious(outer)
    if tag == "w:sdt":
        content = OxmlElement("w:sdtContent")
        outer.append(content)
        content.append(element)
    else:
        outer.append(element)
    return outer


def test_tracked_changes_and_content_controls_are_read_as_a_reader_sees_them(as_user, db,
                                                                            tmp_path):
    """修订 left in the file (an insertion, a deletion) and content controls around a value and
    around a whole table: the inserted and controlled text is read, the deleted text is not."""
    from docx.oxml import OxmlElement

    client = as_user("unit-a")
    template = client.get("/unit/lists/xdjs/word-template.docx").data
    data = {"tech_name": "内容控件里的名称", "summary": "修订中插入的简介",
            "people-0-name": "张伟", "people-0-unit": "清华大学", "people-0-contribution": "设计"}
    d = docx.Document(io.BytesIO(fill_all(template, "xdjs", data)))
    for table in d.tables:
        label = table.rows[0].cells[0].paragraphs[0].text.strip()
        if label == "技术简介":
            p = table.rows[1].cells[0].paragraphs[0]._p
            _wrap(p.findall(qn("w:r"))[0], "w:ins", **{"w:id": "91", "w:author": "审核人",
                                                       "w:date": "2021-10-18T09:00:00Z"})
            gone = OxmlElement("w:r")
            text = OxmlElement("w:delText")
            text.text = "被删除的旧文字"
            gone.append(text)
            p.append(gone)
            _wrap(gone, "w:del", **{"w:id": "92", "w:author": "审核人",
                                    "w:date": "2021-10-18T09:00:00Z"})
        if label == "技术名称":
            _wrap(table.rows[0].cells[1].paragraphs[0]._p.findall(qn("w:r"))[0], "w:sdt")
        if label == "序号" and "姓名" in table.rows[0].cells[1].text:
            _wrap(table._tbl, "w:sdt")
    out = io.BytesIO()
    d.save(out)
    files = {"as-saved.docx": out.getvalue()}
    files["resaved.docx"] = resave(dict(files), tmp_path)["as-saved.docx"]
    for name, data_ in files.items():
        nid = new_nomination(client, "xdjs", "dzxx")
        assert upload(client, nid, data_).status_code == 200, name
        raw = Nomination.get_by_id(nid).raw
        assert raw["summary"] == ["修订中插入的简介"], (name, raw.get("summary"))
        assert raw["tech_name"] == ["内容控件里的名称"], name
        assert raw["people-0-name"] == ["张伟"], name


def test_the_pages_own_autosave_landing_after_the_upload_does_not_stale_the_confirmation(
        as_user, db):
    """Typing, then 上传Word填报 at once: the page's autosave of what was typed may land after
    the upload was read. It is the same page (its editor token travels with the upload and the
    confirmation), so the confirmation still imports; a save from another page still stales it."""
    import html

    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    assert post_nomination(client, nid, {"domain": "dzxx", "tech_name": "网上填写的名称"}
                           ).status_code == 200
    template = client.get("/unit/lists/xdjs/word-template.docx").data
    filled = fill_all(template, "xdjs", {"tech_name": "Word中的名称"})
    token = csrf_token(client, "/unit/")
    r = client.post(f"/unit/nominations/{nid}/word", data={
        "csrf_token": token, "editor": "page-1", "file": (io.BytesIO(filled), "填报.docx")},
        content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="editor" value="page-1"' in page
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    payload = html.unescape(re.search(r'name="payload" value="([^"]*)"', page).group(1))
    # the page's own autosave, sent before the upload, lands now
    r = client.post(f"/unit/nominations/{nid}/autosave", data={
        "csrf_token": token, "version": str(version), "editor": "page-1", "domain": "dzxx",
        "tech_name": "网上填写的名称"})
    assert r.status_code == 200 and Nomination.get_by_id(nid).version == version + 1
    r = client.post(f"/unit/nominations/{nid}/word/confirm", data={
        "csrf_token": token, "version": str(version), "editor": "page-1", "payload": payload})
    assert r.status_code == 200 and "已从Word文件读取" in r.get_data(as_text=True)
    assert Nomination.get_by_id(nid).raw["tech_name"] == ["Word中的名称"]
    # the same confirmation after a save from another page: refused, nothing overwritten
    post_nomination(client, nid, {"domain": "dzxx", "tech_name": "另一页面的名称"})
    r = client.post(f"/unit/nominations/{nid}/word/confirm", data={
        "csrf_token": token, "version": str(version), "editor": "page-1", "payload": payload})
    assert r.status_code == 409
    assert Nomination.get_by_id(nid).raw["tech_name"] == ["另一页面的名称"]
