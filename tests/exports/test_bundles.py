"""Review-body bundles: the expected files, each one opens, Chinese names with the UTF-8 flag,
cached by content, rebuilt after a change, and only for the body's own scope."""
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kczg.models import BundleBuild
from tests.conftest import csrf_token, login
from tests.exports.test_documents import PNG, submit

pytestmark = pytest.mark.usefixtures("collection_open")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


@pytest.fixture
def routed(client, db):
    """unit-a and unit-b each submit 电子信息 nominations (routed to review-it), with files."""
    login(client, "unit-a")
    nid = submit(client, "xdjs", "dzxx")
    client.post(f"/unit/nominations/{nid}/reopen", data={"csrf_token": csrf_token(client, "/unit/")})
    client.post(f"/unit/nominations/{nid}/attachments",
                data={"csrf_token": csrf_token(client, "/unit/"),
                      "file": (io.BytesIO(PDF), "专利证书.pdf")},
                content_type="multipart/form-data")
    from kczg.demo_data import sample
    from tests.conftest import post_nomination
    post_nomination(client, nid, sample("xdjs", domain="dzxx"), "submit")
    submit(client, "xdjs", "dzxx", tech_name="第二项：<会被替换的/字符>")
    submit(client, "xdjs", "swyy")  # routed to review-life, not in review-it's bundle
    for domain, name in (("dzxx", "推荐函盖章.png"), ("swyy", "生物医药推荐函盖章.png")):
        client.post(f"/unit/lists/xdjs/{domain}/scan",
                    data={"csrf_token": csrf_token(client, "/unit/"),
                          "file": (io.BytesIO(PNG), name)}, content_type="multipart/form-data")
    logout(client)
    login(client, "unit-b")
    submit(client, "xdjs", "dzxx", tech_name="浙江的电子信息技术")
    logout(client)
    return client


def start(client, scope):
    r = client.post("/review/bundles", data={"csrf_token": csrf_token(client, "/review/"),
                                             "scope": scope})
    assert r.status_code == 302, r.status_code
    return int(r.headers["Location"].rsplit("/", 1)[1])


def test_bundle_contents(routed, app):
    client = routed
    login(client, "review-it")
    build_id = start(client, "body:it")
    page = client.get(f"/review/bundles/{build_id}").get_data(as_text=True)
    assert "已完成" in page and "下载材料包" in page
    progress = client.get(f"/review/bundles/{build_id}/progress")
    assert progress.status_code == 286  # htmx: stop polling
    r = client.get(f"/review/bundles/{build_id}/download")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    disposition = r.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and 'filename="kczg-bundle-body-it.zip"' in disposition
    # names in GBK, as Chinese Windows reads them, with the UTF-8 name in the 0x7075 field
    zf = zipfile.ZipFile(io.BytesIO(r.data), metadata_encoding="gbk")
    root = "中国科协信息科技学会联合体-先导技术榜电子信息领域-初评材料/"
    assert all(n.startswith(root) for n in zf.namelist())  # one folder when unpacked
    for info in zf.infolist():
        assert not info.flag_bits & 0x800, info.filename
        tag, size, version, crc = struct.unpack("<HHBL", info.extra[:9])
        assert tag == 0x7075 and version == 1
        assert info.extra[9:4 + size].decode("utf-8") == info.filename
        assert crc == zlib.crc32(info.filename.encode("gbk"))
    names = [n.removeprefix(root) for n in zf.namelist()]
    zf.read = lambda name, read=zf.read: read(root + name)
    assert names[0:2] == ["00-推荐汇总表.xlsx", "00-推荐汇总表.pdf"] and names[-1] == "索引.xlsx"
    a = [n for n in names if n.startswith("01-中国电子学会/")]
    b = [n for n in names if n.startswith("02-浙江省科学技术协会/")]
    assert sorted(a) == sorted([
        "01-中国电子学会/先导技术榜-电子信息-推荐函.pdf", "01-中国电子学会/先导技术榜-电子信息-推荐函.docx",
        "01-中国电子学会/先导技术榜-电子信息-01-面向边缘计算的低功耗人工智能芯片架构-申报书.pdf",
        "01-中国电子学会/先导技术榜-电子信息-01-面向边缘计算的低功耗人工智能芯片架构-申报书.docx",
        "01-中国电子学会/先导技术榜-电子信息-01-面向边缘计算的低功耗人工智能芯片架构-附件1-专利证书.pdf",
        "01-中国电子学会/先导技术榜-电子信息-02-第二项：_会被替换的_字符_-申报书.pdf",
        "01-中国电子学会/先导技术榜-电子信息-02-第二项：_会被替换的_字符_-申报书.docx",
        "01-中国电子学会/先导技术榜-电子信息-盖章扫描件1-推荐函盖章.png",
    ]), a
    assert len(b) == 4 and not any("生物医药" in n for n in names)
    for info in zf.infolist():
        assert not re.search(r'[\\:*?"<>|]', info.filename)
        data = zf.read(info.filename.removeprefix(root))
        if info.filename.endswith("申报书.pdf") or info.filename.endswith("推荐函.pdf"):
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
        elif info.filename.endswith(".docx"):
            assert docx.Document(io.BytesIO(data)).paragraphs
        elif info.filename.endswith(".xlsx"):
            load_workbook(io.BytesIO(data))
    assert zf.read("01-中国电子学会/先导技术榜-电子信息-01-面向边缘计算的低功耗人工智能芯片架构-附件1-专利证书.pdf") \
        == PDF
    index = load_workbook(io.BytesIO(zf.read("索引.xlsx"))).active
    assert index["A1"].value == "文件" and index.freeze_panes == "A2"
    listed = [row[0].value for row in index.iter_rows(min_row=2)]
    assert listed == [root + n for n in names[:-1]]
    summary = load_workbook(io.BytesIO(zf.read("00-推荐汇总表.xlsx"))).active
    assert [row[3].value for row in summary.iter_rows(min_row=4)].count("浙江的电子信息技术") == 1


def test_unchanged_bundle_is_not_rebuilt(routed, app):
    client = routed
    login(client, "review-it")
    first = BundleBuild.get_by_id(start(client, "list:xdjs:dzxx"))
    path = Path(app.instance_path) / "bundles" / f"{first.content_key}.zip"
    mtime = path.stat().st_mtime_ns
    second = BundleBuild.get_by_id(start(client, "list:xdjs:dzxx"))
    assert second.content_key == first.content_key and second.status == "done"
    assert path.stat().st_mtime_ns == mtime
    logout(client)
    login(client, "unit-b")
    submit(client, "xdjs", "dzxx", tech_name="新增的一项")
    logout(client)
    login(client, "review-it")
    third = BundleBuild.get_by_id(start(client, "list:xdjs:dzxx"))
    assert third.content_key != first.content_key
    logout(client)
    # the unit gives its letter a 发文字号: the bundle's letters change, so does the bundle
    login(client, "unit-b")
    r = client.post("/unit/letters/xdjs/dzxx/settings", data={
        "csrf_token": csrf_token(client, "/unit/"), "number": "浙科协函〔2021〕8号",
        "letterhead_mm": "0"})
    assert r.status_code == 302
    logout(client)
    login(client, "review-it")
    fourth = BundleBuild.get_by_id(start(client, "list:xdjs:dzxx"))
    assert fourth.content_key != third.content_key


def test_a_body_gets_only_its_own_bundles(routed):
    client = routed
    login(client, "review-gei")
    token = csrf_token(client, "/review/")
    for scope in ("body:it", "list:xdjs:dzxx", "list:xdjs", "nonsense", "list:nope"):
        r = client.post("/review/bundles", data={"csrf_token": token, "scope": scope})
        assert r.status_code == 404, scope
    logout(client)
    login(client, "review-it")
    build_id = start(client, "body:it")
    logout(client)
    login(client, "review-gei")
    assert client.get(f"/review/bundles/{build_id}").status_code == 404
    assert client.get(f"/review/bundles/{build_id}/download").status_code == 404
    logout(client)
    login(client, "secretariat")
    r = client.post("/secretariat/bundles", data={"csrf_token": csrf_token(client, "/secretariat/"),
                                                  "scope": "body:it"})
    assert r.status_code == 302


def test_bundles_are_delivered_when_collection_closes_and_rebuilt_after_changes(routed, app):
    import time_machine

    from kczg.models import Message, Nomination, User
    from kczg.operations import bundles
    from kczg.operations import results as results_ops

    assert bundles.deliver() == []  # collection still open
    with time_machine.travel("2021-11-01 08:00:00+08:00"):
        builds = bundles.deliver()
        scopes = sorted(b.scope for b in builds)
        assert scopes == ["body:it", "body:life"] and all(b.status == "done" for b in builds)
        reviewer = User.get(User.username == "review-it")
        assert Message.select().where(Message.user == reviewer,
                                      Message.subject == "初评材料包已生成").count() == 1
        unit_b = User.get(User.username == "unit-b")
        told = Message.get(Message.user == unit_b, Message.subject == "推荐材料已送达初评机构")
        assert "“浙江的电子信息技术”：已送达先导技术榜初评机构" in told.body
        assert bundles.deliver() == []  # nothing changed: nothing rebuilt
        # the secretariat returns a nomination: the 信息科技 bundle is rebuilt, and only it
        n = Nomination.select().where(Nomination.title == "浙江的电子信息技术").get()
        results_ops.return_nomination(User.get(User.username == "secretariat"), n, "请补充证明材料")
        assert [b.scope for b in bundles.deliver()] == ["body:it"]
        assert Message.select().where(Message.user == reviewer,
                                      Message.subject == "初评材料包已生成").count() == 2
        assert Message.select().where(Message.user == unit_b,
                                      Message.subject.contains("被秘书处退回")).count() == 1
        assert Message.select().where(Message.user == unit_b,  # told once, not on the rebuild
                                      Message.subject == "推荐材料已送达初评机构").count() == 1
        from kczg.models import NominationHistory
        routed = NominationHistory.select().where(NominationHistory.action == "routed")
        assert routed.count() == 4  # each nomination once, not again on the rebuild
