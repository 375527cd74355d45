"""Peewee migrations -- 023_search.py: Chinese search over nominations. search_entry holds each
nomination's searchable text, normalised, and its terms (Chinese bigrams and Latin words,
space-separated); SQLite indexes the terms with FTS5 (search_fts, an external-content table kept
by triggers), PostgreSQL with a GIN index on the terms as an array (no extension needed).
Existing nominations are indexed by `flask kczg init` (kczg/operations/search.py), which
every upgrade runs."""

import peewee as pw
from peewee_migrate import Migrator

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_entry', "
    "content_rowid='nomination_id', detail=none)",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.nomination_id, new.terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.nomination_id, "
    "old.terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.nomination_id, "
    "old.terms); INSERT INTO search_fts(rowid, terms) VALUES (new.nomination_id, new.terms); END",
]
POSTGRES = ["CREATE INDEX search_entry_terms ON search_entry "
            "USING gin (string_to_array(terms, ' '))"]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class SearchEntry(pw.Model):
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"], primary_key=True,
                                        on_delete="CASCADE")
        campaign = pw.ForeignKeyField(column_name="campaign_id", field="id",
                                      model=migrator.orm["campaign"], on_delete="CASCADE")
        content = pw.TextField(default="")
        terms = pw.TextField(default="")

        class Meta:
            table_name = "search_entry"

    for sql in POSTGRES if isinstance(database, pw.PostgresqlDatabase) else SQLITE:
        migrator.sql(sql)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        for sql in ("DROP TRIGGER search_entry_au", "DROP TRIGGER search_entry_ad",
                    "DROP TRIGGER search_entry_ai", "DROP TABLE search_fts"):
            migrator.sql(sql)
    migrator.remove_model("search_entry")
