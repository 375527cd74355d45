"""Nomination forms defined in the campaign file: a `[lists.form]` table describes sections and
fields, and this module checks it when the file loads and builds a WTForms class from it (the
same kind of class as the hand-written ones in forms/, so rendering, autosave, validation,
documents and exports treat both alike).

The language (README, "The campaign file's form language"):

    [lists.form]
    title_field = "company_name"     # names the nomination (required)
    key_field = "uscc"               # the same value from two units is a suspected duplicate
    unit_field = "company_name"      # printed beside the item in the letter (optional)
    [lists.form.choices]             # named sets for choice fields ("provinces" is built in)
    education = ["博士研究生", "硕士研究生", "大学本科", "其他"]
    [[lists.form.sections]]
    title = "创业者基本信息"
      [[lists.form.sections.fields]]
      name = "founder"  ; type = "text" ; label = "姓名" ; max_chars = 30

Field types: text, longtext (max_chars), number (unit, min, max, places; integer when places is
0), date (not_future, max_age with age_on: an age limit on a birth date), choice (choices: a
named set), uscc, phone, email, url (https), rows (fields of their own, max_rows, min_rows,
row_label). Every field but a row's has `required` (default true).
"""
from __future__ import annotations

import functools
import json
import re
from datetime import date

from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from .choices import PROVINCES
from .common import HttpsURL, NotFuture, RowForm, Rows, optional, required
from .nomination import NominationForm
from .validators import USCC, Email, MaxChars, Phone, normalize_uscc

TYPES = {"text", "longtext", "number", "date", "choice", "uscc", "phone", "email", "url", "rows"}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = {"contact_name", "contact_phone", "contact_email", "opinion", "pledge", "csrf_token",
            "domain", "version"}
BUILT_IN_CHOICES = {"provinces": PROVINCES}
KEYS = {"name", "type", "label", "required", "help", "max_chars", "unit", "min", "max", "places",
        "not_future", "max_age", "age_on", "choices", "fields", "max_rows", "min_rows",
        "row_label"}


class FormSpecError(ValueError):
    pass


def _line_of(text: str | None, name: str, last: bool = False) -> str:
    """' (line N)' where `name = "<name>"` is written in the campaign file (its first or last
    occurrence), if found."""
    if not text:
        return ""
    found = [number for number, line in enumerate(text.splitlines(), 1)
             if re.match(rf'\s*name\s*=\s*"{re.escape(name)}"\s*(#.*)?$', line)]
    if not found:
        return ""
    return f" (line {found[-1] if last else found[0]})"


def check(spec: dict, where: str = "", text: str | None = None) -> list[str]:
    """Every problem of a form description, each naming the field and, when the file's text is
    given, its line. An empty list: the form can be built."""
    problems: list[str] = []
    names: set[str] = set()
    choices = {**BUILT_IN_CHOICES, **(spec.get("choices") or {})}

    def field_problems(f: dict, in_rows: bool) -> None:
        name = f.get("name")
        at = f"{where} field {name!r}{_line_of(text, str(name))}"
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(f"{where}: field name {name!r} must be lower-case letters, digits "
                            f"and _ (a letter first){_line_of(text, str(name))}")
            return
        if not in_rows:
            if name in names:
                problems.append(f"{where} field {name!r}{_line_of(text, name, last=True)}: "
                                "duplicate name")
            if name in RESERVED:
                problems.append(f"{at}: {name!r} is reserved (every form has it)")
            names.add(name)
        kind = f.get("type")
        if kind not in TYPES:
            problems.append(f"{at}: unknown type {kind!r} (one of {', '.join(sorted(TYPES))})")
        if not str(f.get("label", "")).strip():
            problems.append(f"{at}: missing label")
        for key in f:
            if key not in KEYS:
                problems.append(f"{at}: unknown key {key!r}")
        if kind == "choice" and f.get("choices") not in choices:
            problems.append(f"{at}: choices {f.get('choices')!r} is not a named set "
                            f"(defined: {', '.join(sorted(choices))})")
        if kind in ("text", "longtext") and not isinstance(f.get("max_chars"), int):
            problems.append(f"{at}: a {kind} field needs max_chars (a whole number)")
        if kind == "date" and f.get("max_age") is not None and not isinstance(
                f.get("age_on"), date):
            problems.append(f"{at}: max_age needs age_on (the date the age is counted on)")
        if kind == "rows":
            if in_rows:
                problems.append(f"{at}: rows cannot hold rows")
            subs = f.get("fields") or []
            if not subs:
                problems.append(f"{at}: rows need fields")
            seen = set()
            for sub in subs:
                if sub.get("name") in seen:
                    problems.append(f"{at}: duplicate row field {sub.get('name')!r}")
                seen.add(sub.get("name"))
                field_problems(sub, True)

    sections = spec.get("sections") or []
    if not sections:
        problems.append(f"{where}: a form needs [[lists.form.sections]]")
    for s in sections:
        if not str(s.get("title", "")).strip():
            problems.append(f"{where}: a section without a title")
        if not s.get("fields"):
            problems.append(f"{where}: section {s.get('title')!r} has no fields")
        for f in s.get("fields") or []:
            field_problems(f, False)
    for key in ("title_field", "key_field", "unit_field"):
        value = spec.get(key)
        if key == "title_field" and not value:
            problems.append(f"{where}: title_field names the field that names the nomination")
        if value and value not in names:
            problems.append(f"{where}: {key} {value!r} is not a field of the form")
    return problems


class AgeLimit:
    def __init__(self, max_age: int, on: date):
        self.max_age, self.on = max_age, on

    def __call__(self, form, field):
        born = field.data
        if not born:
            return
        age = self.on.year - born.year - ((self.on.month, self.on.day) < (born.month, born.day))
        if age > self.max_age:
            raise ValidationError(f"截至{self.on.year}年{self.on.month}月{self.on.day}日，"
                                  f"年龄不超过{self.max_age}周岁（当前{age}周岁）")


def _field(f: dict, choices: dict):
    kind, label = f["type"], f["label"]
    must = f.get("required", True)
    first = [required(label) if must else optional()]
    help_text = f.get("help", "")
    if kind in ("text", "longtext"):
        limit = f["max_chars"]
        cls = TextAreaField if kind == "longtext" else StringField
        return cls(label, validators=[*first, MaxChars(limit)],
                   description=help_text or (f"不超过{limit}字" if kind == "longtext" else ""))
    if kind == "number":
        # InputRequired, not DataRequired: 0 is a number typed, not a field left empty
        first = [InputRequired(message=f"请填写{label}") if must else optional()]
        places = int(f.get("places", 0))
        unit = f.get("unit", "")
        shown = f"{label}（{unit}）" if unit else label
        low, high = f.get("min"), f.get("max")
        bounds = []
        if low is not None or high is not None:
            text = (f"{shown}应在{low}到{high}之间" if low is not None and high is not None
                    else f"{shown}不能小于{low}" if low is not None else f"{shown}不能大于{high}")
            bounds = [NumberRange(min=low, max=high, message=text)]
        if places:
            return DecimalField(shown, places=places, validators=[*first, *bounds],
                                description=help_text)
        return IntegerField(shown, validators=[*first, *bounds], description=help_text)
    if kind == "date":
        checks = [NotFuture()] if f.get("not_future", True) else []
        if f.get("max_age") is not None:
            checks.append(AgeLimit(int(f["max_age"]), f["age_on"]))
        return DateField(label, validators=[*first, *checks], description=help_text,
                         render_kw={"type": "date"})
    if kind == "choice":
        values = choices[f["choices"]]
        return SelectField(label, choices=[("", "请选择")] + [(v, v) for v in values],
                           validators=[required(label) if must else optional()],
                           description=help_text)
    if kind == "uscc":
        return StringField(label, filters=[normalize_uscc], validators=[*first, USCC()],
                           description=help_text)
    if kind == "phone":
        return StringField(label, validators=[*first, MaxChars(30), Phone()],
                           description=help_text or "手机号码，或带区号的固定电话")
    if kind == "email":
        return StringField(label, validators=[*first, MaxChars(100), Email()],
                           description=help_text)
    if kind == "url":
        return StringField(label, validators=[*first, MaxChars(300), HttpsURL()],
                           description=help_text)
    raise FormSpecError(f"unknown type {kind!r}")


def build(code: str, list_name: str, spec: dict) -> type[NominationForm]:
    """The WTForms class a checked description stands for."""
    problems = check(spec, f"list {code}")
    if problems:
        raise FormSpecError("; ".join(problems))
    choices = {**BUILT_IN_CHOICES, **(spec.get("choices") or {})}
    attrs: dict = {"LIST_CODE": code, "TITLE_FIELD": spec["title_field"],
                   "DEDUPE_FIELD": spec.get("key_field", ""),
                   "UNIT_FIELD": spec.get("unit_field", ""),
                   # conflicts of interest: the item's own organisation (unit_field)
                   "PARTY_FIELDS": ((spec["unit_field"], "完成单位"),)
                   if spec.get("unit_field") else ()}
    sections = []
    for s in spec["sections"]:
        names = []
        for f in s["fields"]:
            if f["type"] == "rows":
                row_attrs = {sub["name"]: _field(sub, choices) for sub in f["fields"]}
                row_cls = type(f"{code.title()}{f['name'].title()}Row", (RowForm,), row_attrs)
                attrs[f["name"]] = Rows(row_cls, f["label"], max_rows=int(f.get("max_rows", 20)),
                                        min_rows=int(f.get("min_rows", 0)),
                                        row_label=f.get("row_label", "行"))
            else:
                attrs[f["name"]] = _field(f, choices)
            names.append(f["name"])
        sections.append((s["title"], names))
    attrs["SECTIONS"] = sections
    attrs["__doc__"] = f"{list_name}: a form defined in the campaign file."
    return type(f"DataForm_{code}", (NominationForm,), attrs)


def to_json(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, default=str)


@functools.lru_cache(maxsize=64)
def form_from_json(code: str, list_name: str, spec_json: str) -> type[NominationForm]:
    """The class of a stored description, built once per process and description."""
    spec = json.loads(spec_json)
    for s in spec.get("sections", []):  # dates travel as ISO text in JSON
        for f in s.get("fields", []):
            for node in [f, *(f.get("fields") or [])]:
                if isinstance(node.get("age_on"), str):
                    node["age_on"] = date.fromisoformat(node["age_on"])
    return build(code, list_name, spec)
