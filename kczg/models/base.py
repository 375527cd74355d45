from datetime import datetime, timezone

import peewee

from kczg.db import database


def utcnow() -> datetime:
    """Naive UTC, as every DateTimeField in this schema stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False
