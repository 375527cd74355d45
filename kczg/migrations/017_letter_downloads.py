"""Peewee migrations -- 017_letter_downloads.py: when the unit first downloaded a document (its
step guide shows 下载推荐函 as done only then)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("document_record", downloaded_at=pw.DateTimeField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("document_record", "downloaded_at")
