"""What a unit's staff see: every refused field listed at the top (with links to the fields, the
same without JavaScript), required fields marked from the start, the unit and person in the
header, and a favicon."""
import re

import pytest

from kczg.demo_data import sample
from tests.conftest import new_nomination, post_nomination

pytestmark = pytest.mark.usefixtures("collection_open")


def test_a_refused_submission_lists_every_field_to_change(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    r = post_nomination(client, nid, {"domain": "dzxx", "tech_name": "只填了名称",
                                      "people-0-name": "张伟"}, "submit")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    summary = page.split('id="error-summary"')[1].split("</ol>")[0]
    items = re.findall(r'<li><a href="#([^"]+)" data-focus="[^"]+">([^<]+)</a></li>', summary)
    count = int(re.search(r"共 (\d+) 处需要修改", summary).group(1))
    assert count == len(items) >= 10
    for target, text in items:  # each link leads to something on the page
        assert f'id="{target}"' in page, target
    texts = [t for _, t in items]
    assert "技术简介：请填写技术简介" in texts or any(t.startswith("技术简介") for t in texts)
    assert any(t.startswith("主要完成人第1行·工作单位") for t in texts)  # a row's field, named
    assert texts.index(next(t for t in texts if t.startswith("第一完成单位"))) < \
        texts.index(next(t for t in texts if t.startswith("推荐意见")))  # in form order
    assert 'value="只填了名称"' in page  # nothing typed is lost
    # no summary on an ordinary page
    assert 'id="error-summary"' not in client.get(f"/unit/nominations/{nid}").get_data(as_text=True)


def test_required_fields_are_marked_from_the_start(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
    assert re.search(r'<label for="tech_name">技术名称<span class="req" aria-hidden="true">\*</span>'
                     r'</label>', page)
    assert 'aria-required="true"' in page
    # an optional field (a completing person's title) carries no mark
    assert re.search(r'<label for="people-0-title" class="sub">职称</label>', page)


def test_the_header_names_the_unit_and_its_person(as_user, db):
    page = as_user("unit-a").get("/unit/").get_data(as_text=True)
    who = re.search(r'<span class="who"[^>]*>([^<]+)</span>', page).group(1)
    assert who == "中国电子学会 · 王明" and "unit-a" not in who


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def _steps(client):
    page = client.get("/unit/").get_data(as_text=True)
    guide = page.split('id="steps"')[1].split("</section>")[0]
    states = re.findall(r'<li class="step (done|current|todo)"[^>]*>.*?</span>(?:<a [^>]*>)?([^<]+)',
                        guide)
    return [(name, state) for state, name in states]


def _current(client):
    return next(name for name, state in _steps(client) if state == "current")


def test_the_step_guide_follows_the_unit(as_user, db):
    import io

    import time_machine

    from tests.conftest import IN_COLLECTION
    from tests.exports.test_documents import PNG, submit

    client = as_user("unit-a")
    nid = new_nomination(client, "kycx")
    assert _current(client) == "填写"  # an empty draft is not filled in
    page = client.get("/unit/").get_data(as_text=True)
    assert f'<a href="/unit/nominations/{nid}">下一步：新建推荐并填写</a>' in page  # one click
    assert "完成度 " in page
    post_nomination(client, nid, sample("kycx"), path="/autosave")
    assert _current(client) == "提交"  # it would pass: 填写 done
    assert "可以提交" in client.get("/unit/").get_data(as_text=True)
    assert "已填写完整，可以提交" in client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
    client.post(f"/unit/nominations/{nid}/delete",
                data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                              client.get("/unit/").get_data(as_text=True)).group(1)})
    first = submit(client, "kycx")
    assert _current(client) == "下载推荐函"
    page = client.get("/unit/").get_data(as_text=True)
    assert '<a href="/unit/documents/letters/kycx.pdf">下一步：在“打印材料”中下载推荐函</a>' in page
    view = client.get(f"/unit/nominations/{first}").get_data(as_text=True)
    assert 'href="/unit/documents/letters/kycx.pdf" id="letter-pdf"' in view  # from the item
    assert client.get("/unit/documents/letters/kycx.pdf").status_code == 200
    assert _current(client) == "盖章"
    r = client.post("/unit/lists/kycx/scan", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                client.get("/unit/").get_data(as_text=True)).group(1),
        "file": (io.BytesIO(PNG), "盖章推荐函.png")}, content_type="multipart/form-data")
    assert r.status_code in (200, 302)
    assert _current(client) == "送达初评机构"
    # a second submission makes a new letter: download and stamp it again
    submit(client, "kycx", project_name="第二个开源项目",
           repo_url="https://gitee.com/example/second")
    assert _current(client) == "下载推荐函"
    with time_machine.travel("2021-11-02 10:00:00+08:00"):
        steps = _steps(client)
        assert dict(steps)["送达初评机构"] == "done"
    assert IN_COLLECTION


def test_a_draft_in_a_full_domain_is_created_with_a_warning(as_user, db):
    from tests.exports.test_documents import submit

    client = as_user("unit-a")
    submit(client, "xdjs", "dzxx")
    submit(client, "xdjs", "dzxx", tech_name="第二项")
    r = client.post("/unit/nominations/new", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                client.get("/unit/").get_data(as_text=True)).group(1),
        "list": "xdjs", "domain": "dzxx"}, follow_redirects=True)
    assert "该领域名额已满（2/2），可先保存草稿，撤回一项后方可提交" in r.get_data(as_text=True)


def test_limited_fields_carry_their_limit_for_the_counter(as_user, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    page = client.get(f"/unit/nominations/{nid}").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-max-chars="2000"[^>]*name="summary"', page) or \
        re.search(r'<textarea[^>]*name="summary"[^>]*data-max-chars="2000"', page)


def test_preview_of_a_draft_is_marked_draft(as_user, db, tmp_path):
    from tests.exports.test_documents import flat, pdf_text

    client = as_user("unit-a")
    nid = new_nomination(client, "xdjs", "dzxx")
    post_nomination(client, nid, {"domain": "dzxx", "tech_name": "还没填完的技术"}, "save")
    r = client.get(f"/unit/nominations/{nid}/preview.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = flat(pdf_text(r.data))
    assert "还没填完的技术" in text and "草稿预览" in text and "验证码" not in text
    from kczg.models import DocumentRecord

    assert DocumentRecord.select().count() == 0  # not a document of record
    from tests.conftest import csrf_token

    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    assert as_user("unit-b").get(f"/unit/nominations/{nid}/preview.pdf").status_code == 404


def test_a_unit_downloads_all_its_materials_of_the_year_as_one_zip(as_user, db):
    import io
    import zipfile

    from tests.exports.test_documents import PNG, submit

    client = as_user("unit-a")
    r = client.get("/unit/documents/all.zip", follow_redirects=True)
    assert "还没有已提交的推荐" in r.get_data(as_text=True)  # said, not an empty file
    submit(client, "kycx")
    submit(client, "xdjs", "dzxx")
    client.post("/unit/lists/kycx/scan", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                client.get("/unit/").get_data(as_text=True)).group(1),
        "file": (io.BytesIO(PNG), "盖章推荐函.png")}, content_type="multipart/form-data")
    assert 'id="documents-zip"' in client.get("/unit/").get_data(as_text=True)
    r = client.get("/unit/documents/all.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.data)).namelist()
    assert sum(n.startswith("推荐函/") for n in names) == 4  # two letters, PDF and Word
    assert sum(n.startswith("申报书/") for n in names) == 4
    assert any(n.endswith("推荐汇总表.pdf") for n in names)
    assert any(n.endswith("推荐汇总表.xlsx") for n in names)
    assert [n for n in names if n.startswith("盖章扫描件/")] == ["盖章扫描件/开源创新榜-盖章推荐函.png"]
    z = zipfile.ZipFile(io.BytesIO(r.data))
    assert z.read(next(n for n in names if n.endswith(".pdf"))).startswith(b"%PDF")
