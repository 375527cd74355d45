"""The migrations build exactly the schema the models describe, on either database."""
from kczg.db import database, is_postgres
from kczg.models import ALL_MODELS


def test_migrations_match_the_models(db):
    tables = set(database.get_tables())
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, table
        columns = {c.name for c in database.get_columns(table)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, table


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db):
    if is_postgres():
        assert database.execute_sql("select 1").fetchone() == (1,)
        return
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
