"""Suspected duplicates: the same nominee or the same work put forward by two or more units
for one list. Two kinds of evidence, each shown as the reason:

- the same key: the same 统一社会信用代码 or repository URL, on lists whose key is the
  nominee's own (DEDUPE_KIND "key"). A technology list's key is its completing unit's, and one
  university completes many technologies: there the key alone proves nothing;
- the same text: the name and the descriptive texts (简介, 创新点, …) cut into words
  (jieba, kczg/rules/text.py); the words most of the list's nominations use (the field's
  vocabulary) left out; candidate pairs found by MinHash LSH (datasketch) and each confirmed
  by the exact share of words the two have in common (Jaccard), or the share of the shorter
  text found in the longer one (an abridged copy). Reworded, reordered and abridged copies are
  caught; the same field is not a duplicate.

Shared key people alone never make a duplicate (a team works on several technologies); they
are named beside a textual match. Pairs of one unit are not flagged (a unit's own quota and
review see those). `bench/duplicates.py` measures precision and recall on planted copies and
hard negatives. Allowed, but flagged for the secretariat, with the reason; a group it marks
非重复 is not shown again (DuplicateDismissal).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from peewee import fn

from forms.registry import form_class
from kczg.campaigns import scope
from kczg.db import database, json_text
from kczg.models import DuplicateDismissal, Nomination, Organisation
from kczg.models.nominations import WITHOUT_RAW
from kczg.rules import text

NUM_PERM = 128         # MinHash permutations
LSH_THRESHOLD = 0.25   # candidate pairs: estimated Jaccard from about this
JACCARD = 0.45         # confirmed: this share of the two texts' words in common
CONTAINMENT = 0.70     # … or this share of the shorter text's words in the longer one
MIN_WORDS = 12         # texts with fewer distinctive words are compared by key only
COMMON_SHARE = 0.05    # a word in more than this share of the list's texts is vocabulary
COMMON_MIN = 8         # (and in more than this many: small lists keep every word)


@dataclass(frozen=True)
class Doc:
    """One nomination as duplicate detection sees it."""
    id: int
    unit: int                      # the recommending unit
    words: frozenset[str]
    people: frozenset[str] = frozenset()


def text_pairs(docs: list[Doc]) -> dict[tuple[int, int], str]:
    """(smaller id, larger id) -> why, for every pair of two units' texts that look like the
    same work."""
    df = Counter(w for d in docs for w in d.words)
    common = {w for w, c in df.items() if c > max(COMMON_MIN, COMMON_SHARE * len(docs))}
    kept = {d.id: d.words - common for d in docs}
    compared = [d for d in docs if len(kept[d.id]) >= MIN_WORDS]
    if len(compared) < 2:
        return {}
    hashes = MinHash.bulk([[w.encode() for w in kept[d.id]] for d in compared],
                          num_perm=NUM_PERM, seed=2021)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for d, m in zip(compared, hashes):
        lsh.insert(d.id, m)
    by_id = {d.id: d for d in compared}
    out = {}
    for d, m in zip(compared, hashes):
        for other in lsh.query(m):
            if other <= d.id or by_id[other].unit == d.unit:
                continue
            a, b = kept[d.id], kept[other]
            shared = len(a & b)
            jaccard, contained = shared / len(a | b), shared / min(len(a), len(b))
            if jaccard >= JACCARD or contained >= CONTAINMENT:
                why = (f"名称和简介用词重合{round(jaccard * 100)}%" if jaccard >= JACCARD else
                       f"较短一份的用词{round(contained * 100)}%见于另一份（疑为删节）")
                out[(d.id, other)] = why + people_note(d.people, by_id[other].people)
    return out


def people_note(a: frozenset[str], b: frozenset[str]) -> str:
    """What a textual match adds when the two share key people (never a reason alone)."""
    people = a & b
    return f"；另有共同主要完成人：{'、'.join(sorted(people))}" if people else ""


def _people(data) -> frozenset[str]:
    return frozenset(str(p.get("name") or "").strip() for p in data or []
                     if isinstance(p, dict) and str(p.get("name") or "").strip())


def group_key(nominations) -> str:
    return ",".join(str(i) for i in sorted(n.id for n in nominations))


# the words of a text, by its digest: cutting is the page's cost, and a text seen before (the
# same nomination on the next visit) is not cut again. Keyed by the text itself, never by row
# id and version, which another database (a restore, a test) reuses for other texts.
_WORDS: dict[bytes, frozenset[str]] = {}


def _doc(nid: int, unit: int, texts: list, people: frozenset[str] = frozenset()) -> Doc:
    """A nomination as compared: its name and descriptive texts, cut into words once per
    distinct text."""
    joined = "\n".join(str(t or "") for t in texts)
    key = hashlib.blake2b(joined.encode("utf-8"), digest_size=16).digest()
    if key not in _WORDS:
        if len(_WORDS) > 100_000:
            _WORDS.clear()
        _WORDS[key] = text.words(joined)
    return Doc(nid, unit, _WORDS[key], people)


def _union(groups: list[list[int]]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def root(i):
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for g in groups:
        for other in g[1:]:
            parent[root(other)] = root(g[0])
    out: dict[int, set[int]] = {}
    for i in parent:
        out.setdefault(root(i), set()).add(i)
    return list(out.values())


# the groups found, by the state of the year's submitted nominations: at 25,000 nominations
# finding them takes seconds; the next visit with nothing submitted, changed or withdrawn
# since reads them from here (one aggregate query says whether anything did)
_GROUPS: dict[tuple, list[dict]] = {}


def _state() -> tuple:
    """What the groups depend on: the submitted nominations (how many, the latest change, the
    sum of their versions and ids), in this database and year."""
    row = (Nomination.select(fn.COUNT(Nomination.id), fn.MAX(Nomination.updated_at),
                             fn.SUM(Nomination.version), fn.SUM(Nomination.id),
                             fn.SUM(Nomination.organisation))
           .where(Nomination.status == "submitted").tuples().get())
    return (id(database.obj), scope.campaign().id, *(str(v) for v in row))


def duplicate_groups() -> list[dict]:
    """[{list, key, nominations, reason, ids}] of suspected duplicates in the scope's year, the
    groups the secretariat marked 非重复 left out (a query for the state, one for the
    dismissals; the nominations with unit and list when anything changed)."""
    key = _state()
    groups = _GROUPS.get(key)
    if groups is None:
        if len(_GROUPS) > 16:
            _GROUPS.clear()
        groups = _GROUPS[key] = _find_groups()
    dismissed = {d for (d,) in DuplicateDismissal.select(DuplicateDismissal.ids).tuples()}
    return [g for g in groups if g["ids"] not in dismissed]


def _find_groups() -> list[dict]:
    # what is compared, as plain rows, a list at a time: the name, the key and the descriptive
    # texts read out of the cleaned form data in SQL (not the raw data, as typed; not the whole
    # form data: at 25,000 nominations decoding it was most of the time); the key people only
    # of the pairs found, and the grouped nominations as models at the end
    found = []  # (list, ids, reasons)
    for lst in scope.lists():
        cls = form_class(lst)
        fields = cls.text_fields() if cls else ()
        members = list(Nomination.select(Nomination.id, Nomination.organisation,
                                         Nomination.title, Nomination.dedupe_key,
                                         *(json_text(Nomination.clean, f) for f in fields))
                       .where(Nomination.status == "submitted", Nomination.list == lst.id)
                       .order_by(Nomination.submitted_at, Nomination.id).tuples())
        if not members:
            continue
        title = {r[0]: r[2] or "（未命名）" for r in members}
        reasons: dict[int, list[str]] = {}   # a pair's smaller id -> reasons (joined per group)
        links: list[list[int]] = []
        if cls is None or cls.DEDUPE_KIND != "technology":
            by_key: dict[str, list[tuple]] = {}
            for r in members:
                if r[3]:
                    by_key.setdefault(r[3], []).append(r)
            for key, same in by_key.items():
                if len({r[1] for r in same}) > 1:
                    links.append([r[0] for r in same])
                    what = "代码仓库地址" if "/" in key else "统一社会信用代码"
                    reasons.setdefault(same[0][0], []).append(
                        f"不同推荐单位提交了相同{what}（{key}）")
        pairs = text_pairs([_doc(r[0], r[1], [r[2], *r[4:]]) for r in members])
        people = _people_of({i for pair in pairs for i in pair})
        for (a, b), why in pairs.items():
            links.append([a, b])
            reasons.setdefault(a, []).append(
                f"“{title[a]}”与“{title[b]}”{why}{people_note(people[a], people[b])}")
        for ids in _union(links):
            found.append((lst, ids, "；".join(r for i in sorted(ids) for r in reasons.get(i, []))))
    # the grouped nominations, with their units: a few hundred of 25,000
    wanted = sorted({i for _, ids, _ in found for i in ids})
    models: dict[int, Nomination] = {}
    for k in range(0, len(wanted), 500):
        for n in (Nomination.select(*WITHOUT_RAW, Organisation).join(Organisation)
                  .where(Nomination.id.in_(wanted[k:k + 500]))):
            models[n.id] = scope.attach(n)
    groups = []
    for lst, ids, reason in found:
        ns = sorted((models[i] for i in ids), key=lambda n: (n.submitted_at, n.id))
        keys = {n.dedupe_key for n in ns if n.dedupe_key}
        groups.append({"list": lst, "key": "、".join(sorted(keys)) if len(keys) == 1 else "",
                       "nominations": ns, "reason": reason})
    for g in groups:
        g["ids"] = group_key(g["nominations"])
    return groups


def _people_of(ids: set[int]) -> dict[int, frozenset[str]]:
    """The key people (主要完成人) of these nominations, from their cleaned form data."""
    out: dict[int, frozenset[str]] = {i: frozenset() for i in ids}
    wanted = sorted(ids)
    for k in range(0, len(wanted), 500):
        for nid, people in (Nomination.select(Nomination.id,
                                              json_text(Nomination.clean, "people"))
                            .where(Nomination.id.in_(wanted[k:k + 500])).tuples()):
            try:
                out[nid] = _people(json.loads(people) if isinstance(people, str) else people)
            except ValueError:
                pass
    return out
