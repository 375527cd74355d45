"""The panel: a discussion per nomination for its experts and its body (not for an expert who
declared a conflict, nor any other account), experts shown to each other without names, blind
review kept; the body's 组长 sees every nomination of the body and writes the 组长意见 the results
gate asks for; both go into the body's export."""
import io

import pytest
from openpyxl import load_workbook

from kczg.operations import Refused
from kczg.operations import results as results_ops
from kczg.operations import review as review_ops
from kczg.passwords import hash_password
from tests.conftest import csrf_token, login


@pytest.fixture
def panel(world):
    w = world
    review_ops.submit_filing(w["reviewer"], w["body"], "方案", "专家构成", "评价标准")
    review_ops.decide_filing(w["sec"], w["body"], True)
    n = w["ns"][0]
    w["a0"] = review_ops.assign(w["reviewer"], w["body"], n, w["experts"][0])
    w["a3"] = review_ops.assign(w["reviewer"], w["body"], n, w["experts"][3])
    return w


def test_who_may_discuss(panel):
    w, n = panel, panel["ns"][0]
    review_ops.post_discussion(w["experts"][0], n, "技术指标与国外先进水平的对比需要补充依据。")
    review_ops.post_discussion(w["reviewer"], n, "已请推荐单位补充材料。")
    with pytest.raises(Refused, match="只有该项目的评审专家和初评机构"):
        review_ops.post_discussion(w["experts"][2], n, "未分配的专家")  # not assigned
    review_ops.declare_conflict(w["experts"][3], w["a3"], "曾为该公司顾问")
    with pytest.raises(Refused, match="只有该项目的评审专家和初评机构"):
        review_ops.post_discussion(w["experts"][3], n, "回避的专家")
    with pytest.raises(Refused, match="只有该项目的评审专家和初评机构"):
        review_ops.post_discussion(w["sec"], n, "秘书处")
    with pytest.raises(Refused, match="最多2000字"):
        review_ops.post_discussion(w["experts"][0], n, "长" * 2001)


def test_the_thread_on_the_page_keeps_experts_anonymous_to_each_other_and_blind_review(panel,
                                                                                   client):
    w, n = panel, panel["ns"][0]
    review_ops.post_discussion(w["reviewer"], n, "已请推荐单位补充材料。")
    review_ops.post_discussion(w["experts"][3], n, "同意补充。")
    review_ops.set_blind(w["reviewer"], w["body"], True)
    w["experts"][0].password_hash = hash_password("expert-pass-1")
    w["experts"][0].save()
    login(client, w["experts"][0].username, "expert-pass-1")
    page = client.get(f"/review/nominations/{n.id}").get_data(as_text=True)
    assert "评审讨论" in page and "同意补充。" in page and "已请推荐单位补充材料。" in page
    assert "expert-4" not in page  # the other expert is 评审专家, not a name
    assert "盲评中，请勿在讨论中提及推荐单位" in page and "中国电子学会" not in page
    r = client.post(f"/review/nominations/{n.id}/discussion",
                    data={"csrf_token": csrf_token(client, f"/review/nominations/{n.id}"),
                          "text": "第三条意见"}, follow_redirects=True)
    assert "已发表" in r.get_data(as_text=True) and "第三条意见" in r.get_data(as_text=True)


def test_the_chair_sees_every_nomination_writes_the_summary_and_the_export_carries_both(panel,
                                                                                      client):
    w = panel
    chair, other = w["experts"][2], w["ns"][1]  # not assigned to ns[1]
    login(client, "review-it")
    r = client.post("/review/chair", data={"csrf_token": csrf_token(client, "/review/ranking"),
                                           "expert": str(chair.id)}, follow_redirects=True)
    assert f"已指定{chair.display_name}为组长" in r.get_data(as_text=True)
    review_ops.post_discussion(w["experts"][0], w["ns"][0], "建议入围。")
    review_ops.write_summary(chair, other, "专家组意见：创新性一般，不建议入围。")
    results_ops.set_shortlist(w["reviewer"], w["body"], [w["ns"][0].id])
    with pytest.raises(Refused, match="组长意见"):
        results_ops.submit_results(w["reviewer"], w["body"], reason="测试")
    review_ops.write_summary(chair, w["ns"][0], "专家组意见：同意初评入围。")
    book = load_workbook(io.BytesIO(client.get("/review/ranking.xlsx").data))
    cells = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert "组长意见" in cells and "评审讨论" in cells
    assert "专家组意见：同意初评入围。" in cells
    assert any("建议入围。" in str(v) for v in cells)
    results_ops.submit_results(w["reviewer"], w["body"], reason="测试")
