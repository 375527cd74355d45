"""Peewee migrations -- 015_campaign_years.py: a campaign is the unit of everything a year owns.

- campaign.year: the campaign's year (labels, 新锐企业榜 revenue years), from its slug or title;
- user.body_key: the stable id (short_id) of a review body or expert account's body, so the same
  account reviews each year's body of that id;
- extension.campaign: a unit's extension belongs to one campaign;
- nomination_list: a form defined in the campaign file (form_spec, JSON), and a list's own
  calendar and supplementary notice (opened later by a 补充通知, e.g. 青年创业榜).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("campaign", year=pw.IntegerField(default=0))
    migrator.add_fields("user", body_key=pw.CharField(max_length=255, default=""))
    migrator.add_fields("extension", campaign=pw.ForeignKeyField(
        column_name="campaign_id", field="id", model=migrator.orm["campaign"], null=True,
        on_delete="CASCADE"))
    migrator.add_fields(
        "nomination_list",
        form_spec=pw.TextField(default=""),
        opens_at=pw.DateTimeField(null=True),
        deadline=pw.DateTimeField(null=True),
        deadline_label=pw.CharField(max_length=255, default=""),
        notice_title=pw.CharField(max_length=255, default=""),
        notice_text=pw.TextField(default=""))
    migrator.sql("UPDATE campaign SET year = CAST(substr(slug, 1, 4) AS INTEGER) "
                 "WHERE slug >= '1900' AND slug < '3000'")
    migrator.sql('UPDATE "user" SET body_key = (SELECT b.short_id FROM review_body b '
                 'WHERE b.id = "user".review_body_id) WHERE review_body_id IS NOT NULL')
    migrator.sql("UPDATE extension SET campaign_id = (SELECT b.campaign_id FROM review_body b "
                 "WHERE b.id = extension.body_id) WHERE body_id IS NOT NULL")
    migrator.sql("UPDATE extension SET campaign_id = (SELECT c.id FROM campaign c "
                 "WHERE c.is_current ORDER BY c.loaded_at DESC LIMIT 1) WHERE campaign_id IS NULL")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("nomination_list", "form_spec", "opens_at", "deadline",
                           "deadline_label", "notice_title", "notice_text")
    migrator.remove_fields("extension", "campaign")
    migrator.remove_fields("user", "body_key")
    migrator.remove_fields("campaign", "year")
