"""The review's world for the rules tests: four submitted nominations, the 电子信息 body's
experts, the clock after the submission deadline; and helpers to submit and to report."""
import pytest
import time_machine
from werkzeug.datastructures import MultiDict

from kczg.demo_data import sample
from kczg.models import Domain, NominationList, ReviewBody, User
from kczg.operations import nominations as ops
from kczg.operations import results as results_ops
from kczg.operations import review as review_ops
from kczg.passwords import hash_password
from kczg.services import nominations as svc

AFTER_DEADLINE = "2021-11-05 10:00:00+08:00"
AFTER_RESULTS = "2021-12-01 00:00:01+08:00"


def submitted(username, code, domain=None, **overrides):
    user = User.get(User.username == username)
    lst = NominationList.get(NominationList.code == code)
    dom = Domain.get(Domain.list == lst, Domain.code == domain) if domain else None
    n = ops.create_draft(user, lst, dom)
    data = MultiDict(sample(code, **({"domain": domain} if domain else {}), **overrides))
    form = svc.build_form(n, data)
    assert form.validate(), form.errors
    return ops.submit(n.id, user, svc.raw_from(data), form.clean_data(), n.version,
                              svc.derived(form, n), [])


@pytest.fixture
def world(app, db):
    """Four 电子信息 nominations (three from 中国电子学会, one from 浙江省科协), experts of the
    电子信息 body, and the clock after the submission deadline."""
    with time_machine.travel("2021-10-20 12:00:00+08:00"):
        ns = [submitted("unit-a", "xdjs", "dzxx"),
              submitted("unit-a", "xdjs", "dzxx", tech_name="第二项", first_unit="清华大学"),
              submitted("unit-b", "xdjs", "dzxx", tech_name="浙江项目",
                        first_unit="浙江大学"),
              submitted("unit-a", "xrqy")]
    body = ReviewBody.get(ReviewBody.short_id == "it")
    experts = [User.get(User.username == "expert-it")]
    for name, affiliation in (("expert-2", "北京示例微电子科技有限公司"), ("expert-3", "中国电子学会"),
                              ("expert-4", "复旦大学")):
        experts.append(User.create(username=name, role="expert", review_body=body,
                                   display_name=name, affiliation=affiliation,
                                   password_hash=hash_password("x")))
    for expert in experts:  # each has accepted the 保密与回避承诺 (its own test: test_review_flow)
        review_ops.accept_pledge(expert)
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        yield {"ns": ns, "body": body, "experts": experts,
               "reviewer": User.get(User.username == "review-it"),
               "sec": User.get(User.username == "secretariat"),
               "xdjs": NominationList.get(NominationList.code == "xdjs")}


def reported(nominations, reason="（测试：未安排专家）"):
    """Each routed body reports its shortlist of these nominations (终审 can begin)."""
    from kczg.rules.permissions import routed_body_id

    by_body = {}
    for n in nominations:
        by_body.setdefault(routed_body_id(n), []).append(n.id)
    for body_id, ids in by_body.items():
        body = ReviewBody.get_by_id(body_id)
        reviewer = User.get(User.username == f"review-{body.short_id}")
        results_ops.set_shortlist(reviewer, body, ids)
        for n in nominations:  # each 初评入围 item's 组长意见, entered by the body
            if n.id in ids:
                review_ops.write_summary(reviewer, n, "组长意见：同意初评入围。")
        results_ops.submit_results(reviewer, body, reason=reason)
