"""Between a nomination's stored rows and its WTForms form: build the form from what was typed,
derive the title and duplicate key, tell which fields changed."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from forms import shown
from forms.common import group_errors
from forms.nomination import NominationForm
from forms.registry import form_class
from forms.validators import normalize_uscc
from kczg.campaigns.facts import domains_of
from kczg.models import Nomination
from kczg.parsing import clean_text

# form keys that are not the user's data
CONTROL_KEYS = {"csrf_token", "version", "editor", "action"}
MAX_KEYS = 3000  # a form has a few hundred inputs at most; refuse absurd payloads


MAX_VALUE_CHARS = 20_000  # per input: ten times the longest field's own limit
MAX_VALUES = 5  # per input name (one is what a form sends)
_ROW_KEY = re.compile(r"([a-z_]+)-([0-9]{1,3})-([a-z0-9_]+)")


def form_input(formdata: MultiDict, cls: type[NominationForm]) -> MultiDict:
    """What a nomination page sent, as the form and the draft should see it: only the inputs
    `cls` has (rows up to number 199) and the page's own keys, each value without control
    characters. Nothing is cut: a value over MAX_VALUE_CHARS is shown back as typed and never
    stored (`storable`)."""
    return MultiDict([(k, clean_text(v)) for k in formdata.keys()
                      if _input_of(cls, k) or (k in CONTROL_KEYS)
                      for v in formdata.getlist(k)[:MAX_VALUES]])


def over_long(raw: dict[str, list[str]]) -> dict[str, int]:
    """The inputs whose value is longer than the platform stores, with their length."""
    return {k: max(len(v) for v in vs) for k, vs in raw.items()
            if any(len(v) > MAX_VALUE_CHARS for v in vs)}


def over_long_message(length: int) -> str:
    return (f"未保存：本项有{length}个字，超过平台可保存的{MAX_VALUE_CHARS}个字。"
            "请删减后再保存（页面上的内容仍保留）。")


def storable(nomination: Nomination, raw: dict[str, list[str]]) -> tuple[dict, dict[str, int]]:
    """The raw data to store, with each over-long input keeping what the draft already holds
    (never a cut value), and those inputs with their length."""
    over = over_long(raw)
    if not over:
        return raw, over
    old = nomination.raw or {}
    kept = {k: v for k, v in raw.items() if k not in over}
    kept |= {k: old[k] for k in over if k in old}
    return kept, over


def mark_over_long(form: NominationForm, over: dict[str, int]) -> None:
    """Say at each over-long field that it was not saved, with its count."""
    for name, length in over.items():
        field = find_field(form, name)
        if field is not None:
            field.errors = [over_long_message(length)]


def raw_from(formdata: MultiDict) -> dict[str, list[str]]:
    """The user's data of a form input (`form_input`), to store as the draft."""
    return {k: formdata.getlist(k) for k in formdata.keys() if k not in CONTROL_KEYS}


@functools.cache
def _inputs(cls: type[NominationForm]) -> tuple[frozenset, dict[str, frozenset]]:
    """The input names of a form class: plain fields, and each repeating group's fields."""
    form = cls(formdata=None, meta={"csrf": False})
    plain = frozenset(f.name for f in form if f.type != "Rows")
    groups = {f.name: frozenset(sub.short_name for sub in f.entries[0].form)
              for f in form if f.type == "Rows"}
    return plain, groups


def _input_of(cls: type[NominationForm], key) -> bool:
    if not isinstance(key, str):  # a multipart part without a usable name
        return False
    plain, groups = _inputs(cls)
    if key in plain:
        return True
    m = _ROW_KEY.fullmatch(key)
    return bool(m) and m.group(3) in groups.get(m.group(1), ()) and int(m.group(2)) < 200


def build_form(nomination: Nomination, formdata: MultiDict | None = None) -> NominationForm:
    """The list's form bound to `formdata`, or to what the nomination holds."""
    cls = form_class(nomination.list)
    if formdata is None:
        formdata = MultiDict([(k, v) for k, values in (nomination.raw or {}).items()
                              for v in values])
        if not formdata:
            formdata = None
    form = cls(formdata=formdata, meta={"csrf": False}) if formdata is not None \
        else cls(formdata=None, meta={"csrf": False})
    if cls.DOMAIN_FIELD:
        form.set_domains(domains_of(nomination.list))
        if formdata is None and nomination.domain_id:
            form.domain.data = nomination.domain.code
    if formdata is None:
        _prefill(form, nomination)
    return form


@dataclass(frozen=True)
class Completion:
    share: int     # per cent of the form's fields filled as submission wants them
    passes: bool   # the draft would be accepted on submission (as far as the form goes)


# completions this process worked out, by everything one is made of: the list's form class,
# the domain, the stored data (and, for an empty draft, the unit's contacts it starts from). A
# unit's dashboard shows one per draft: binding and validating each draft's whole form was two
# thirds of the page's time.
_COMPLETIONS: OrderedDict = OrderedDict()
COMPLETIONS_KEPT = 20_000


def completion(nomination: Nomination) -> Completion:
    """How far a draft is: its stored data validated as on submission (no query; the quota is
    checked on submission itself). Each top-level field counts once (a table of rows as one)."""
    raw = nomination.raw or {}
    org = nomination.organisation if not raw else None
    key = (form_class(nomination.list), nomination.domain_id,
           hashlib.blake2b(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode(),
                           digest_size=16).digest(),
           (org.contact, org.phone, org.email) if org is not None else None)
    found = _COMPLETIONS.get(key)
    if found is not None:
        _COMPLETIONS.move_to_end(key)
        return found
    form = build_form(nomination)
    passes = form.validate()
    fields = [f for f in form if f.name != "csrf_token" and f.type not in ("HiddenField",)]
    good = sum(1 for f in fields if not f.errors and _filled(f))
    found = _COMPLETIONS[key] = Completion(round(100 * good / len(fields)) if fields else 0,
                                           passes)
    while len(_COMPLETIONS) > COMPLETIONS_KEPT:
        _COMPLETIONS.popitem(last=False)
    return found


def _filled(field) -> bool:
    data = field.data
    if isinstance(data, list):
        return any(any(str(v or "").strip() for v in (row.values() if isinstance(row, dict)
                                                       else [row])) for row in data)
    if isinstance(data, bool):
        return True  # a checkbox answered either way (a required one errs when unticked)
    return data is not None and str(data).strip() != ""


@contextlib.contextmanager
def shown_form(nomination: Nomination):
    """The form as the nomination holds it, for showing only (it refuses validation), for the
    length of a `with` block: a form lent by the thread's idle forms and refilled
    (forms/shown.py) where it can, else bound anew."""
    cls = form_class(nomination.list)
    domains = domains_of(nomination.list) if cls.DOMAIN_FIELD else None
    with shown.lend(cls, nomination.raw or {}, domains) as form:
        yield form if form is not None else build_form(nomination)


def _prefill(form: NominationForm, nomination: Nomination) -> None:
    """A new draft starts with the unit's contact details."""
    org = nomination.organisation
    form.contact_name.data = org.contact
    form.contact_phone.data = org.phone
    form.contact_email.data = org.email


def derived(form: NominationForm, nomination: Nomination) -> dict:
    """Columns kept beside the raw data: title, duplicate key, domain (valid values only)."""
    cls = type(form)
    raw = {name: form[name].raw_data or [] for name in
           (cls.TITLE_FIELD, cls.DEDUPE_FIELD, cls.DOMAIN_FIELD) if name}
    return derived_from_raw(cls, raw, nomination)


def derived_from_raw(cls: type[NominationForm], raw: dict, nomination: Nomination) -> dict:
    """The same from the raw form data alone (an autosave needs no form object)."""
    def first(name):
        return (raw.get(name) or [""])[0]

    title = first(cls.TITLE_FIELD).strip()[:200] if cls.TITLE_FIELD else ""
    key = ""
    if cls.DEDUPE_FIELD:
        value = first(cls.DEDUPE_FIELD)
        key = normalize_uscc(value) if "uscc" in cls.DEDUPE_FIELD else \
            value.strip().lower().removesuffix("/").removesuffix(".git")
        key = key[:200]
    out = {"title": title, "dedupe_key": key}
    if cls.DOMAIN_FIELD:
        code = first(cls.DOMAIN_FIELD)
        domain = next((d for d in domains_of(nomination.list) if d.code == code), None)
        if domain is not None:
            out["domain"] = domain
    return out


def top_level(key: str) -> str:
    return key.split("-", 1)[0]


HISTORY_VALUE_CHARS = 5000  # a value kept in the history (the longest field is 2,000)


def changed_fields(nomination: Nomination, new_raw: dict) -> list[dict]:
    """The fields whose values differ between the stored and the new raw data, in form order:
    {label, before, after} (a repeating group as its rows written out)."""
    old = nomination.raw or {}
    if old == new_raw:
        return []
    out = []
    cls = form_class(nomination.list)
    for name, label, subs, options in _field_order(cls):
        if cls.DOMAIN_FIELD and name == cls.DOMAIN_FIELD:
            options = {d.code: d.name for d in domains_of(nomination.list)}
        before, after = (_rows_text(raw, name, subs) if subs else (raw.get(name) or [""])[0]
                         for raw in (old, new_raw))
        if before != after:
            # in the unit's words: an option's name, not its code
            before, after = options.get(before, before), options.get(after, after)
            out.append({"label": label, "before": before[:HISTORY_VALUE_CHARS],
                        "after": after[:HISTORY_VALUE_CHARS]})
    return out


@functools.cache
def _field_order(cls: type[NominationForm]) -> tuple:
    """(name, readable label, row field names or None) of every field, in form order (the
    pledge is 诚信承诺, not its sentence)."""
    form = cls(formdata=None, meta={"csrf": False})
    fields = [form[name] for _, names in cls.sections() for name in names]

    def options(f) -> dict:
        if f.type == "BooleanField":
            return {"y": "已勾选"}
        if f.type == "SelectField":
            return {str(v): str(label) for v, label, *_ in f.iter_choices() if str(v)}
        return {}
    return tuple((f.name, "诚信承诺" if f.type == "BooleanField" else str(f.label.text),
                  tuple(s.short_name for s in f.entries[0].form) if f.type == "Rows" else None,
                  options(f))
                 for f in fields)


def _rows_text(raw: dict, group: str, subs: tuple) -> str:
    """A repeating group as text: its filled rows, in row order, fields joined by ｜."""
    rows = sorted({int(k.split("-")[1]) for k in raw
                   if k.startswith(group + "-") and k.split("-")[1].isdecimal()})
    lines = []
    for i in rows:
        values = [(raw.get(f"{group}-{i}-{s}") or [""])[0] for s in subs]
        if any(v.strip() for v in values):
            lines.append("｜".join(values))
    return "；".join(lines)


def error_summary(form: NominationForm) -> list[tuple[str, str, str]]:
    """(input id, label, first message) of every field that refused its value, in form order,
    row fields named by their group and row (主要完成人第2行·姓名): the summary a refused
    submission shows above the form."""
    out = []
    for _title, names in form.sections():
        for name in names:
            field = form[name]
            if hasattr(field, "entries"):
                for message in group_errors(field):
                    out.append((f"rows-{field.name}", str(field.label.text), message))
                for i, entry in enumerate(field.entries, 1):
                    for sub in entry.form:
                        if sub.errors:
                            out.append((sub.id, f"{field.label.text}第{i}行·{sub.label.text}",
                                        str(sub.errors[0])))
            elif field.errors:
                out.append((field.id, str(field.label.text), str(field.errors[0])))
    return out


def find_field(form: NominationForm, name: str):
    """A field by its full input name, including row fields such as people-0-name."""
    for field in form:
        if field.name == name:
            return field
        if hasattr(field, "entries"):
            for entry in field.entries:
                for sub in entry.form:
                    if sub.name == name:
                        return sub
    return None


def add_row(form: NominationForm, group: str) -> bool:
    """Append an empty row to a repeating group, up to its limit."""
    rows = form.row_groups().get(group)
    if rows is None or len(rows.entries) >= rows.max_rows:
        return False
    rows.append_entry()
    return True


def without_row(formdata: MultiDict, group: str, index: int) -> MultiDict:
    """The form data with row `index` of `group` removed and later rows renumbered, so every
    other value typed stays where it was."""
    pattern = re.compile(rf"^{re.escape(group)}-([0-9]+)-(.+)$")
    out = MultiDict()
    for key, value in formdata.items(multi=True):
        m = pattern.match(key)
        if not m:
            out.add(key, value)
            continue
        row = int(m.group(1))
        if row == index:
            continue
        out.add(f"{group}-{row - 1 if row > index else row}-{m.group(2)}", value)
    return out
