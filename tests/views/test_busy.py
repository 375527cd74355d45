"""Deadline day: another process holds the write lock longer than a request may wait. The user
gets 503 and "系统繁忙，您的内容已保存在本页，请稍后再试" with everything typed still in the page,
never a 500; once the lock is released the same submission goes through."""
import threading

import pytest

from kczg.db import BUSY_MESSAGE
from kczg.demo_data import sample
from tests.conftest import csrf_token, new_nomination, page_version

pytestmark = pytest.mark.app_config(DB_LOCK_WAIT_MS=300)


class WriteLock:
    """Hold the database's write lock from another connection (another process would)."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        url = self.app.config["DATABASE_URL"]
        self.sqlite = url.startswith("sqlite:///")
        if self.sqlite:
            import sqlite3

            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE nomination SET title = title")
        else:
            import psycopg2

            base, _, query = url.partition("?")
            self.conn = psycopg2.connect(base, options="-c search_path=" +
                                         query.rsplit("%3D", 1)[1])
            cur = self.conn.cursor()
            cur.execute("LOCK TABLE nomination IN EXCLUSIVE MODE")  # readers still read
        return self

    def __exit__(self, *exc):
        if self.sqlite:
            self.conn.execute("ROLLBACK")
        else:
            self.conn.rollback()
        self.conn.close()


def test_locked_database_gives_503_and_keeps_the_page(app, as_user, collection_open):
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    data = sample("xrqy", company_name="锁表期间填写的企业名称")
    data.update(csrf_token=csrf_token(client, "/unit/"), action="submit",
                version=str(page_version(client, nid)), editor="page-1")
    with WriteLock(app):
        r = client.post(f"/unit/nominations/{nid}", data=data)
        body = r.get_data(as_text=True)
        assert r.status_code == 503
        assert BUSY_MESSAGE in body
        assert 'value="锁表期间填写的企业名称"' in body  # the page still holds what was typed
        r = client.post(f"/unit/nominations/{nid}/autosave", data={**data, "action": "save"},
                        headers={"HX-Request": "true"})
        assert r.status_code == 503 and BUSY_MESSAGE in r.get_data(as_text=True)
    r = client.post(f"/unit/nominations/{nid}", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assert "已提交" in client.get(f"/unit/nominations/{nid}").get_data(as_text=True)


def test_lock_released_while_waiting_is_not_an_error(app, as_user, collection_open):
    """A lock held for less than the wait is simply waited for (SQLite's busy timeout,
    PostgreSQL's lock_timeout)."""
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    data = sample("xrqy")
    data.update(csrf_token=csrf_token(client, "/unit/"), action="save",
                version=str(page_version(client, nid)), editor="page-1")
    lock = WriteLock(app).__enter__()
    threading.Timer(0.1, lock.__exit__).start()
    r = client.post(f"/unit/nominations/{nid}/autosave", data=data,
                    headers={"HX-Request": "true"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert "已保存" in r.get_data(as_text=True)


@pytest.mark.app_config(DB_LOCK_WAIT_MS=5000)  # the production default
def test_lock_held_8_seconds_by_another_process(app, as_user, collection_open):
    """The deadline-day case as reported: another process holds the write lock for 8 s. The
    save waits its 5 s, answers 503 with the busy message (never a 500), and the same save
    goes through once the lock is gone."""
    client = as_user("unit-a")
    nid = new_nomination(client, "xrqy")
    data = sample("xrqy", company_name="锁表八秒期间填写")
    data.update(csrf_token=csrf_token(client, "/unit/"), action="save",
                version=str(page_version(client, nid)), editor="page-1")
    lock = WriteLock(app).__enter__()
    released = threading.Timer(8.0, lock.__exit__)
    released.start()
    r = client.post(f"/unit/nominations/{nid}", data=data)
    assert released.is_alive()  # answered while the other process still held the lock
    assert r.status_code == 503 and BUSY_MESSAGE in r.get_data(as_text=True)
    assert 'value="锁表八秒期间填写"' in r.get_data(as_text=True)
    released.join()
    r = client.post(f"/unit/nominations/{nid}", data=data)
    assert r.status_code == 200 and "草稿已保存" in r.get_data(as_text=True)
