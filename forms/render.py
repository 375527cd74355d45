"""HTML of one nomination form field, validated inline by htmx when it changes.

A nomination form has 40 to 80 fields (with its repeating rows); built as a Jinja macro each
one cost a macro call, a url_for and a dozen escapes, a third of the page's time. This builds
the same markup in Python. Only the error box is swapped by htmx, never the input, so nothing
typed meanwhile can be overwritten.
"""
from __future__ import annotations

from markupsafe import Markup, escape


def field_errors(f) -> Markup:
    errors = "".join(f'<div class="error" role="alert">{escape(e)}</div>'
                     for e in f.errors if isinstance(e, str))
    return Markup(f'<div class="errors" id="err-{escape(f.id)}">{errors}</div>')


def nomination_field(f, validate_url: str, show_label: bool = True) -> Markup:
    """`validate_url` holds `__FIELD__` where the field's name goes."""
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
        if show_label:
            out.append(str(f.label()))
        else:
            out.append(f'<label for="{fid}" class="sub">{escape(f.label.text)}</label>')
        out.append(str(f(**attrs)))
    if f.description and show_label:
        out.append(f'<div class="help">{escape(f.description)}</div>')
    out.append(str(field_errors(f)))
    out.append("</div>")
    return Markup("\n".join(out))
