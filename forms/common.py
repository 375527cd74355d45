"""The base form every page uses: Chinese built-in messages, trimmed strings."""
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, InputRequired


def strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        locales = ["zh"]  # WTForms' own Chinese messages (app sets WTF_I18N_ENABLED = False)

        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            if unbound_field.field_class.__name__ in ("StringField", "TextAreaField",
                                                      "EmailField", "TelField"):
                options["filters"] = (strip, *filters)
            return unbound_field.bind(form=form, **options)


def required(label: str = "此项"):
    return DataRequired(message=f"请填写{label}")


def chosen(label: str = "此项"):
    return InputRequired(message=f"请选择{label}")
