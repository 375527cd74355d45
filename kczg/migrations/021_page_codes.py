"""Peewee migrations -- 021_page_codes.py: what each printed page of a 申报书 or a summary says
(its text, whitespace removed), so that a page's own code can be checked against a line a reader
types from the paper."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("document_record", pages=pw.TextField(default="[]"))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("document_record", "pages")
