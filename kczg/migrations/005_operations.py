"""Peewee migrations -- 005_operations.py: a campaign's facts version (the in-process cache of
lists, domains, bodies and phases follows it) and a lease on bundle builds (a build whose
worker died is detected by its expired lease and retried)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("campaign", facts_version=pw.IntegerField(default=0))
    migrator.add_fields("bundle_build",
                        lease_until=pw.DateTimeField(null=True),
                        attempts=pw.IntegerField(default=0),
                        worker=pw.CharField(default="", max_length=255))
    # the duplicate flag (same list, same key, another unit) and the per-list counts look
    # nominations up by list and key: one index serves both
    migrator.add_index("nomination", "list", "dedupe_key")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index("nomination", "list", "dedupe_key")
    migrator.remove_fields("bundle_build", "lease_until", "attempts", "worker")
    migrator.remove_fields("campaign", "facts_version")
