"""Chinese text as the platform compares and searches it, as plain functions.

- `words`: a text cut into words by jieba's dictionary and algorithm (rjieba, the Rust port:
  the same segmentation, loaded in a tenth of the time), with one-character words and the
  function words that carry no content left out: what duplicate detection compares.
- `grams`: every two-character sequence of each run of Chinese characters, each run of Latin
  letters and digits as one lower-case word with its beginnings (two characters and more),
  and a lone Chinese character as itself: what the search index holds. For a query,
  `query_grams`: a Chinese query's bigrams all present is a necessary condition for it to
  occur in the text, so a search by them misses nothing (two-character queries included);
  a Latin or digit query is found at the beginning of a word ("9133" in a USCC, "torch" not
  in "pytorch"). The match is then confirmed on the text itself.
"""
from __future__ import annotations

import re
import unicodedata

import rjieba

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[0-9a-z]+")
_WORD = re.compile(rf"^(?:[{_HAN}]{{2,}}|[0-9a-z][0-9a-z.+#-]+)$")
# function words and the boilerplate every nomination uses: no evidence of the same work
STOP_WORDS = frozenset("""
的 和 与 及 等 在 对 为 了 是 将 以 中 其 该 并 或 于 由 从 而 也 已 被 把 使 个 之
通过 进行 实现 基于 一种 相关 主要 以及 方面 提供 具有 可以 能够 我们 本项 项目 技术
单位 研究 开发 应用 方法 系统 国内 国际 领先 水平 目前 其中 同时 形成 开展 取得 完成
公司 有限公司 有限责任 股份 集团 科技 创新 示例 联盟 协同 平台 推荐 关键技术 产业 企业
""".split())


MAX_PREFIX = 20  # a Latin word's beginnings are terms up to this length (the whole word too)


def normal(text: str | None) -> str:
    """Full-width letters and digits as half-width, lower case (NFKC)."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text: str | None) -> frozenset[str]:
    """The content words of a text (jieba's segmentation)."""
    return frozenset(w for w in rjieba.cut(normal(text))
                     if _WORD.match(w) and w not in STOP_WORDS)


def grams(text: str | None) -> set[str]:
    """The search terms of a text: Chinese bigrams, Latin/digit words, lone characters."""
    out: set[str] = set()
    for run in _RUNS.findall(normal(text)):
        if run.isascii():  # a word, and its beginnings: "9133" finds a 统一社会信用代码
            out.update(run[:k] for k in range(min(2, len(run)), min(len(run), MAX_PREFIX) + 1))
            out.add(run)
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


def query_grams(query: str | None) -> list[str]:
    """The terms a search for `query` needs, in order; [] when the query is too short to
    search by (under two characters of Chinese, letters or digits)."""
    q = normal(query)
    runs = _RUNS.findall(q)
    if sum(len(r) for r in runs) < 2:
        return []
    out: set[str] = set()
    for run in runs:
        if run.isascii():
            out.add(run[:MAX_PREFIX])  # the beginning of a word of the text
        elif len(run) > 1:  # (a lone character may sit inside a longer run of the text)
            out.update(run[i:i + 2] for i in range(len(run) - 1))
    return sorted(out)  # (empty: only lone characters, too short to search by)
