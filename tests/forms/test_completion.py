"""A draft's completion (the share of its form filled as submission wants it, on the unit's
dashboard) is kept per process by what it is made of: it follows every change of the data, and
is what validating the form anew gives."""


def test_completion_follows_the_data_and_equals_a_fresh_validation(app, db, collection_open):
    from kczg.demo_data import sample
    from kczg.models import Domain, NominationList, User
    from kczg.operations import nominations as ops
    from kczg.services import nominations as svc

    user = User.get(User.username == "unit-a")
    lst = NominationList.get(NominationList.code == "xdjs")
    draft = ops.create_draft(user, lst, Domain.get(Domain.list == lst, Domain.code == "dzxx"))

    def fresh():
        svc._COMPLETIONS.clear()
        return svc.completion(draft)

    empty = svc.completion(draft)
    assert empty == fresh() and not empty.passes
    full = {k: [v] for k, v in sample("xdjs").items()}
    draft.raw = full
    done = svc.completion(draft)
    assert done.passes and done.share == 100 and done == fresh()
    half = {k: v for i, (k, v) in enumerate(sorted(full.items())) if i % 2}
    draft.raw = half
    partly = svc.completion(draft)
    assert 0 < partly.share < 100 and not partly.passes and partly == fresh()
    # an empty draft starts from the unit's contacts: another unit's contacts, another share
    draft.raw = {}
    draft.organisation.contact = ""
    assert svc.completion(draft) == fresh()
