"""Calibrated scores (kczg/rules/calibration.py): planted lenient and harsh experts are found
from the items they share with the panel, the calibrated scores recover the planted quality
better than the raw means, and the ranking page and its export show both."""
import random
import statistics

from kczg.rules.calibration import calibrate


def panel(seed=3):
    """60 nominations, 12 experts, 4 experts each (a rotating design so they overlap); one
    expert +15 points lenient, one -15 harsh, the rest within ±2; noise sd 3."""
    rng = random.Random(seed)
    quality = {n: rng.uniform(55, 90) for n in range(60)}
    bias = {e: rng.uniform(-2, 2) for e in range(12)}
    bias[0], bias[1] = 15.0, -15.0
    obs = []
    for n in range(60):
        for e in rng.sample(range(12), 4):
            obs.append((n, e, quality[n] + bias[e] + rng.gauss(0, 3)))
    return quality, bias, obs


def test_planted_lenient_and_harsh_experts_are_found_and_only_they_are_flagged():
    quality, bias, obs = panel()
    cal = calibrate(obs)
    assert cal.flag(0) == "偏宽松" and cal.flag(1) == "偏严格"
    assert set(cal.flagged) == {0, 1}
    assert abs(cal.bias[0] - 15) < 4 and abs(cal.bias[1] + 15) < 4


def test_calibrated_scores_are_closer_to_the_planted_quality_than_raw_means():
    quality, _, obs = panel()
    cal = calibrate(obs)
    raw = {n: statistics.fmean(s for m, _, s in obs if m == n) for n in quality}
    err_raw = statistics.fmean(abs(raw[n] - quality[n]) for n in quality)
    err_cal = statistics.fmean(abs(cal.quality[n] - quality[n]) for n in quality)
    assert err_cal < 0.6 * err_raw, (err_cal, err_raw)


def test_no_bias_no_flag_and_one_shared_scale():
    obs = [(n, e, 70.0 + n) for n in range(10) for e in range(3)]
    cal = calibrate(obs)
    assert cal.flagged == {} and all(abs(b) < 1e-6 for b in cal.bias.values())
    assert cal.quality == {n: 70.0 + n for n in range(10)}  # nothing moved: ties stay tied
    assert calibrate([]).quality == {}


def test_the_ranking_page_and_export_show_raw_and_calibrated_scores(app, client, db,
                                                                   collection_open):
    """The demo's review: the body's ranking shows 校准分 beside 加权均分, orders by either on
    request, names each expert's lenience; the XLSX carries both scores and the lenience."""
    import io
    import re

    from openpyxl import load_workbook

    from kczg import demo
    from tests.conftest import login
    from tests.test_fuzz import REVIEW_DAY

    demo.load_nominations()
    collection_open.move_to(REVIEW_DAY)
    demo.load_review()
    login(client, "review-it")
    page = client.get("/review/ranking").get_data(as_text=True)
    assert "<th>校准分</th>" in page and "专家宽严（校准）" in page and "按校准分" in page
    calibrated = client.get("/review/ranking?order=calibrated").get_data(as_text=True)
    first_table = calibrated[calibrated.index("<tbody>"):calibrated.index("</tbody>")]
    values = [float(v) for v in re.findall(r'<td class="calibrated">([0-9.]+)</td>', first_table)]
    assert values and values == sorted(values, reverse=True)
    book = load_workbook(io.BytesIO(client.get("/review/ranking.xlsx?order=calibrated").data))
    header = [c.value for row in book.active.iter_rows(max_row=6) for c in row]
    assert "校准分" in header and "专家宽严（分）" in header
