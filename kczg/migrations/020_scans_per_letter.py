"""Peewee migrations -- 020_scans_per_letter.py: a stamped scan belongs to one letter (its list
and, on a per-domain list, its domain), and a replaced or deleted scan is kept as history
(retired_at) instead of being removed. A scan uploaded before this is given its unit's domain
where the unit has nominations in only one domain of the list; otherwise it stays without one
and the dashboard asks the unit to upload it again under the right letter."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("attachment", domain=pw.ForeignKeyField(
        column_name="domain_id", field="id", model=migrator.orm["domain"], null=True,
        on_delete="SET NULL"))
    migrator.add_fields("attachment", retired_at=pw.DateTimeField(null=True))
    migrator.sql(
        "UPDATE attachment SET domain_id = (SELECT CASE WHEN COUNT(DISTINCT n.domain_id) = 1 "
        "THEN MIN(n.domain_id) END FROM nomination n "
        "WHERE n.organisation_id = attachment.organisation_id "
        "AND n.list_id = attachment.list_id AND n.domain_id IS NOT NULL) "
        "WHERE kind = 'stamped_scan' AND domain_id IS NULL")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index("attachment", "domain")  # (SQLite drops no indexed column)
    migrator.remove_fields("attachment", "domain", "retired_at")
