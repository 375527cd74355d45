"""A faster drop-in for WTForms' `html_params`, installed by `install()` (forms/__init__.py).

WTForms builds every attribute with `Markup('{k}="{v}"').format(...)`, which goes through
`string.Formatter` and escapes the already-escaped key again; on a 40-field nomination form that
was a third of the page's time. This version gives the same output (tests/forms/test_fast_html.py
compares the two) with plain string operations.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from wtforms.widgets import core

_original = core.html_params


def _clean_key(key: str) -> str:
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


_KEYS: dict[str, tuple[str, str]] = {}  # keyword -> (attribute name, escaped)
_SPECIAL = re.compile(r"[&<>\"']")


def _text(value) -> str:
    """`escape(value)` as text, without building Markup objects for plain safe strings."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = value if isinstance(value, str) else str(value)
    return str(escape(text)) if _SPECIAL.search(text) else text


def html_params(**kwargs) -> Markup:
    params = []
    for k, v in sorted(kwargs.items()):
        key = _KEYS.get(k)
        if key is None:
            clean = _clean_key(k)
            key = _KEYS[k] = (clean, str(escape(clean)))
        if v is True:
            params.append(key[0])
        elif v is False:
            continue
        else:
            params.append(f'{key[1]}="{_text(v).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


class FastSelect(core.Select):
    """WTForms' Select with the same output, without inspecting `render_option`'s signature
    on every render and without a Markup.format per option."""

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option

    _options: dict[tuple, Markup] = {}  # (value, label, selected) -> markup; bounded below

    @classmethod
    def render_option(cls, choice, **kwargs):
        if not kwargs and not choice.render_kw:
            key = (type(choice.value), choice.value, choice.label, bool(choice.selected))
            try:
                html = cls._options.get(key)
            except TypeError:  # a value that cannot be a key (never one of ours)
                return cls._render_option(choice)
            if html is None:
                if len(cls._options) > 50000:
                    cls._options.clear()
                html = cls._options[key] = cls._render_option(choice)
            return html
        return cls._render_option(choice, **kwargs)

    @classmethod
    def _render_option(cls, choice, **kwargs):
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        return Markup(f"<option {html_params(**options)}>{label}</option>")


def install() -> None:
    import wtforms.widgets

    core.html_params = html_params       # what the widgets call
    wtforms.widgets.html_params = html_params  # what Label calls (imported by name there)
    for obj in vars(core).values():      # widgets that keep it as a class attribute (Input)
        if isinstance(obj, type) and "html_params" in vars(obj):
            obj.html_params = staticmethod(html_params)
    from wtforms.fields import choices

    choices.SelectField.widget = FastSelect()


def original(**kwargs) -> Markup:
    return _original(**kwargs)
