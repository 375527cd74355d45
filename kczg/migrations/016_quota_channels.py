"""Peewee migrations -- 016_quota_channels.py: quotas stacked per channel (推荐渠道), as 2022
allowed: a list may count its quota per channel, and a unit may belong to more channels than its
own type."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("nomination_list", quota_per_channel=pw.BooleanField(default=False))
    migrator.add_fields("organisation", extra_channels=pw.CharField(max_length=255, default=""))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("organisation", "extra_channels")
    migrator.remove_fields("nomination_list", "quota_per_channel")
