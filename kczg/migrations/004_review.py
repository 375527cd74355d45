"""Peewee migrations -- 004_review.py: the review (备案, criteria, assignments, scores, results,
extensions, decisions, publications, messages, audit) and experts' affiliation and e-mail."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("user",
                        affiliation=pw.CharField(default="", max_length=255),
                        email=pw.CharField(default="", max_length=255))

    @migrator.create_model
    class Filing(pw.Model):
        id = pw.AutoField()
        body = pw.ForeignKeyField(column_name="body_id", field="id",
                                  model=migrator.orm["review_body"], unique=True)
        plan = pw.TextField(default="")
        experts = pw.TextField(default="")
        standards = pw.TextField(default="")
        status = pw.CharField(default="draft", max_length=255)
        comment = pw.CharField(default="", max_length=255)
        submitted_at = pw.DateTimeField(null=True)
        decided_at = pw.DateTimeField(null=True)
        decided_by = pw.ForeignKeyField(column_name="decided_by_id", field="id",
                                        model=migrator.orm["user"], null=True)

        class Meta:
            table_name = "filing"

    @migrator.create_model
    class Criterion(pw.Model):
        id = pw.AutoField()
        body = pw.ForeignKeyField(column_name="body_id", field="id",
                                  model=migrator.orm["review_body"])
        list = pw.ForeignKeyField(column_name="list_id", field="id",
                                  model=migrator.orm["nomination_list"])
        name = pw.CharField(max_length=255)
        weight = pw.IntegerField()
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "criterion"

    @migrator.create_model
    class Assignment(pw.Model):
        id = pw.AutoField()
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"])
        expert = pw.ForeignKeyField(column_name="expert_id", field="id",
                                    model=migrator.orm["user"])
        status = pw.CharField(default="assigned", index=True, max_length=255)
        conflict_reason = pw.CharField(default="", max_length=255)
        comment = pw.TextField(default="")
        assigned_by = pw.ForeignKeyField(column_name="assigned_by_id", field="id",
                                         model=migrator.orm["user"])
        assigned_at = pw.DateTimeField()
        submitted_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "assignment"
            indexes = [(("nomination", "expert"), True)]

    @migrator.create_model
    class Score(pw.Model):
        id = pw.AutoField()
        assignment = pw.ForeignKeyField(column_name="assignment_id", field="id",
                                        model=migrator.orm["assignment"], on_delete="CASCADE")
        criterion = pw.ForeignKeyField(column_name="criterion_id", field="id",
                                       model=migrator.orm["criterion"])
        value = pw.IntegerField()

        class Meta:
            table_name = "score"
            indexes = [(("assignment", "criterion"), True)]

    @migrator.create_model
    class BodyResult(pw.Model):
        id = pw.AutoField()
        body = pw.ForeignKeyField(column_name="body_id", field="id",
                                  model=migrator.orm["review_body"], unique=True)
        status = pw.CharField(default="open", max_length=255)
        shortlist = pw.TextField(default="[]")
        blind = pw.BooleanField(default=False)
        comment = pw.CharField(default="", max_length=255)
        submitted_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "body_result"

    @migrator.create_model
    class Extension(pw.Model):
        id = pw.AutoField()
        organisation = pw.ForeignKeyField(column_name="organisation_id", field="id",
                                          model=migrator.orm["organisation"], null=True)
        body = pw.ForeignKeyField(column_name="body_id", field="id",
                                  model=migrator.orm["review_body"], null=True)
        until = pw.DateTimeField()
        reason = pw.CharField(default="", max_length=255)
        granted_by = pw.ForeignKeyField(column_name="granted_by_id", field="id",
                                        model=migrator.orm["user"])
        granted_at = pw.DateTimeField()

        class Meta:
            table_name = "extension"

    @migrator.create_model
    class Decision(pw.Model):
        id = pw.AutoField()
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"], unique=True)
        selected = pw.BooleanField()
        comment = pw.CharField(default="", max_length=255)
        decided_by = pw.ForeignKeyField(column_name="decided_by_id", field="id",
                                        model=migrator.orm["user"])
        decided_at = pw.DateTimeField()

        class Meta:
            table_name = "decision"

    @migrator.create_model
    class Publication(pw.Model):
        id = pw.AutoField()
        list = pw.ForeignKeyField(column_name="list_id", field="id",
                                  model=migrator.orm["nomination_list"], unique=True)
        entries = pw.TextField(default="[]")
        published_by = pw.ForeignKeyField(column_name="published_by_id", field="id",
                                          model=migrator.orm["user"])
        published_at = pw.DateTimeField()

        class Meta:
            table_name = "publication"

    @migrator.create_model
    class Message(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"])
        subject = pw.CharField(max_length=255)
        body = pw.TextField(default="")
        created_at = pw.DateTimeField()
        read = pw.BooleanField(default=False)
        emailed = pw.BooleanField(default=False)

        class Meta:
            table_name = "message"

    @migrator.create_model
    class AuditEvent(pw.Model):
        id = pw.AutoField()
        actor = pw.ForeignKeyField(column_name="actor_id", field="id", model=migrator.orm["user"])
        action = pw.CharField(max_length=255)
        subject = pw.CharField(max_length=255)
        detail = pw.TextField(default="")
        at = pw.DateTimeField()

        class Meta:
            table_name = "audit_event"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("audit_event", "message", "publication", "decision", "extension",
                  "body_result", "score", "assignment", "criterion", "filing"):
        migrator.remove_model(table)
    migrator.remove_fields("user", "affiliation", "email")
