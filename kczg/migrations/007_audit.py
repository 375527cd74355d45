"""Peewee migrations -- 007_audit.py: the audit log takes account events (a failed login has no
actor; every event keeps the client's address); login attempts are no longer kept apart (the
throttle counts in its own store, the audit log keeps the record); unit accounts carry their
unit's e-mail address (mail reaches them)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("audit_event", ip=pw.CharField(default="", max_length=255))
    migrator.drop_not_null("audit_event", "actor")
    migrator.add_index("audit_event", "action")
    migrator.add_index("audit_event", "at")
    migrator.remove_model("login_attempt")
    migrator.sql('UPDATE "user" SET email = (SELECT o.email FROM organisation o '
                 'WHERE o.id = "user".organisation_id) '
                 "WHERE role = 'unit' AND email = '' AND organisation_id IS NOT NULL")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LoginAttempt(pw.Model):
        id = pw.AutoField()
        username = pw.CharField(index=True, max_length=255)
        ip = pw.CharField(default="", index=True, max_length=255)
        succeeded = pw.BooleanField(default=False)
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_attempt"

    migrator.drop_index("audit_event", "at")
    migrator.drop_index("audit_event", "action")
    migrator.add_not_null("audit_event", "actor")
    migrator.remove_fields("audit_event", "ip")
