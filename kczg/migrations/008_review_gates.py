"""Peewee migrations -- 008_review_gates.py: a body's results keep the reason it reported them
with assignments still unscored."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("body_result", note=pw.CharField(default="", max_length=600))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("body_result", "note")
