"""Peewee migrations -- 018_notice_files.py: files the secretariat publishes with a campaign's
notice (templates, a user guide, common questions)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class NoticeFile(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name="campaign_id", field="id",
                                      model=migrator.orm["campaign"], on_delete="CASCADE")
        title = pw.CharField(max_length=255)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=255)
        content_type = pw.CharField(max_length=255)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=255)
        position = pw.IntegerField(default=0)
        uploaded_by = pw.ForeignKeyField(column_name="uploaded_by_id", field="id",
                                         model=migrator.orm["user"])
        uploaded_at = pw.DateTimeField()

        class Meta:
            table_name = "notice_file"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("notice_file")
