"""Attachments: PDF/JPG/PNG by content, 20 MB at most, stored outside static/, served only to
the owner unit, the routed review body and the secretariat."""
import io
from pathlib import Path

import pytest

from kczg.demo_data import sample
from kczg.models import Attachment
from tests.conftest import csrf_token, login, new_nomination, post_nomination

pytestmark = pytest.mark.usefixtures("collection_open")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(client, nid, payload: bytes, name: str):
    return client.post(f"/unit/nominations/{nid}/attachments",
                       data={"csrf_token": csrf_token(client, "/unit/"),
                             "file": (io.BytesIO(payload), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_types_are_checked_by_content(as_user, app, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    for payload, name, shown in ((PDF, "营业执照.pdf", "营业执照.pdf"), (PNG, "证书.png", "证书.png"),
                                 (JPG, "照片.jpg", "照片.jpg"), (PNG, "misnamed.pdf", "misnamed.png")):
        r = upload(client, nid, payload, name)
        assert f"已上传“{shown}”" in r.get_data(as_text=True)
    for payload, name in ((b"MZ\x90\x00 evil exe", "report.pdf"), (b"<html>", "a.png"),
                          (b"", "empty.pdf")):
        r = upload(client, nid, payload, name)
        assert "只能上传 PDF、JPG 或 PNG 文件" in r.get_data(as_text=True), name
    kinds = {a.original_name: a.content_type for a in Attachment.select()}
    assert kinds == {"营业执照.pdf": "application/pdf", "证书.png": "image/png",
                     "照片.jpg": "image/jpeg", "misnamed.png": "image/png"}
    stored = Path(app.instance_path) / "uploads" / Attachment.get().stored_name
    assert stored.read_bytes() == PDF
    assert "static" not in stored.parts and "营业执照" not in stored.name


def test_files_over_20_mb_are_refused_and_not_kept(as_user, app, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    before = set((Path(app.instance_path) / "uploads").glob("*")) \
        if (Path(app.instance_path) / "uploads").exists() else set()
    r = upload(client, nid, PDF + b"0" * (20 * 1024 * 1024), "big.pdf")
    assert "文件不能超过20 MB" in r.get_data(as_text=True)
    assert Attachment.select().count() == 0
    assert set((Path(app.instance_path) / "uploads").glob("*")) == before


def test_who_may_download(as_user, client, db):
    as_user("unit-a")
    nid = new_nomination(client, "xrqy")  # 新锐企业榜 goes to review-sec
    upload(client, nid, PDF, "材料.pdf")
    att = Attachment.get()
    assert client.get(f"/unit/attachments/{att.id}").data == PDF
    post_nomination(client, nid, sample("xrqy"), "submit")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})

    def fetch(username, prefix):
        login(client, username)
        r = client.get(f"/{prefix}/attachments/{att.id}")
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        return r

    assert fetch("unit-b", "unit").status_code == 404
    assert fetch("review-it", "review").status_code == 404   # not routed to it
    r = fetch("review-sec", "review")
    assert r.status_code == 200 and r.data == PDF
    assert "attachment" in r.headers["Content-Disposition"]
    assert fetch("secretariat", "secretariat").data == PDF
    assert fetch("unit-a", "review").status_code == 403      # wrong role for that route


def test_stamped_scan_of_a_letter(as_user, client, db):
    from tests.exports.test_documents import submit

    as_user("unit-a")
    submit(client, "kycx")
    r = client.post("/unit/lists/kycx/scan",
                    data={"csrf_token": csrf_token(client, "/unit/"),
                          "file": (io.BytesIO(JPG), "推荐函盖章.jpg")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "已上传开源创新榜推荐函的盖章扫描件" in r.get_data(as_text=True)
    scan = Attachment.get(Attachment.kind == "stamped_scan")
    assert "推荐函盖章.jpg" in client.get("/unit/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})
    login(client, "review-oss")
    assert client.get(f"/review/attachments/{scan.id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/review/")})
    login(client, "review-gei")
    assert client.get(f"/review/attachments/{scan.id}").status_code == 404
    assert client.post("/unit/lists/qncy/scan").status_code in (400, 403, 404)


def test_names_cleaned_and_ending_as_the_content_is(as_user, client, db):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    for name, shown in (("report\x00.pdf", "report.pdf"), ("页面.html", "页面.pdf"),
                        ("invoice\u202efdp.pdf", "invoicefdp.pdf"), ("\x00\x01", "文件.pdf")):
        r = upload(client, nid, PDF, name)
        assert f"已上传“{shown}”" in r.get_data(as_text=True), name
    for a in Attachment.select():
        r = client.get(f"/unit/attachments/{a.id}")  # every one downloads, under a clean name
        assert r.status_code == 200 and r.data == PDF
        assert "\x00" not in r.headers["Content-Disposition"]
