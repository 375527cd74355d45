"""Migration 019 gives every year-owned row its campaign, from the row it belongs to, on data the
app itself made over two years (the demo's 2021 collection and review, documents, a letter
number, a duplicate mark; a 2022 nomination with its files and documents): rolled back and run
again, every row gets the campaign the app had given it. Nothing is dropped."""
from pathlib import Path

import time_machine
from werkzeug.datastructures import FileStorage

from kczg import demo
from kczg.campaigns import scope
from kczg.db import database
from kczg.migrate import router
from kczg.models import YEAR_OWNED, BundleBuild, Campaign, NominationList, User, unscoped
from kczg.operations import attachments, duplicates
from kczg.operations.campaigns import load_campaign
from kczg.services import documents as docs
from tests.conftest import login
from tests.test_campaign_years import submit

DATA = Path(__file__).parent / "data"


# tables later migrations create, which rolling them back drops with their rows (the demo
# writes all three; `flask kczg init` refills the search index)
DROPPED_LATER = ("discussion_post", "panel_summary", "search_entry")


def _campaigns_of_every_row() -> dict[str, list[tuple[int, int]]]:
    with unscoped():
        return {m._meta.table_name: sorted(
            (row_id, campaign_id) for row_id, campaign_id in
            m.select(m._meta.primary_key, m.campaign).tuples()) for m in YEAR_OWNED
            if m is not BundleBuild}  # a bundle's key names no year: it joins the current one


def test_migration_019_gives_every_row_its_campaign(app, db, client):
    import io

    demo.load()
    demo.load_nominations()
    demo.load(days_left=-1)
    demo.load_review()
    org_user = User.get(User.username == "unit-a")
    lst = NominationList.get(NominationList.code == "xdjs")
    dom = scope.domain(scope.list_by_code("xdjs"), "dzxx")
    docs.prepare_unit_summary(org_user.organisation)
    docs.prepare_letter(org_user.organisation, lst, dom)
    from kczg.operations import documents as document_ops

    with scope.of(Campaign.get(Campaign.is_current)):
        document_ops.save_letter_settings(org_user.organisation, lst, docs.letter_key(lst, dom),
                                          "中电学函〔2021〕1号", 0)
    from kczg.models import Nomination

    ids = [n.id for n in Nomination.select().where(Nomination.status == "submitted").limit(2)]
    duplicates.dismiss(User.get(User.username == "secretariat"), ids, "测试")
    load_campaign(DATA / "kczg-2022.toml")
    with time_machine.travel("2022-10-20 10:00:00+08:00", tick=False):
        login(client, "unit-a")
        nid = submit(client, "xdjs", "dzxx", year=2022, tech_name="二〇二二年的技术")
        n = scope.attach(Nomination.get_by_id(nid))
        with app.test_request_context():
            attachments.add_scan(org_user, n.list, n.domain,
                                 FileStorage(io.BytesIO(b"%PDF-1.4 x"), "扫描件.pdf"))
        docs.prepare_form(n)
        docs.prepare_unit_summary(org_user.organisation)
    before = _campaigns_of_every_row()
    years = {c for rows in before.values() for _, c in rows}
    assert len(years) == 2 and all(before[t] for t in ("nomination", "document_record",
                                                        "attachment", "score", "letter_number",
                                                        "duplicate_dismissal", "criterion"))

    r = router()
    r.rollback()  # 025 (document states), 024 (province), 023 (search), 022 (review panel),
    with database.connection_context():  # 021 (page codes), 020 (scans), then 019
        assert "state" not in {c.name for c in database.get_columns("document_record")}
    r.rollback()
    with database.connection_context():
        assert "province" not in {c.name for c in database.get_columns("nomination")}
    r.rollback()
    with database.connection_context():
        assert "search_entry" not in database.get_tables()
    r.rollback()
    with database.connection_context():
        assert "conflict_clearance" not in database.get_tables()
    r.rollback()
    with database.connection_context():
        assert "pages" not in {c.name for c in database.get_columns("document_record")}
    r.rollback()
    with database.connection_context():
        assert "retired_at" not in {c.name for c in database.get_columns("attachment")}
    r.rollback()
    with database.connection_context():
        columns = {c.name for c in database.get_columns("nomination")}
    assert "campaign_id" not in columns
    r.run()
    after = _campaigns_of_every_row()
    # rolling 022 and 023 back drops the tables they created (with their rows): those come
    # back empty; every other row keeps the campaign the app gave it
    for table in DROPPED_LATER:
        assert before.pop(table) and after.pop(table) == []
    assert after == before


def test_migration_024_sets_the_province_of_nominations_submitted_before_it(app, db,
                                                                             collection_open):
    """Nominations submitted before 024 get the province the dashboard's rule gives them (the
    registered one of a 新锐企业, else their unit's name); later submissions set it themselves."""
    from kczg.models import Nomination
    from kczg.services.review_stats import province_of

    demo.load_nominations()
    submitted = list(Nomination.select().where(Nomination.status == "submitted"))
    assert submitted and all(n.province == province_of(n) for n in submitted)
    r = router()
    r.rollback()
    r.run()
    again = {n.id: n.province for n in Nomination.select().where(Nomination.status == "submitted")}
    assert again == {n.id: province_of(n) for n in submitted}
    assert len(set(again.values())) > 3  # provinces were told apart
