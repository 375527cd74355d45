"""Compiled queries: SQL built once, run with new values, the same rows as the plain query,
on whichever database the proxy points at."""
from kczg.db import Compiled
from kczg.models import Organisation, User


def test_same_rows_as_the_plain_query(db):
    by_name = Compiled(lambda name: User.select(User, Organisation)
                       .join(Organisation).where(User.username == name).limit(1))
    for name in ("unit-a", "unit-b"):
        user = by_name.first(name)
        plain = User.select(User, Organisation).join(Organisation) \
            .where(User.username == name).get()
        assert user.id == plain.id and user.organisation.name == plain.organisation.name
    assert by_name.first("nobody") is None
    first_sql = by_name._entry[2]
    by_name.first("unit-a")
    assert by_name._entry[2] is first_sql  # built once, reused


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
    assert by_role._entry[5]  # the mapping was kept
    for role, rows in runs:
        plain = list(User.select(User, Organisation).join(Organisation)
                     .where(User.role == role).order_by(User.id))
        assert [(u.id, u.username, u.created_at, u.organisation.name) for u in rows] == \
            [(u.id, u.username, u.created_at, u.organisation.name) for u in plain]
    assert runs[0][1] and runs[0][1][0] is not runs[2][1][0]
