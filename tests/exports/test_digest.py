"""A document's digest (the content hash its verification record keeps) is the hash of the JSON
`dataclasses.asdict` gives: computing it faster must not change one hash, or every document
issued before would be superseded by a new code for the same content."""
import hashlib
import json
from dataclasses import asdict

from exports.content import _digest


def _as_before(obj) -> str:
    data = json.dumps(asdict(obj), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def test_digests_are_those_of_asdict(app, db, collection_open):
    from kczg import demo
    from kczg.models import Nomination, Organisation, ReviewBody
    from kczg.services import documents as docs

    demo.load_nominations()
    nominations = list(Nomination.select().where(Nomination.status == "submitted"))
    assert len(nominations) > 20
    contents = [docs.form_content(n, blind) for n in nominations for blind in (False, True)]
    contents += [docs.prepare_letter(n.organisation, n.list, n.domain).content
                 for n in nominations[:10]]
    contents += [docs.prepare_body_summary(b).content for b in ReviewBody.select()]
    contents += [docs.prepare_unit_summary(o).content for o in Organisation.select()[:5]]
    for content in contents:
        assert _digest(content) == _as_before(content), type(content).__name__
    assert len({_digest(c) for c in contents}) > len(contents) // 2  # they differ
