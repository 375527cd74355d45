"""Peewee migrations -- 025_document_state.py: each 申报书 record keeps the hash of what its
content was made of (the nomination's version and times, its number and names), so that a
review body's summary or bundle of 5,000 finds every 申报书's record again in a few queries
instead of building and hashing 5,000 contents on each request. Records made before stay
without it until their 申报书 is next prepared."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase):
        # in place, as 024 does: no table rebuild under the foreign keys pointing at it
        migrator.sql("ALTER TABLE document_record ADD COLUMN state VARCHAR(255)")
    else:
        migrator.add_fields("document_record", state=pw.CharField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.SqliteDatabase):
        migrator.sql("ALTER TABLE document_record DROP COLUMN state")
    else:
        migrator.remove_fields("document_record", "state")
