"""Stamped scans per letter: a unit with 先导技术榜 letters in three domains has three scan
slots; each scan is replaced or deleted with its history kept; only the body its letter's
nominations are routed to (and the secretariat) may download it, and not once nothing of that
letter remains submitted."""
import io

import pytest

from kczg.models import Attachment, Nomination
from tests.conftest import csrf_token, login
from tests.exports.test_documents import submit

pytestmark = pytest.mark.usefixtures("collection_open")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send_scan(client, path, name):
    return client.post(path, data={"csrf_token": csrf_token(client, "/unit/"),
                                   "file": (io.BytesIO(PDF + name.encode()), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def as_body(client, username, scan_id):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, username)
    return client.get(f"/review/attachments/{scan_id}").status_code


def test_one_scan_per_letter_with_replace_delete_history_and_the_bodies_rule(as_user, client,
                                                                             db):
    as_user("unit-a")
    ids = {d: submit(client, "xdjs", d) for d in ("dzxx", "zbzz", "swyy")}
    page = client.get("/unit/").get_data(as_text=True)
    for d in ("dzxx", "zbzz", "swyy"):  # one slot per letter
        assert f'id="scan-line-xdjs-{d}"' in page and f'id="scan-xdjs-{d}"' in page
    assert 'id="scan-line-xdjs-xjcl"' not in page  # no letter there
    r = send_scan(client, "/unit/lists/xdjs/dzxx/scan", "电子信息推荐函.pdf")
    page = r.get_data(as_text=True)
    assert "已上传先导技术榜（电子信息领域）推荐函的盖章扫描件“电子信息推荐函.pdf”" in page
    first = Attachment.get(Attachment.original_name == "电子信息推荐函.pdf")
    assert first.domain.code == "dzxx" and first.retired_at is None
    # a letter without submitted nominations has nothing to stamp
    r = send_scan(client, "/unit/lists/xdjs/xjcl/scan", "先进材料.pdf")
    assert "尚无已提交的推荐" in r.get_data(as_text=True)
    assert not Attachment.select().where(Attachment.original_name == "先进材料.pdf").exists()

    # only the body of 电子信息 (and the secretariat) may download it
    assert as_body(client, "review-it", first.id) == 200
    assert as_body(client, "review-im", first.id) == 404     # 装备制造: same list, not its letter
    assert as_body(client, "review-life", first.id) == 404   # 生物医药
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "secretariat")
    assert client.get(f"/secretariat/attachments/{first.id}").status_code == 200

    # replaced: the new one is the letter's; the old one kept as history, no longer served
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "unit-a")
    send_scan(client, "/unit/lists/xdjs/dzxx/scan", "电子信息推荐函-重扫.pdf")
    first = Attachment.get_by_id(first.id)
    second = Attachment.get(Attachment.original_name == "电子信息推荐函-重扫.pdf")
    assert first.retired_at is not None and second.retired_at is None
    page = client.get("/unit/").get_data(as_text=True)
    assert "历史版本（1）" in page and "电子信息推荐函.pdf" in page
    assert client.get(f"/unit/attachments/{first.id}").status_code == 200  # the unit's history
    assert as_body(client, "review-it", first.id) == 404
    assert as_body(client, "review-it", second.id) == 200

    # deleted: kept in the history; the letter has no scan
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "unit-a")
    r = client.post(f"/unit/attachments/{second.id}/delete",
                    data={"csrf_token": csrf_token(client, "/unit/")}, follow_redirects=True)
    assert "保留在历史版本中" in r.get_data(as_text=True)
    assert Attachment.get_by_id(second.id).retired_at is not None
    assert as_body(client, "review-it", second.id) == 404

    # withdrawn: once nothing of the letter is submitted, the body no longer gets its scan
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "unit-a")
    send_scan(client, "/unit/lists/xdjs/zbzz/scan", "装备制造推荐函.pdf")
    third = Attachment.get(Attachment.original_name == "装备制造推荐函.pdf")
    assert as_body(client, "review-im", third.id) == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "unit-a")
    r = client.post(f"/unit/nominations/{ids['zbzz']}/withdraw",
                    data={"csrf_token": csrf_token(client, "/unit/")})
    assert Nomination.get_by_id(ids["zbzz"]).status == "withdrawn", r.status_code
    assert as_body(client, "review-im", third.id) == 404
