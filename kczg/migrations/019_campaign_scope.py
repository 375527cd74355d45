"""Peewee migrations -- 019_campaign_scope.py: every table a year owns says which campaign.

Each year-owned table gets `campaign_id` (domains, nominations and their history, conflict
copies and files, duplicate marks, documents and bundles, the review's filings, criteria,
assignments, scores, results and decisions, publications, letter numbers), filled from the row
it belongs to; the campaign scope (kczg/models/scoping.py) restricts every query to it.
Extensions get their kind: a deadline in the current year, or an earlier year reopened for a
unit.
"""

import peewee as pw
from peewee_migrate import Migrator

TABLES = ["domain", "nomination", "nomination_history", "nomination_conflict", "attachment",
          "duplicate_dismissal", "document_record", "bundle_build", "filing", "criterion",
          "assignment", "score", "body_result", "decision", "publication", "letter_number"]

CURRENT = ("(SELECT c.id FROM campaign c WHERE c.is_current "
           "ORDER BY c.loaded_at DESC LIMIT 1)")


def _first_number(column: str, postgres: bool) -> str:
    """SQL: the whole number before the first ',' or ':' of a text column ('12,15' -> 12)."""
    if postgres:
        return (f"CAST(NULLIF(split_part(split_part({column}, ',', 1), ':', 1), '') "
                "AS INTEGER)")
    return (f"CAST(CASE WHEN instr({column}, ',') > 0 THEN substr({column}, 1, "
            f"instr({column}, ',') - 1) WHEN instr({column}, ':') > 0 THEN substr({column}, 1, "
            f"instr({column}, ':') - 1) ELSE {column} END AS INTEGER)")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for table in TABLES:
        migrator.add_fields(table, campaign=pw.ForeignKeyField(
            column_name="campaign_id", field="id", model=migrator.orm["campaign"], null=True,
            on_delete="CASCADE"))
    migrator.add_fields("extension", kind=pw.CharField(max_length=255, default="deadline"))

    def fill(table, source):
        migrator.sql(f"UPDATE {table} SET campaign_id = ({source}) WHERE campaign_id IS NULL")

    of_list = "SELECT l.campaign_id FROM nomination_list l WHERE l.id = {}.list_id"
    of_body = "SELECT b.campaign_id FROM review_body b WHERE b.id = {}.body_id"
    of_nomination = "SELECT n.campaign_id FROM nomination n WHERE n.id = {}.nomination_id"
    fill("domain", of_list.format("domain"))
    fill("nomination", of_list.format("nomination"))
    for table in ("nomination_history", "nomination_conflict", "assignment", "decision"):
        fill(table, of_nomination.format(table))
    fill("attachment", of_list.format("attachment"))
    fill("publication", of_list.format("publication"))
    for table in ("filing", "criterion", "body_result"):
        fill(table, of_body.format(table))
    fill("score", "SELECT a.campaign_id FROM assignment a WHERE a.id = score.assignment_id")
    fill("duplicate_dismissal", "SELECT n.campaign_id FROM nomination n WHERE n.id = "
         + _first_number("duplicate_dismissal.ids", postgres))
    fill("letter_number", "SELECT l.campaign_id FROM nomination_list l WHERE l.id = "
         + _first_number("letter_number.letter", postgres))
    fill("document_record", of_nomination.format("document_record"))
    fill("document_record", of_list.format("document_record"))
    fill("document_record", "SELECT b.campaign_id FROM review_body b "
         "WHERE b.id = document_record.review_body_id")
    # a unit's summary: summary-unit:<organisation>:<campaign>
    if postgres:
        migrator.sql("UPDATE document_record SET campaign_id = CAST(split_part(subject, ':', 3) "
                     "AS INTEGER) WHERE campaign_id IS NULL AND substr(subject, 1, 13) = 'summary-unit:'")
    else:
        migrator.sql("UPDATE document_record SET campaign_id = CAST(substr(subject, "
                     "instr(substr(subject, 14), ':') + 14) AS INTEGER) "
                     "WHERE campaign_id IS NULL AND substr(subject, 1, 13) = 'summary-unit:'")
    # what nothing else tells (a bundle's scope key) belongs to the current year; a row left
    # without a campaign makes the migration fail below, it is never dropped
    for table in [*TABLES, "extension"]:
        fill(table, CURRENT)
    # NOT NULL in the database on PostgreSQL (in place). SQLite would rebuild each table for it,
    # which its foreign keys refuse inside the migration's transaction: there the column stays
    # nullable in the file, and the models, which never write a row without its campaign, say
    # not null (kczg/models/scoping.py).
    if postgres:
        if not fake:  # run what is queued: add_not_null marks the field add_fields added
            migrator()
        for table in [*TABLES, "extension"]:
            migrator.add_not_null(table, "campaign")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.drop_not_null("extension", "campaign")
    migrator.remove_fields("extension", "kind")
    for table in TABLES:
        migrator.drop_index(table, "campaign")  # (SQLite drops no indexed column)
        migrator.remove_fields(table, "campaign")
