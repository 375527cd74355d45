"""Duplicate detection on planted copies and hard negatives: prints precision and recall.

    .venv/bin/python bench/duplicates.py [--docs 800] [--seed 1] [--smoke]

Generated nominations of one technology list (words drawn from jieba's own dictionary, so the
segmentation is the real one): each has a title, a 技术简介 of 12-18 sentences about its field
(ten fields, each with its vocabulary) and its own work, and four key people. A quarter get a
planted near-duplicate from another unit, one of:

- reworded: 35 % of its own words replaced by others, every sentence pattern changed;
- reordered: the sentences shuffled, the title's words swapped;
- abridged: the title and the first half of the sentences;

a quarter get a hard negative from another unit, one of:

- same people: a different technology of the same field by the same four people;
- same field: a different technology of the same field that shares a quarter of its own words
  (neighbouring work).

The platform's rule (kczg/rules/duplicates.text_pairs, the call the 疑似重复 page makes) is run
over all of them; a found pair is right when both come from one planted original. Printed:
precision, recall (each kind), the hard negatives flagged, and the previous rule (title
similarity >= 80 % or shared key people) on the same set for comparison. Targets: precision
>= 0.9, recall >= 0.95.
"""
from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PATTERNS = ["本技术针对{0}中的{1}问题，研制了{2}和{3}。", "围绕{0}，提出{1}与{2}相结合的{3}。",
            "在{0}方面突破了{1}，{2}显著优于{3}。", "项目构建了{0}，实现{1}、{2}和{3}的协同。",
            "通过{0}解决了{1}难题，使{2}达到{3}。", "成果已在{0}和{1}中应用，带动{2}和{3}。"]
REWORDED = ["针对{1}在{0}里的难点，团队形成了{2}及{3}。", "以{0}为核心，把{1}、{2}融入{3}。",
            "{0}领域中，{1}取得进展，{2}超过{3}。", "建成{0}平台，{1}、{2}与{3}协同运转。",
            "借助{0}，{1}得以攻克，{2}提升至{3}。", "{0}、{1}已采用该成果，{2}与{3}随之发展。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲兰飞鹏辉宇浩凯健俊帆帅旭宁龙林欢阳建国"


def vocabulary(rng) -> list[str]:
    spec = importlib.util.find_spec("rjieba") and importlib.util.find_spec("jieba")
    if spec is None:
        sys.exit("bench/duplicates.py needs jieba's dictionary (pip install jieba)")
    words = []
    for line in (Path(spec.origin).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        w, freq, tag = line.split(" ")
        if tag in ("n", "nz", "vn") and 2 <= len(w) <= 4 and int(freq) >= 20:
            words.append(w)
    rng.shuffle(words)
    return words


def generate(n_docs: int, seed: int):
    rng = random.Random(seed)
    pool = vocabulary(rng)
    fields = [pool[i * 60:(i + 1) * 60] for i in range(10)]
    pool = pool[600:]
    docs, origin, kind = [], {}, {}

    def person():
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))

    def sentences(field, own, patterns, count):
        return [rng.choice(patterns).format(rng.choice(field), *rng.sample(own, 3))
                for _ in range(count)]

    def add(title, sents, people, unit, origin_id, what):
        i = len(docs)
        docs.append({"id": i, "unit": unit, "title": title, "text": "".join(sents),
                     "people": frozenset(people)})
        origin[i], kind[i] = origin_id, what
        return i

    for b in range(n_docs):
        f = rng.randrange(10)
        field = fields[f]
        own = rng.sample(pool, 40)
        unit = rng.randrange(300)
        people = [person() for _ in range(4)]
        title = f"面向{rng.choice(field)}的{own[0]}{own[1]}关键技术"
        sents = sentences(field, own, PATTERNS, rng.randint(12, 18))
        base = add(title, sents, people, unit, len(docs), "original")
        other_unit = (unit + 1 + rng.randrange(299)) % 300
        roll = rng.random()
        if roll < 0.25:  # a planted near-duplicate
            what = rng.choice(["reworded", "reordered", "abridged"])
            if what == "reworded":
                swap = {w: rng.choice(pool) for w in rng.sample(own, 14)}
                new = [rng.choice(REWORDED).format(*(swap.get(w, w) for w in _args(s, own, field)))
                       for s in sents]
                add(f"{swap.get(own[0], own[0])}{own[1]}技术及其在{rng.choice(field)}中的应用", new,
                    [person() for _ in range(4)], other_unit, base, what)
            elif what == "reordered":
                new = sents[:]
                rng.shuffle(new)
                add(f"面向{rng.choice(field)}的{own[1]}{own[0]}关键技术", new, people[::-1],
                    other_unit, base, what)
            else:
                add(title, sents[:len(sents) // 2], people[:2], other_unit, base, what)
        elif roll < 0.5:  # a hard negative: not the same work
            what = rng.choice(["same people", "same field"])
            if what == "same people":
                other = rng.sample(pool, 40)
                add(f"面向{rng.choice(field)}的{other[0]}{other[1]}关键技术",
                    sentences(field, other, PATTERNS, rng.randint(12, 18)), people, other_unit,
                    -1 - base, what)
            else:
                other = rng.sample(own, 10) + rng.sample(pool, 30)
                add(f"面向{rng.choice(field)}的{other[0]}{other[1]}关键技术",
                    sentences(field, other, PATTERNS, rng.randint(12, 18)),
                    [person() for _ in range(4)], other_unit, -1 - base, what)
    return docs, origin, kind


def _args(sentence: str, own: list[str], field: list[str]) -> list[str]:
    """The four words a generated sentence was made of, in order of appearance."""
    found = sorted((sentence.find(w), w) for w in set(own) | set(field) if w in sentence)
    words = [w for _, w in found][:4]
    return words + own[:4 - len(words)]


def score(found: set, truth: set) -> tuple[float, float]:
    right = len(found & truth)
    return (right / len(found) if found else 1.0), (right / len(truth) if truth else 1.0)


def main():
    from rapidfuzz import fuzz

    from kczg.rules import duplicates, text

    p = argparse.ArgumentParser()
    p.add_argument("--docs", type=int, default=800, help="original nominations")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--smoke", action="store_true", help="a tiny run for the test suite")
    a = p.parse_args()
    if a.smoke:
        a.docs = 120
    docs, origin, kind = generate(a.docs, a.seed)
    truth = {(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))
             if origin[i] == origin[j] and docs[i]["unit"] != docs[j]["unit"]}
    t0 = time.perf_counter()
    rule_docs = [duplicates.Doc(d["id"], d["unit"], text.words(d["title"] + "\n" + d["text"]),
                                d["people"]) for d in docs]
    t1 = time.perf_counter()
    found = set(duplicates.text_pairs(rule_docs))
    t2 = time.perf_counter()
    precision, recall = score(found, truth)
    print(f"generated: {a.docs} originals, {len(docs)} nominations, {len(truth)} planted pairs "
          f"({', '.join(f'{k} {sum(1 for v in kind.values() if v == k)}' for k in ('reworded', 'reordered', 'abridged', 'same people', 'same field'))})")
    print(f"segmentation (rjieba) {1000 * (t1 - t0):.0f} ms, MinHash LSH and checks "
          f"{1000 * (t2 - t1):.0f} ms")
    for what in ("reworded", "reordered", "abridged"):
        planted = {(origin[i], i) for i in kind if kind[i] == what}
        got = sum(1 for pair in planted if pair in found)
        print(f"  recall, {what}: {got}/{len(planted)}")
    for what in ("same people", "same field"):
        negatives = {i for i in kind if kind[i] == what}
        flagged = sum(1 for i, j in found if i in negatives or j in negatives)
        print(f"  hard negatives flagged, {what}: {flagged}/{len(negatives)}")
    print(f"precision {precision:.3f}, recall {recall:.3f} ({len(found)} pairs flagged)")
    old = {(i, j) for i in range(len(docs)) for j in range(i + 1, len(docs))
           if docs[i]["unit"] != docs[j]["unit"]
           and (fuzz.ratio(docs[i]["title"], docs[j]["title"]) >= 80
                or docs[i]["people"] & docs[j]["people"])}
    old_p, old_r = score(old, truth)
    print(f"the previous rule (title similarity >= 80 % or shared key people): "
          f"precision {old_p:.3f}, recall {old_r:.3f}")
    met = precision >= 0.9 and recall >= 0.95
    print(f"targets (precision >= 0.9, recall >= 0.95): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
