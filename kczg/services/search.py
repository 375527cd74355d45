"""Chinese search over nominations: the secretariat's over the year, a review body's over what is
routed to it, a unit's over its own (each caller scopes the query; this adds the match).

A nomination is found when every word of the query (split at spaces) occurs in its typed text
(names, units, people, summaries: every field but the contacts and the 推荐意见), or when the
query occurs in its recommending unit's name (not for a blind reviewer) or its 统一社会信用代码
or repository URL. The index holds each text's Chinese bigrams and Latin words
(kczg/rules/text.py): a word's bigrams all present is necessary for the word to occur, so the
index narrows the search without missing anything, two-character words included, and the text
itself confirms each match (SQL LIKE on the narrowed rows). SQLite: FTS5; PostgreSQL: a GIN
index on the terms as an array (migration 023)."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from peewee import SQL, Expression, Value, fn

from forms.registry import form_class
from kczg.db import is_postgres
from kczg.models import Nomination, Organisation, SearchEntry, unscoped
from kczg.rules import text

HIDDEN_FIELDS = ("csrf_token", "opinion", "contact_")  # never searched nor shown as a match
TOO_SHORT = "搜索词至少两个字（汉字、字母或数字）。"


@dataclass(frozen=True)
class Query:
    text: str              # as typed (trimmed)
    words: tuple[str, ...]  # normalised words, each long enough to search by
    error: str = ""        # said next to the search field when the query cannot be used


def parse(q: str | None) -> Query | None:
    """The query typed in a search field; None when nothing was typed."""
    q = (q or "").strip()[:100]
    if not q:
        return None
    words = tuple(w for w in text.normal(q).split() if text.query_grams(w))
    return Query(q, words, "" if words else TOO_SHORT)


def fields_of(n: Nomination) -> list[tuple[str, str]]:
    """(field name, value) of every searchable value a nomination holds, in the form's order."""
    out = [("title", n.title)] if n.title else []
    for key, values in (n.raw or {}).items():
        if key.startswith(HIDDEN_FIELDS):
            continue
        for v in values if isinstance(values, list) else [values]:
            v = str(v or "").strip()
            if v and v not in ("y", "on") and not _NUMBER.match(v):
                out.append((key, v))
    return out


_NUMBER = re.compile(r"^[-+]?[\d.,]+%?$")


def content_of(n: Nomination) -> str:
    return text.normal("\n".join(v for _, v in fields_of(n)))


def _by_text(q: Query):
    grams = sorted({g for w in q.words for g in text.query_grams(w)})
    if is_postgres():
        index = Expression(fn.string_to_array(SearchEntry.terms, " "), "@>",
                           Value(grams, unpack=False))
    else:
        index = SearchEntry.nomination.in_(SQL(
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            [" ".join(f'"{g}"' for g in grams)]))
    query = SearchEntry.select(SearchEntry.nomination).where(index)
    position = fn.strpos if is_postgres() else fn.instr  # the word as it is (no LIKE wildcards)
    for w in q.words:
        query = query.where(position(SearchEntry.content, w) > 0)
    return query


def condition(q: Query, *, units: bool = True):
    """SQL on Nomination: the nominations `q` finds. `units`: the recommending unit's name may
    match (False for a blind reviewer)."""
    ids = _by_text(q)
    if units:
        orgs = Organisation.select(Organisation.id)
        for w in q.words:
            orgs = orgs.where(fn.LOWER(Organisation.name).contains(w))
        # the units' nominations of every year: the query this condition joins keeps its own
        # year (and a year's filter here would send SQLite through the whole table)
        with unscoped():
            by_unit = Nomination.select(Nomination.id).where(Nomination.organisation.in_(orgs))
        ids = ids | by_unit
    return Nomination.id.in_(ids)


def highlight(value: str, q: Query | None) -> Markup:
    """`value` escaped, each word of `q` marked (<mark>), case and width as typed."""
    if not q or not q.words or not value:
        return escape(value or "")
    norm = _same_length_normal(value)
    spans = sorted((m.start(), m.end()) for w in q.words
                   for m in re.finditer(re.escape(w), norm))
    out, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        out.append(escape(value[at:start]))
        out.append(Markup("<mark>") + escape(value[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(value[at:]))
    return Markup("").join(out)


def _same_length_normal(value: str) -> str:
    """`value` normalised as the index normalises it, keeping the length, so that a position
    in one is the same character in the other: the whole text at once when NFKC keeps its
    length (nearly always), else character by character (a character NFKC would expand, such
    as "…", stays as it is)."""
    whole = text.normal(value)
    if len(whole) == len(value):
        return whole
    return "".join(n if len(n := text.normal(ch)) == 1 else ch for ch in value)


def snippet(n: Nomination, q: Query | None, width: int = 36) -> tuple[str, Markup] | None:
    """Where the nomination matches `q` beyond its name: (field label, a marked excerpt). The
    descriptive texts are looked at first; a plain lower-case comparison first, NFKC (full-width
    letters and digits) only where that finds nothing."""
    if not q or not q.words:
        return None
    cls = form_class(n.list)
    skip = ("title", getattr(cls, "TITLE_FIELD", ""))  # (the name is shown, marked, beside it)
    first = _descriptive(cls)
    fields = sorted((kv for kv in fields_of(n) if kv[0] not in skip),
                    key=lambda kv: kv[0].split("-", 1)[0] not in first)
    wide = [(k, v) for k, v in fields if not unicodedata.is_normalized("NFKC", v)]
    for fold, candidates in ((str.lower, fields), (text.normal, wide)):
        for key, value in candidates:
            if not any(w in fold(value) for w in q.words):
                continue
            norm = _same_length_normal(value)
            hits = [norm.find(w) for w in q.words if w in norm]
            start = max(0, min(hits or [0]) - width // 2)
            excerpt = ("…" if start else "") + value[start:start + width * 2] + (
                "…" if len(value) > start + width * 2 else "")
            return _label(cls, key), highlight(excerpt, q)
    return None


@functools.lru_cache(maxsize=64)
def _descriptive(cls) -> frozenset[str]:
    return frozenset(cls.text_fields()) if cls is not None else frozenset()


def _label(cls, key: str) -> str:
    """A raw key's label: "summary" -> 技术简介, "people-0-name" -> 主要完成人."""
    field = getattr(cls, key.split("-", 1)[0], None) if cls else None
    if field is None or not hasattr(field, "args"):
        return key
    label = field.kwargs.get("label") or next((a for a in field.args if isinstance(a, str)), "")
    return str(label or key)
