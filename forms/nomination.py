"""What every nomination form class has, whichever list it is for."""
import functools

from wtforms import TextAreaField
from wtforms.fields.core import UnboundField

from .common import BaseForm, RecommenderBlock, Rows


class NominationForm(RecommenderBlock, BaseForm):
    LIST_CODE = ""
    SECTIONS: list[tuple[str, list[str]]] = []
    TITLE_FIELD = ""          # the field that names the nomination (技术名称, 企业名称, …)
    DEDUPE_FIELD = ""         # 统一社会信用代码 or repository URL: the same from two units is flagged
    DOMAIN_FIELD = ""         # set on per-domain lists (先导技术榜)
    UNIT_FIELD = ""           # the item's own organisation, printed beside it in the letter
    # the organisations the nomination names, as (field or "rows.sub-field", what it is): an
    # expert employed by one of them has a conflict of interest (kczg/rules/conflicts.py); the
    # first is the nominee's own organisation (its USCC is the DEDUPE_FIELD's)
    PARTY_FIELDS: tuple[tuple[str, str], ...] = ()
    # what the DEDUPE_FIELD is: "key" (the nominee's own USCC or repository: the same from two
    # units is the same nominee), or "technology" (the completing unit's: one university
    # completes many technologies, so only similar texts make a duplicate, kczg/rules/duplicates.py)
    DEDUPE_KIND = "key"

    @classmethod
    @functools.cache  # per class: looking through dir(cls) was 0.4 s of 8,000 nominations
    def text_fields(cls) -> tuple[str, ...]:
        """The descriptive texts (简介, 创新点, …), not the unit's 推荐意见: what duplicate
        detection compares and search reads."""
        return tuple(sorted(name for name in dir(cls) if name != "opinion"
                      and isinstance(getattr(cls, name, None), UnboundField)
                      and issubclass(getattr(cls, name).field_class, TextAreaField)))

    @classmethod
    def sections(cls):
        return cls.SECTIONS + [cls.RECOMMENDER_SECTION]

    def row_groups(self) -> dict[str, Rows]:
        return {f.name: f for f in self if isinstance(f, Rows)}

    def clean_data(self) -> dict:
        """The validated data to store and print: rows left empty are dropped; dates, decimals
        and numbers as JSON-friendly values."""
        out = {}
        for f in self:
            if f.name == "csrf_token":
                continue
            if isinstance(f, Rows):
                out[f.name] = [{k: _plain(v) for k, v in row.items()} for row in f.clean_rows]
            else:
                out[f.name] = _plain(f.data)
        return out


def _plain(value):
    from datetime import date
    from decimal import Decimal

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
