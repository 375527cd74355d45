"""Peewee migrations -- 011_expert_pledge.py: when an expert accepted the 保密与回避承诺 (no
score before)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("user", pledged_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("user", "pledged_at")
