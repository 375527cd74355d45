from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kczg.campaigns.scope import current_campaign
from kczg.rules import calendar

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_submission_closes_at_the_first_instant_of_october_31_beijing(db):
    c = current_campaign()
    assert calendar.submission_open(c, at(2021, 10, 30, 23, 59, 59))
    assert not calendar.submission_open(c, at(2021, 10, 31, 0, 0, 0))
    # the same instants seen from UTC: 15:59:59 is open, 16:00 is not
    assert calendar.submission_open(c, datetime(2021, 10, 30, 15, 59, 59, tzinfo=timezone.utc))
    assert not calendar.submission_open(c, datetime(2021, 10, 30, 16, 0, tzinfo=timezone.utc))


def test_moved_deadline_is_followed(db):
    c = current_campaign()
    c.submission_deadline = datetime(2021, 11, 7, 16, 0)  # extended by a week
    c.save()
    assert calendar.submission_open(current_campaign(), at(2021, 11, 5, 12))


def test_current_phases_overlap(db):
    c = current_campaign()
    names = lambda t: [p.name for p in calendar.current_phases(c, t)]  # noqa: E731
    assert names(at(2021, 9, 15)) == ["组织征集"]
    assert names(at(2021, 10, 31, 23)) == ["组织征集", "宣传发布推广"]
    assert names(at(2021, 11, 1, 0, 30)) == ["专家初评", "宣传发布推广"]
    assert names(at(2022, 7, 1)) == []


def test_next_milestone_and_countdown(db):
    c = current_campaign()
    now = at(2021, 10, 28, 12, 0)
    m = calendar.next_milestone(c, now)
    assert m.label == "网上申报截止（2021年10月30日24时）"
    assert calendar.countdown_text(m.remaining(now)) == "2天12小时"
    assert calendar.countdown_text(timedelta(hours=3, minutes=5)) == "3小时5分"
    assert calendar.countdown_text(timedelta(minutes=-5)) == "0分"
    assert calendar.next_milestone(c, at(2023, 1, 1)) is None


def test_the_next_step_is_never_a_phase_that_runs_beside_the_current_one(app, db):
    """宣传发布推广 starts (2021-10-01) while collection runs: collection's next step is its
    deadline, not that phase."""
    from datetime import datetime, timezone

    from kczg.campaigns import scope
    from kczg.rules.calendar import next_milestone

    campaign = scope.campaign()
    at = datetime(2021, 9, 20, 2, 0, tzinfo=timezone.utc)
    assert next_milestone(campaign, at).label.startswith("网上申报截止")


def test_the_demo_moves_the_dates_inside_the_phase_texts(app, db):
    from kczg import demo
    from kczg.models import Phase

    demo.load()
    text = Phase.get(Phase.key == "collection").description
    assert "2021年10月31日" not in text and "年" in text
