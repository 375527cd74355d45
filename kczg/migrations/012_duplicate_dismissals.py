"""Peewee migrations -- 012_duplicate_dismissals.py: groups of nominations the secretariat marked
as not duplicates."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class DuplicateDismissal(pw.Model):
        id = pw.AutoField()
        ids = pw.CharField(max_length=255, unique=True)
        by = pw.ForeignKeyField(column_name="by_id", field="id", model=migrator.orm["user"])
        at = pw.DateTimeField()

        class Meta:
            table_name = "duplicate_dismissal"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("duplicate_dismissal")
