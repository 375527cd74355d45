"""Compiled queries: SQL built once, run with new values, the same rows as the plain query,
on whichever database the proxy points at."""
from kczg.models import Organisation, User
from kczg.models.compiled import Compiled


def test_same_rows_as_the_plain_query(db):
    by_name = Compiled(lambda name: User.select(User, Organisation)
                       .join(Organisation).where(User.username == name).limit(1))
    for name in ("unit-a", "unit-b"):
        user = by_name.first(name)
        plain = User.select(User, Organisation).join(Organisation) \
            .where(User.username == name).get()
        assert user.id == plain.id and user.organisation.name == plain.organisation.name
    assert by_name.first("nobody") is None
    first_sql = by_name._entries["campaign"][2]
    by_name.first("unit-a")
    assert by_name._entries["campaign"][2] is first_sql  # built once, reused


def test_several_values_and_tuples(db):
    names = Compiled(lambda role, prefix: User.select(User.username)
                     .where(User.role == role, User.username.startswith(prefix))
                     .order_by(User.id).tuples())
    for role, prefix in (("unit", "unit-"), ("review", "review-"), ("review", "zzz")):
        plain = list(User.select(User.username).where(User.role == role,
                                                      User.username.startswith(prefix))
                     .order_by(User.id).tuples())
        assert list(names(role, prefix)) == plain
    assert list(names("unit", "unit-"))  # the demo has unit accounts: a real comparison


def test_rows_read_the_same_way_every_run(db):
    """The column mapping kept from the first run gives every later run its own, whole rows
    (joined models, converted dates), never the first run's."""
    by_role = Compiled(lambda role: User.select(User, Organisation)
                       .join(Organisation).where(User.role == role).order_by(User.id))
    runs = [(role, list(by_role(role))) for role in ("unit", "review", "unit", "nobody", "unit")]
    assert by_role._entries["campaign"][5]  # the mapping was kept
    for role, rows in runs:
        plain = list(User.select(User, Organisation).join(Organisation)
                     .where(User.role == role).order_by(User.id))
        assert [(u.id, u.username, u.created_at, u.organisation.name) for u in rows] == \
            [(u.id, u.username, u.created_at, u.organisation.name) for u in plain]
    assert runs[0][1] and runs[0][1][0] is not runs[2][1][0]


def test_a_year_owned_table_is_compiled_with_the_scopes_campaign(db):
    """A compiled query of a year-owned table runs in the scope in force: its campaign is a
    parameter filled in at each run, never the campaign it was first built under; outside any
    scope it raises."""
    import threading

    from kczg.campaigns import scope
    from kczg.models import Campaign, NominationList, ScopeError, unscoped

    by_code = Compiled(lambda code: NominationList.select().where(NominationList.code == code))
    first = list(by_code("xdjs"))
    assert len(first) == 1 and first[0].campaign_id == Campaign.get(Campaign.is_current).id
    with scope.of(Campaign(id=999_999)):  # another year: nothing of this one
        assert list(by_code("xdjs")) == []
    with unscoped():
        assert len(list(by_code("xdjs"))) == 1
    errors = []  # a new thread starts outside any scope
    thread = threading.Thread(target=lambda: errors.append(_raises(by_code, ScopeError)))
    thread.start()
    thread.join()
    assert errors == [True]


def _raises(compiled, error) -> bool:
    try:
        compiled("xdjs")
    except error:
        return True
    return False
