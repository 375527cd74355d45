"""Peewee migrations -- 010_history_changes.py: a nomination's history keeps each changed
field's value before and after."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("nomination_history", changes=pw.TextField(default="[]"))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("nomination_history", "changes")
