"""Peewee migrations -- 009_outcomes.py: a nomination keeps how the review went for its unit
(written when its body reports and when its list is published or withdrawn from publication)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("nomination", outcome=pw.CharField(default="", max_length=255))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("nomination", "outcome")
