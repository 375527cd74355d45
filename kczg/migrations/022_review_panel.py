"""Peewee migrations -- 022_review_panel.py: review beyond declared conflicts and hand
assignment. An expert's employer may carry its 统一社会信用代码 and the expert a capacity
(the most nominations they take); a body may clear a conflict the platform derived from the
data, with a reason (conflict_clearance); experts and their body discuss a nomination
(discussion_post); the body's 组长 (body_result.chair) writes the panel's conclusion on each
nomination (panel_summary), required before the body reports its results."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("user", affiliation_uscc=pw.CharField(max_length=18, null=True),  # (SQLite: a nullable column adds without rebuilding the table)
                        review_capacity=pw.IntegerField(null=True))
    migrator.add_fields("body_result", chair=pw.ForeignKeyField(
        column_name="chair_id", field="id", model=migrator.orm["user"], null=True,
        on_delete="SET NULL"))

    @migrator.create_model
    class ConflictClearance(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name="campaign_id", field="id",
                                      model=migrator.orm["campaign"], on_delete="CASCADE")
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"], on_delete="CASCADE")
        expert = pw.ForeignKeyField(column_name="expert_id", field="id",
                                    model=migrator.orm["user"])
        reason = pw.CharField(max_length=255)
        cleared_by = pw.ForeignKeyField(column_name="cleared_by_id", field="id",
                                        model=migrator.orm["user"])
        cleared_at = pw.DateTimeField()

        class Meta:
            table_name = "conflict_clearance"
            indexes = ((("nomination", "expert"), True),)

    @migrator.create_model
    class DiscussionPost(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name="campaign_id", field="id",
                                      model=migrator.orm["campaign"], on_delete="CASCADE")
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"], on_delete="CASCADE")
        author = pw.ForeignKeyField(column_name="author_id", field="id",
                                    model=migrator.orm["user"])
        text = pw.TextField()
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "discussion_post"

    @migrator.create_model
    class PanelSummary(pw.Model):
        id = pw.AutoField()
        campaign = pw.ForeignKeyField(column_name="campaign_id", field="id",
                                      model=migrator.orm["campaign"], on_delete="CASCADE")
        nomination = pw.ForeignKeyField(column_name="nomination_id", field="id",
                                        model=migrator.orm["nomination"], on_delete="CASCADE",
                                        unique=True)
        text = pw.TextField()
        author = pw.ForeignKeyField(column_name="author_id", field="id",
                                    model=migrator.orm["user"])
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "panel_summary"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("panel_summary")
    migrator.remove_model("discussion_post")
    migrator.remove_model("conflict_clearance")
    migrator.drop_index("body_result", "chair")  # (SQLite drops no indexed column)
    migrator.remove_fields("body_result", "chair")
    migrator.remove_fields("user", "affiliation_uscc", "review_capacity")
