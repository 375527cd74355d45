"""Peewee migrations -- 013_blind_safe.py: a material the body marked as naming no unit, which
its experts may see in blind review."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("attachment", blind_safe=pw.BooleanField(default=False))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("attachment", "blind_safe")
