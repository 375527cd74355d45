"""Peewee migrations -- 006_sessions.py: server-side sessions (one row per login; ending it
refuses its cookie)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class UserSession(pw.Model):
        id = pw.AutoField()
        token_hash = pw.CharField(max_length=255, unique=True)
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"],
                                  on_delete="CASCADE")
        created_at = pw.DateTimeField()
        last_seen_at = pw.DateTimeField()
        ended_at = pw.DateTimeField(null=True)
        ip = pw.CharField(default="", max_length=255)
        user_agent = pw.CharField(default="", max_length=255)

        class Meta:
            table_name = "user_session"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("user_session")
