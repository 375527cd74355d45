"""Peewee migrations -- 024_province.py: each submitted nomination's province (the 新锐企业's
registered province, else the one its unit's name starts with) kept in a column when it is
submitted, so that the secretariat's 审查进度 counts nominations by province in SQL instead of
reading every nomination's whole form data (1.4 s at 25,000 nominations)."""
import json

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase):
        # in place: add_fields would rebuild the table for NOT NULL, which the foreign keys
        # pointing at nomination refuse inside the migration's transaction once rows exist
        migrator.sql("ALTER TABLE nomination ADD COLUMN province VARCHAR(255) NOT NULL "
                     "DEFAULT ''")
    else:
        migrator.add_fields("nomination", province=pw.CharField(default=""))
    migrator.run(_backfill, database)


def _backfill(database: pw.Database) -> None:
    from kczg.services.review_stats import province_from

    rows = database.execute_sql(
        "SELECT n.id, n.clean, o.name FROM nomination n JOIN organisation o "
        "ON o.id = n.organisation_id WHERE n.submitted_at IS NOT NULL").fetchall()
    for nid, clean, unit_name in rows:
        if isinstance(clean, str):
            try:
                clean = json.loads(clean)
            except ValueError:
                clean = None
        registered = clean.get("province") if isinstance(clean, dict) else None
        database.execute_sql(f"UPDATE nomination SET province = {database.param} "
                             f"WHERE id = {database.param}",
                             (province_from(registered, unit_name), nid))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase):
        # in place (SQLite 3.35+): rebuilding the table, as remove_fields does, is refused by
        # the foreign keys that point at it inside the migration's transaction
        migrator.sql("ALTER TABLE nomination DROP COLUMN province")
    else:
        migrator.remove_fields("nomination", "province")
