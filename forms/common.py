"""The pieces every nomination form shares: the base classes, the row forms of repeating
groups, the recommending unit's block at the end of each form, and field validators."""
from datetime import date

import wtforms
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError
from wtforms.validators import Optional as OptionalValidator

from .fast_html import FastMeta
from .validators import Email, MaxChars, Phone

STRING_FIELDS = ("StringField", "TextAreaField", "EmailField", "TelField", "URLField")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ChineseMeta(FastMeta):
    """Chinese messages, stripped text, and our widgets (forms/fast_html.py)."""
    locales = ["zh"]  # WTForms' own Chinese messages (the app sets WTF_I18N_ENABLED = False)

    def bind_field(self, form, unbound_field, options):
        if unbound_field.field_class.__name__ in STRING_FIELDS:
            options["filters"] = (strip, *unbound_field.kwargs.get("filters", ()))
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    class Meta(ChineseMeta):
        pass

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            explain_malformed(self)
        return ok


def required(label: str = "此项"):
    return DataRequired(message=f"请填写{label}")


def chosen(label: str = "此项"):
    return InputRequired(message=f"请选择{label}")


def optional():
    return OptionalValidator()


def non_negative(label: str = "此项"):
    return NumberRange(min=0, message=f"{label}不能为负数")


class NotFuture:
    def __call__(self, form, field):
        if field.data and field.data > date.today():
            raise ValidationError("日期不能晚于今天")


class HttpsURL:
    def __call__(self, form, field):
        from urllib.parse import urlsplit

        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme != "https" or not parts.netloc or " " in field.data:
            raise ValidationError("请填写以 https:// 开头的完整地址，如 https://gitee.com/组织/项目")


# --- repeating groups ----------------------------------------------------------------------

class RowForm(wtforms.Form):
    """One row of a repeating group. A row left wholly empty is valid and dropped on submit."""

    class Meta(ChineseMeta):
        pass

    def is_empty(self) -> bool:
        return not any(f.raw_data and str(f.raw_data[0]).strip() for f in self)

    def validate(self, extra_validators=None):
        if self.is_empty():
            return True
        return super().validate(extra_validators)


class Rows(FieldList):
    """A repeating group with a Chinese row limit; it never silently drops rows typed."""

    def __init__(self, row_form, label=None, max_rows=50, min_rows=0, row_label="行", **kw):
        super().__init__(FormField(row_form), label, min_entries=1, **kw)
        self.max_rows, self.min_rows, self.row_label = max_rows, min_rows, row_label

    def validate(self, form, extra_validators=()):
        ok = super().validate(form, extra_validators)
        filled = [e for e in self.entries if not e.form.is_empty()]
        if len(self.entries) > self.max_rows:
            self.errors.append(f"最多填写{self.max_rows}{self.row_label}")
            ok = False
        if len(filled) < self.min_rows:
            self.errors.append(f"请至少填写{self.min_rows}{self.row_label}")
            ok = False
        return ok

    def filled_entries(self) -> list:
        return [e for e in self.entries if not e.form.is_empty()]

    @property
    def clean_rows(self) -> list[dict]:
        return [e.form.data for e in self.filled_entries()]


def malformed_message(field) -> str | None:
    """A value that is there but cannot be what the field means, in its own words (not
    "请填写…" as if it were missing, nor WTForms' generic "Not a valid choice")."""
    text = str((field.raw_data or [""])[0] or "").strip() if field.raw_data else ""
    if not text:
        return None
    label, shown = str(field.label.text), text[:30]
    if field.type == "IntegerField" and field.data is None:
        return f"{label}须为整数，“{shown}”不是整数"
    if field.type == "DecimalField" and field.data is None:
        return f"{label}须为数字（如 1800 或 1800.50），“{shown}”不是数字"
    if field.type == "DateField" and field.data is None:
        return f"“{shown}”不是有效日期，请按 2021-10-20 的格式填写{label}"
    if field.type == "SelectField" and text not in {str(v) for v, *_ in field.choices or ()}:
        return f"“{shown}”不是{label}的可选项，请从列表中选择"
    return None


def explain_malformed(form) -> None:
    """Give each refused field whose value is malformed that message instead of its others."""
    for field in form:
        entries = getattr(field, "entries", None)
        subs = [sub for entry in entries for sub in entry.form] if entries is not None \
            else [field]
        for sub in subs:
            if sub.errors:
                message = malformed_message(sub)
                if message:
                    sub.errors = [message]


# FieldList.errors is a list of per-entry errors; keep group-level messages apart from them
def group_errors(field) -> list[str]:
    return [e for e in field.errors if isinstance(e, str)]


# --- the recommending unit's block ---------------------------------------------------------

PLEDGE = "本单位承诺：所推荐材料真实、准确，无知识产权纠纷，未违反科研诚信要求。"


class RecommenderBlock:
    """推荐单位信息 at the end of every nomination form (the unit's name comes from the account)."""

    contact_name = StringField("联系人", validators=[required("联系人"), MaxChars(30)])
    contact_phone = StringField("联系电话", validators=[required("联系电话"), MaxChars(30), Phone()],
                                description="手机号码，或带区号的固定电话")
    contact_email = StringField("电子邮箱", validators=[required("电子邮箱"), MaxChars(100), Email()])
    opinion = TextAreaField("推荐意见", validators=[required("推荐意见"), MaxChars(500)],
                            description="不超过500字")
    pledge = BooleanField(PLEDGE, validators=[DataRequired(message="请阅读并勾选诚信承诺")])

    RECOMMENDER_SECTION = ("推荐单位意见", ["contact_name", "contact_phone", "contact_email",
                                      "opinion", "pledge"])


def int_or_none(value):
    """coerce for integer selects whose first option is an empty “请选择”."""
    if value is None or str(value).strip() == "":
        return None
    return int(value)
