"""Faster widgets for our forms, through WTForms' own hook: `FastMeta.render_field`.

WTForms builds every attribute with `Markup('{k}="{v}"').format(...)`, which goes through
`string.Formatter` and escapes the already-escaped key again; on a 40-field nomination form that
was a third of the page's time. `html_params` here gives the same output with plain string
operations (tests/forms/test_fast_html.py compares the two), and our forms' Meta renders each
field with a widget of our own that uses it: a subclass of the field's WTForms widget (Input's
own `html_params` attribute overridden on our subclass, TextArea's and Select's `__call__`
rewritten with the same output). Nothing of WTForms itself is replaced: other forms, and
widgets we do not know, render as WTForms renders them.

`_iter_choices_normalized` and `_iter_groups_normalized` (what WTForms' Select itself calls) are
WTForms 3.3 internals: pyproject.toml pins WTForms to 3.3.x for them.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from wtforms.meta import DefaultMeta
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


class FastTextArea(core.TextArea):
    """WTForms' TextArea, the same output through our html_params."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        return Markup(f"<textarea {html_params(name=field.name, **kwargs)}>\r\n"
                      f"{escape(field._value())}</textarea>")


class FastSelect(core.Select):
    """WTForms' Select with the same output, without inspecting `render_option`'s signature
    on every render and without a Markup.format per option."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        render = self.render_option
        if field.has_groups():
            for optgroup, choices in field._iter_groups_normalized():
                if optgroup is not None:
                    html.append(f"<optgroup {html_params(label=optgroup)}>")
                html.extend(render(choice) for choice in choices)
                if optgroup is not None:
                    html.append("</optgroup>")
        else:
            html.extend(render(choice) for choice in field._iter_choices_normalized())
        html.append("</select>")
        return Markup("".join(html))

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


_input_classes: dict[type, type] = {}  # a WTForms Input class -> our subclass of it


def _fast_class(cls: type) -> type | None:
    """Our subclass of a WTForms widget class, or None for a widget we do not know."""
    if cls in (core.TextArea, FastTextArea):
        return FastTextArea
    if cls in (core.Select, FastSelect):
        return FastSelect
    if issubclass(cls, core.Input) and vars(core).get(cls.__name__) is cls:
        if cls not in _input_classes:  # Input.__call__ calls self.html_params
            _input_classes[cls] = type(f"Fast{cls.__name__}", (cls,),
                                       {"html_params": staticmethod(html_params)})
        return _input_classes[cls]
    return None


_widgets: dict[int, tuple] = {}  # id(widget) -> (widget, our copy of it); bounded below


def fast_widget(widget):
    """Our widget rendering as `widget` does (its own settings copied), or `widget` itself."""
    entry = _widgets.get(id(widget))
    if entry is not None and entry[0] is widget:
        return entry[1]
    cls = _fast_class(type(widget))
    fast = widget
    if cls is not None:
        fast = cls.__new__(cls)
        fast.__dict__.update(vars(widget))
    if len(_widgets) > 1000:  # widgets are the field classes' own objects: a few dozen
        _widgets.clear()
    _widgets[id(widget)] = (widget, fast)
    return fast


class FastMeta(DefaultMeta):
    """Renders each field with `fast_widget(field.widget)`: DefaultMeta.render_field's own
    steps (keys cleaned, the field's render_kw under the call's) with our widget."""

    def render_field(self, field, render_kw):
        render_kw = {core.clean_key(k): v for k, v in render_kw.items()}
        other_kw = getattr(field, "render_kw", None)
        if other_kw is not None:
            other_kw = {core.clean_key(k): v for k, v in other_kw.items()}
            render_kw = dict(other_kw, **render_kw)
        return fast_widget(field.widget)(field, **render_kw)


def original(**kwargs) -> Markup:
    return _original(**kwargs)
