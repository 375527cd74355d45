"""HTML of one nomination form field, validated inline by htmx when it changes.

A nomination form has 40 to 80 fields (with its repeating rows); built as a Jinja macro each
one cost a macro call, a url_for and a dozen escapes, a third of the page's time. This builds
the same markup in Python. Only the error box is swapped by htmx, never the input, so nothing
typed meanwhile can be overwritten.

Most of a field's markup never changes: its label, help, attributes and the validation flags its
validators give. For text-like inputs without errors, `nomination_field` renders the field once
with markers where the validation URL and the value go, keeps the pieces in between, and on later
requests only escapes and inserts those two. The value still comes from WTForms (`_value()`), so
what is shown follows WTForms' rules; tests/forms/test_render.py compares both ways on every
field of every list.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .common import group_errors

_URL, _VALUE = "\x02", "\x03"  # markers: never typed into a form (control characters)
# fields whose only varying part is the value attribute (or the textarea's text)
_PIECEWISE = frozenset({"StringField", "TextAreaField", "DecimalField", "IntegerField",
                        "DateField", "EmailField", "TelField", "URLField", "IntegerRangeField"})
_pieces: dict[tuple, tuple] = {}  # key -> (pieces or None, validators, widget)
_MAX_PIECES = 20000  # bounded whatever forms a process sees (a form has under 200 fields)
_NOT_CACHED = object()


def field_errors(f) -> Markup:
    errors = "".join(f'<div class="error" role="alert">{escape(e)}</div>'
                     for e in f.errors if isinstance(e, str))
    return Markup(f'<div class="errors" id="err-{escape(f.id)}">{errors}</div>')


def nomination_field(f, validate_url: str, show_label: bool = True) -> Markup:
    """`validate_url` holds `__FIELD__` where the field's name goes."""
    state = _state(f) if not f.errors else _NOT_CACHED
    if state is not _NOT_CACHED:
        key = (_static_key(f, show_label), state)
        entry = _pieces.get(key)
        if entry is None:
            if len(_pieces) > _MAX_PIECES:
                _pieces.clear()
            entry = _pieces[key] = (_compile(f, show_label), f.validators, f.widget)
        pieces = entry[0]
        if pieces is not None:
            url = escape(validate_url.replace("__FIELD__", f.name))
            if len(pieces) == 2:
                return Markup(f"{pieces[0]}{url}{pieces[1]}")
            value = f._value()
            if isinstance(value, str):
                return Markup(f"{pieces[0]}{url}{pieces[1]}{escape(value)}{pieces[2]}")
    return render_field(f, validate_url, show_label)


def _state(f):
    """What, besides its value and static make-up, a field's markup shows: the checked box, the
    selected option; `_NOT_CACHED` for what is always built in full."""
    if f.type in _PIECEWISE:
        return None
    if f.type == "BooleanField":
        return bool(getattr(f, "checked", f.data))
    if f.type == "SelectField" and not f.has_groups():
        choices = tuple((type(c.value), c.value, c.label, bool(c.selected))
                        for c in f._iter_choices_normalized() if not c.render_kw)
        return choices if len(choices) == len(f.choices or ()) else _NOT_CACHED
    return _NOT_CACHED


def _static_key(f, show_label: bool) -> tuple:
    """Everything the markup of a field depends on, but its value, errors and URL. The
    validation flags (required, maxlength, …) come from the validators and the widget, which
    are the class's own objects: their identity stands for them (the pieces keep them, so an
    identity is never reused while its entry exists)."""
    return (f.type, f.name, f.id, f.label.text, f.description, show_label, id(f.validators),
            id(f.widget), tuple(sorted(f.render_kw.items())) if f.render_kw else None)


def _compile(f, show_label: bool) -> tuple[str, ...] | None:
    """The markup around the URL and the value (where the value is shown), or None where it is
    not made that way."""
    f._value = lambda: _VALUE  # shadows the method on this one instance
    try:
        html = str(render_field(f, _URL, show_label))
    finally:
        del f._value
    if html.count(_URL) != 1 or html.count(_VALUE) > 1:
        return None
    before_url, rest = html.split(_URL)
    if _VALUE not in rest:
        return before_url, rest
    between, after_value = rest.split(_VALUE)
    return before_url, between, after_value


def rows_group(rows, rows_url: str, validate_url: str) -> Markup:
    """One repeating group (主要完成人, 知识产权, …) with its add and remove buttons; htmx swaps
    the whole group when a row is added or removed (`rows_url` answers that)."""
    errors = group_errors(rows)
    name = escape(rows.name)
    url = escape(rows_url)
    out = [f'<fieldset class="rows{" has-error" if errors else ""}" id="rows-{name}">',
           f'  <legend>{escape(rows.label.text)} <span class="count">'
           f'（{len(rows.entries)}/{rows.max_rows}）</span></legend>']
    if rows.description:
        out.append(f'  <div class="help">{escape(rows.description)}</div>')
    out.extend(f'  <div class="error" role="alert">{escape(e)}</div>' for e in errors)
    for i, entry in enumerate(rows.entries):
        fields = "".join(nomination_field(sub, validate_url, show_label=False)
                         for sub in entry.form)
        out.append(f"""  <div class="row-entry" data-row="{i}">
    <div class="row-no">{i + 1}</div>
    <div class="row-fields">
      {fields}
    </div>
    <button type="submit" class="button small secondary remove-row" name="action" value="remove:{name}:{i}"
            hx-post="{url}?remove={i}" hx-target="#rows-{name}" hx-swap="outerHTML"
            aria-label="删除第{i + 1}行">删除</button>
  </div>""")
    if len(rows.entries) < rows.max_rows:
        unit = escape(rows.row_label or "行")  # 添加一个单位, 添加一人, 添加一项指标
        out.append(f"""  <button type="submit" class="button small add-row" name="action" value="add:{name}"
          hx-post="{url}?add=1" hx-target="#rows-{name}" hx-swap="outerHTML">＋ 添加一{unit}</button>""")
    else:
        out.append(f'  <div class="help">已达上限{rows.max_rows}{escape(rows.row_label)}。</div>')
    out.append("</fieldset>")
    return Markup("\n".join(out))


def render_field(f, validate_url: str, show_label: bool = True) -> Markup:
    """The field's markup built in full (with errors, for any field type)."""
    fid = escape(f.id)
    attrs = {"aria-describedby": f"err-{f.id}"}
    if f.errors:
        attrs["aria-invalid"] = "true"
    wide = ""
    if f.type == "TextAreaField":
        attrs["rows"] = 6
        wide = " wide"
    url = escape(validate_url.replace("__FIELD__", f.name))
    out = [f'<div class="field{wide}" id="f-{fid}" hx-post="{url}" hx-trigger="change" '
           f'hx-target="#err-{fid}" hx-swap="outerHTML" hx-sync="this:replace">']
    if f.type == "BooleanField":
        out.append(f'<label class="check">{f(**attrs)} {escape(f.label.text)}</label>')
    else:
        limit = next((v.limit for v in f.validators if type(v).__name__ == "MaxChars"), None)
        if limit and f.type in ("StringField", "TextAreaField"):
            attrs["data-max-chars"] = limit  # kczg.js shows 12/2000 as the user types
        # a red asterisk on every field that must be filled (from its validators' flags)
        mark = ('<span class="req" aria-hidden="true">*</span>' if f.flags.required else "")
        if f.flags.required:
            attrs["aria-required"] = "true"
        if show_label:
            out.append(f'<label for="{fid}">{escape(f.label.text)}{mark}</label>')
        else:
            out.append(f'<label for="{fid}" class="sub">{escape(f.label.text)}{mark}</label>')
        out.append(str(f(**attrs)))
    if f.description and show_label:
        out.append(f'<div class="help">{escape(f.description)}</div>')
    out.append(str(field_errors(f)))
    out.append("</div>")
    return Markup("\n".join(out))


def change_html(before: str, after: str) -> Markup:
    """A field's change as the history shows it: short values as before → after, long text as
    one text with what was taken out struck through and what was added marked."""
    import difflib

    if len(before) <= 60 and len(after) <= 60:
        return Markup(f'<span class="before">{escape(before) or "（空）"}</span> → '
                      f'<span class="after">{escape(after) or "（空）"}</span>')
    out = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, before, after,
                                                      autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(before[a0:a1])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(after[b0:b1])}</ins>")
        if op == "equal":
            out.append(str(escape(before[a0:a1])))
    return Markup('<span class="diff">' + "".join(out) + "</span>")
