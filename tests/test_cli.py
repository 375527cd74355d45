"""The administration commands: init (idempotent), load-campaign, create-user, demo."""
import re
from datetime import date, datetime

import pytest

from kczg.campaigns.files import DEFAULT_CAMPAIGN
from kczg.db import database
from kczg.models import Campaign, NominationList, ReviewBody, User, unscoped


@pytest.fixture
def fresh_app(database_url):
    from kczg import create_app
    from tests.conftest import FAST_ARGON2

    return create_app({"TESTING": True, "DATABASE_URL": database_url,
                       "SECRET_KEY": "t", "ARGON2_PARAMS": FAST_ARGON2})


def run(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=["kczg", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_init_is_idempotent(fresh_app):
    out = run(fresh_app, "init")
    assert re.search(r"\d+ migration\(s\) applied", out) and "campaign 2021 loaded" in out
    out = run(fresh_app, "init")
    assert "schema: up to date" in out and "already loaded" in out
    with database.connection_context():
        assert Campaign.select().count() == 1
        assert NominationList.select().count() == 7
        assert ReviewBody.select().count() == 10


def test_init_keeps_a_moved_deadline(fresh_app):
    run(fresh_app, "init")
    with database.connection_context():
        Campaign.update(submission_deadline=datetime(2021, 11, 7, 16)).execute()
    run(fresh_app, "init")
    with database.connection_context():
        assert Campaign.get().submission_deadline == datetime(2021, 11, 7, 16)


def test_load_campaign_updates_in_place(fresh_app, tmp_path):
    run(fresh_app, "init")
    with database.connection_context():
        body_id = ReviewBody.get(ReviewBody.short_id == "it").id
    changed = tmp_path / "kczg-2021.toml"
    changed.write_text(DEFAULT_CAMPAIGN.read_text(encoding="utf-8")
                       .replace('contact = "郑伯龙"', 'contact = "新联系人"'), encoding="utf-8")
    out = run(fresh_app, "load-campaign", str(changed))
    assert "7 lists, 10 review bodies" in out
    with database.connection_context():
        body = ReviewBody.get(ReviewBody.short_id == "it")
        assert body.id == body_id and body.contact == "新联系人"


def test_load_campaign_refuses_a_broken_file(fresh_app, tmp_path):
    run(fresh_app, "init")
    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT_CAMPAIGN.read_text(encoding="utf-8")
                   .replace('review_body = "gei"', 'review_body = "nobody"'), encoding="utf-8")
    result = fresh_app.test_cli_runner().invoke(args=["kczg", "load-campaign", str(bad)])
    assert result.exit_code != 0 and "unknown review body 'nobody'" in result.output


def test_create_user(fresh_app):
    run(fresh_app, "init")
    run(fresh_app, "create-user", "boss", "--role", "secretariat", "--password", "Ke-Chuang-2021x")
    run(fresh_app, "create-user", "rev", "--role", "review", "--body", "oss",
        "--password", "Ke-Chuang-2021x")
    run(fresh_app, "create-user", "u1", "--role", "unit", "--unit", "中国自动化学会",
        "--unit-type", "society", "--password", "Ke-Chuang-2021x")
    with database.connection_context():
        assert User.get(User.username == "rev").review_body.short_id == "oss"
        assert User.get(User.username == "u1").organisation.name == "中国自动化学会"
    result = fresh_app.test_cli_runner().invoke(
        args=["kczg", "create-user", "x", "--role", "expert", "--body", "zzz",
              "--password", "Ke-Chuang-2021x"])
    assert result.exit_code != 0 and "--body" in result.output
    result = fresh_app.test_cli_runner().invoke(
        args=["kczg", "create-user", "y", "--role", "secretariat", "--password", "12345678"])
    assert result.exit_code != 0 and "密码至少10位" in result.output


def test_demo_moves_the_calendar_and_creates_the_accounts(fresh_app):
    run(fresh_app, "init")
    out = run(fresh_app, "demo")
    assert "password for every one: kczg-demo" in out
    for name in ("secretariat", "unit-a", "unit-b", "review-it", "review-sec", "expert-it"):
        assert name in out
    with fresh_app.app_context(), database.connection_context():
        from kczg import demo
        from kczg.passwords import verify_password

        assert User.select().where(User.role == "review").count() == 10
        assert verify_password(User.get(User.username == "unit-a").password_hash, "kczg-demo")
        demo.load(today=date(2030, 3, 1))
        c = Campaign.get()
        assert c.submission_deadline_label == "2030年3月31日24时"
        assert c.submission_deadline == datetime(2030, 3, 31, 16, 0)
        assert c.demo_shift_days > 0
    run(fresh_app, "demo")  # twice is fine


def test_new_campaign_check_load_and_use(fresh_app, tmp_path):
    """A next year from the command line: new-campaign copies 2021 with the years moved on,
    check-campaign tells it in Chinese (and refuses it while its notice is missing),
    load-campaign --keep-current loads it beside 2021, use-campaign switches."""
    import shutil

    run(fresh_app, "init")
    out_file = tmp_path / "kczg-2022.toml"
    run(fresh_app, "new-campaign", "2022", "--from", "2021", "--out", str(out_file))
    text = out_file.read_text(encoding="utf-8")
    assert 'slug = "2022"' in text and "2022年10月30日24时" in text and "2021年10月" not in text
    refused = fresh_app.test_cli_runner().invoke(args=["kczg", "check-campaign", str(out_file)])
    assert refused.exit_code != 0 and "notice-2022.txt" in refused.output
    shutil.copy(DEFAULT_CAMPAIGN.parent / "notice-2021.txt", tmp_path / "notice-2022.txt")
    told = run(fresh_app, "check-campaign", str(out_file))
    assert "2022“科创中国”榜单（2022年度" in told and "先导技术榜（xdjs）：共100项，每个领域限报2项" in told
    assert "电子信息领域 → 中国科协信息科技学会联合体" in told
    assert "current: 2021" in run(fresh_app, "load-campaign", "--keep-current", str(out_file))
    assert "current campaign: 2022" in run(fresh_app, "use-campaign", "2022")
    with fresh_app.app_context(), database.connection_context():
        assert Campaign.get(Campaign.is_current).slug == "2022"
        assert Campaign.get(Campaign.slug == "2022").year == 2022
    supplement = DEFAULT_CAMPAIGN.parent / "kczg-2021-qncy.toml"
    assert "青年创业榜（qncy）：共90项" in run(fresh_app, "check-campaign", str(supplement))
    run(fresh_app, "load-supplement", str(supplement))
    with fresh_app.app_context(), database.connection_context(), unscoped():  # 2021's, in 2022
        qncy = NominationList.get(NominationList.code == "qncy",
                                  NominationList.campaign == Campaign.get(Campaign.slug == "2021"))
        assert qncy.is_open and qncy.deadline_label == "2021年11月30日24时"
