"""Peewee migrations -- 014_print.py: what the paper copies need beyond the content: each list's
measure word (1家企业, 2项技术), room for a pre-printed letterhead (campaign default, unit's own),
a letter's 发文字号, and the key facts of each document shown on the verification page."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("nomination_list", item_noun=pw.CharField(max_length=255, default="项"))
    migrator.add_fields("campaign", letterhead_mm=pw.IntegerField(default=0))
    migrator.add_fields("organisation", letterhead_mm=pw.IntegerField(null=True))
    migrator.add_fields("document_record", facts=pw.TextField(default="[]"))

    @migrator.create_model
    class LetterNumber(pw.Model):
        id = pw.AutoField()
        organisation = pw.ForeignKeyField(column_name="organisation_id", field="id",
                                          model=migrator.orm["organisation"], on_delete="CASCADE")
        letter = pw.CharField(max_length=255)   # list code, or list:domain code
        number = pw.CharField(max_length=255)

        class Meta:
            table_name = "letter_number"
            indexes = [(("organisation", "letter"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("letter_number")
    migrator.remove_fields("document_record", "facts")
    migrator.remove_fields("organisation", "letterhead_mm")
    migrator.remove_fields("campaign", "letterhead_mm")
    migrator.remove_fields("nomination_list", "item_noun")
