"""A stored draft shown on its form page without binding a new WTForms form.

Binding a nomination form (40 to 80 fields, each row of a repeating group a form of its own)
was a quarter of the form page's time. To show what a draft holds, each thread keeps idle bound
forms per form class, row counts and domain choices (its "shape"), and puts the stored values
through its fields again: every field's own `process`, exactly as binding would, so what is
shown follows WTForms' rules (filters, coercion, choices, checked boxes).

A form is lent to one request at a time (`lend`): taken out of the thread's idle forms, refilled,
and put back when the request has rendered it; no two requests ever hold the same form. It is
for showing only: it refuses to be validated (its own and its fields' `validate` raise), and
what a request may have set on it (errors) is cleared when it is refilled.

What binding would do that this leaves out, it leaves to `build_form`: a draft with nothing
stored yet (it starts from the unit's contact details), fields other than plain ones and
repeating groups of plain ones. tests/forms/test_shown.py compares the markup of every field
with that of a freshly bound form, page after page.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from wtforms.fields import Field, FieldList, FormField

_local = threading.local()
_MAX_SHAPES = 64  # per thread: form classes × row counts × domain lists actually seen


class _Stored:
    """The stored values (name -> list of strings) as one field reads formdata, under the name
    WTForms gave it after renumbering the rows (`renamed`: shown name -> stored name)."""

    __slots__ = ("raw", "renamed")

    def __init__(self, raw: dict, renamed: dict):
        self.raw, self.renamed = raw, renamed

    def _key(self, name):
        return self.renamed.get(name, name)

    def __contains__(self, name):
        return self._key(name) in self.raw

    def __iter__(self):
        return iter(self.raw)

    def __bool__(self):
        return bool(self.raw)

    def getlist(self, name):
        return list(self.raw.get(self._key(name)) or [])


def _plain(field) -> bool:
    return isinstance(field, Field) and not isinstance(field, (FieldList, FormField))


_groups: dict[type, dict | None] = {}  # form class -> {group name: a FieldList of it} or None


def _groups_of(cls) -> dict | None:
    """The class's repeating groups, or None where a field is neither plain nor a group of
    plain fields (such a form is always bound anew)."""
    if cls not in _groups:
        probe = cls(formdata=None, meta={"csrf": False})
        groups = {f.short_name: f for f in probe if isinstance(f, FieldList)}
        supported = not any(hasattr(probe, f"filter_{f.short_name}") for f in probe) and all(
            _plain(f) or (isinstance(f, FieldList) and all(
                _plain(sub) for entry in f.entries for sub in entry.form)) for f in probe)
        _groups[cls] = groups if supported else None
    return _groups[cls]


class ShownFormValidated(RuntimeError):
    pass


def _never_validated(*args, **kwargs):
    raise ShownFormValidated("a shown form is for showing only: bind a form to validate "
                             "(kczg.services.nominations.build_form)")


@contextmanager
def lend(cls, raw: dict, domains=None):
    """`shown_form` for the length of a `with` block: the form goes back to the thread's idle
    forms afterwards (None where only binding a new form can show `raw`)."""
    form = shown_form(cls, raw, domains)
    try:
        yield form
    finally:
        if form is not None:
            give_back(form)


def give_back(form) -> None:
    idle = getattr(_local, "idle", None)
    if idle is None:
        idle = _local.idle = {}
    if len(idle) >= _MAX_SHAPES:
        idle.clear()
    idle[form._shown_key] = form


def shown_form(cls, raw: dict, domains=None):
    """`cls` showing `raw` (what `cls(formdata=MultiDict(raw))` would show), or None where only
    binding a new form can show it. `domains` are the choices of the domain field, if any.
    The form is the caller's until `give_back` (`lend` does both)."""
    groups = _groups_of(cls)
    if not raw or groups is None:
        return None
    try:  # the stored rows of each group, found as FieldList finds them
        indices = {name: sorted(set(g._extract_indices(g.name, raw)))
                   for name, g in groups.items()}
    except ValueError:  # a row number WTForms cannot read: let binding answer as it does
        return None
    key = (cls, tuple((d.code, d.name) for d in domains) if domains is not None else None,
           tuple(max(len(found), 1) for found in indices.values()))
    form = getattr(_local, "idle", {}).pop(key, None)  # taken: no other request gets it
    if form is None:
        form = _shape(cls, indices, domains)
        form._shown_key = key
    # WTForms numbers the rows shown 0, 1, 2, … whatever numbers they were stored under
    renamed = {}
    fields = []
    for field in form:
        if not isinstance(field, FieldList):
            fields.append(field)
            continue
        stored = indices[field.short_name]
        for shown_index, entry in enumerate(field.entries):
            for sub in entry.form:
                fields.append(sub)
                if shown_index < len(stored) and stored[shown_index] != shown_index:
                    renamed[sub.name] = f"{field.name}-{stored[shown_index]}-{sub.short_name}"
    formdata = _Stored(raw, renamed)
    form.form_errors = []
    for field in fields:
        field.__dict__.pop("errors", None)  # what a request set (WTForms' default: none)
        field.process(formdata)
    for field in fields:  # as a form does: after every field has its data
        field.post_process(formdata)
    return form


def _shape(cls, indices: dict, domains):
    """A form of `cls` with as many rows per group as will be shown."""
    from werkzeug.datastructures import MultiDict

    rows = MultiDict([(f"{name}-{i}-__shape__", "") for name, found in indices.items()
                      for i in range(max(len(found), 1))])
    form = cls(formdata=rows, meta={"csrf": False})
    if domains is not None:
        form.set_domains(domains)
    # for showing only: the form and each field refuse validation (on these objects alone)
    form.validate = _never_validated
    for field in form:
        field.validate = _never_validated
        for entry in getattr(field, "entries", ()):
            entry.validate = _never_validated
            entry.form.validate = _never_validated
            for sub in entry.form:
                sub.validate = _never_validated
    return form
