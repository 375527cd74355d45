"""Notifications: kept in the app, and e-mailed through SMTP when configured (tested against a
local aiosmtpd sink on loopback)."""
import email
import email.policy

import time_machine

from kczg.models import Message, ReviewBody, User
from kczg.operations import review as review_ops


def test_messages_are_kept_and_mailed(app, db, smtp_sink):
    sink, port = smtp_sink
    app.config.update(KCZG_SMTP_HOST="127.0.0.1", KCZG_SMTP_PORT=port,
                      KCZG_SMTP_FROM="kczg@example.org")
    secretariat = User.get(User.username == "secretariat")  # its address comes with the account
    reviewer = User.get(User.username == "review-it")
    with app.test_request_context(), time_machine.travel("2021-11-05 10:00+08:00"):
        review_ops.submit_filing(reviewer, ReviewBody.get(ReviewBody.short_id == "it"), "方案",
                           "专家", "标准")
    message = Message.get(Message.user == secretariat)
    assert message.subject == "中国科协信息科技学会联合体提交了备案材料" and message.emailed
    assert len(sink.received) == 1
    envelope = sink.received[0]
    assert envelope.rcpt_tos == ["secretariat@example.org"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "【科创中国】中国科协信息科技学会联合体提交了备案材料"
    assert "请在秘书处工作台" in mail.get_content()


def test_without_smtp_messages_stay_in_the_app(app, db, client):
    reviewer = User.get(User.username == "review-it")
    with app.test_request_context(), time_machine.travel("2021-11-05 10:00+08:00"):
        review_ops.submit_filing(reviewer, ReviewBody.get(ReviewBody.short_id == "it"), "方案",
                           "专家", "标准")
    assert not Message.get().emailed
    from tests.conftest import login
    login(client, "secretariat")
    page = client.get("/secretariat/").get_data(as_text=True)
    assert "消息（1）" in page
    assert "提交了备案材料" in client.get("/messages").get_data(as_text=True)
    assert "消息（1）" not in client.get("/secretariat/").get_data(as_text=True)


def test_a_unit_hears_by_mail_at_its_contact_address(app, client, smtp_sink):
    """A unit account carries its unit's e-mail (set when the account is made, changed with the
    contact): its submission message reaches that address."""
    from kczg.demo_data import sample
    from tests.conftest import IN_COLLECTION, login, new_nomination, post_nomination

    sink, port = smtp_sink
    app.config.update(KCZG_SMTP_HOST="127.0.0.1", KCZG_SMTP_PORT=port)
    with time_machine.travel(IN_COLLECTION, tick=True):
        assert login(client, "unit-b").status_code == 302
        nid = new_nomination(client, "xrqy")
        assert post_nomination(client, nid, sample("xrqy"), "submit").status_code == 302
    assert [e.rcpt_tos for e in sink.received] == [["unit-b@example.org"]]
