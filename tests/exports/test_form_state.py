"""A 申报书's record is found again by the state its content was made of: a summary or a bundle
of thousands builds no content for records it already has, and any change to what the content
is made of (the unit's name here) gives a new record and code, never the old one."""
import pytest


@pytest.fixture
def submitted(app, db, collection_open):
    from kczg import demo
    from kczg.models import Nomination

    demo.load_nominations()
    return list(Nomination.select().where(Nomination.status == "submitted"))


def _built(monkeypatch):
    from kczg.services import documents as docs

    calls = []
    real = docs._build_form_content
    monkeypatch.setattr(docs, "_build_form_content",
                        lambda *a, **k: calls.append(a[0].id) or real(*a, **k))
    docs._FORM_CACHE.clear()
    return calls


def test_records_are_found_by_state_without_building_contents(submitted, monkeypatch):
    from kczg.models import DocumentRecord
    from kczg.services import documents as docs

    first = {nid: p.record.code for nid, p in docs.prepare_forms(submitted).items()}
    assert DocumentRecord.select().where(DocumentRecord.kind == "form",
                                         DocumentRecord.state.is_null()).count() == 0
    calls = _built(monkeypatch)
    again = docs.prepare_forms(submitted)
    assert {nid: p.record.code for nid, p in again.items()} == first
    assert calls == []  # not one content built to find the records
    # the content is there when a file must be rendered, and it is the record's content
    prepared = again[submitted[0].id]
    assert prepared.content.digest() == DocumentRecord.get_by_id(prepared.record.id).content_hash
    assert calls == [submitted[0].id]


def test_records_made_before_states_take_theirs(submitted, monkeypatch):
    from kczg.models import DocumentRecord
    from kczg.services import documents as docs

    first = {nid: p.record.code for nid, p in docs.prepare_forms(submitted).items()}
    DocumentRecord.update(state=None).execute()  # as migration 025 leaves older records
    calls = _built(monkeypatch)
    assert {nid: p.record.code for nid, p in docs.prepare_forms(submitted).items()} == first
    assert len(calls) == len(submitted)  # found by their content's hash, once
    calls.clear()
    assert {nid: p.record.code for nid, p in docs.prepare_forms(submitted).items()} == first
    assert calls == []


def test_a_change_to_what_the_content_is_made_of_gives_a_new_record(submitted):
    from kczg.models import DocumentRecord, Organisation
    from kczg.services import documents as docs

    n = submitted[0]
    before = docs.prepare_forms(submitted)[n.id].record
    Organisation.update(name="更名后的推荐单位").where(Organisation.id == n.organisation_id).execute()
    from kczg.models import Nomination

    fresh = list(Nomination.select().where(Nomination.id.in_([s.id for s in submitted])))
    after = docs.prepare_forms(fresh)[n.id]
    assert after.record.code != before.code
    assert "更名后的推荐单位" in after.content.organisation
    assert DocumentRecord.get_by_id(before.id).superseded_by_id == after.record.id
