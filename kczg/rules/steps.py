"""A unit's steps for each list, as the notice has them: 填写 → 提交 → 下载推荐函 → 盖章 →
上传盖章扫描件 → 送达初评机构. Each step is done, the current one (the first not done), or
still to come; the dashboard and each nomination page show them, each step a link to where it
is done (the draft, the letter, the scans) when the page gives one.

- 填写 is done when a nomination was submitted or a draft would pass submission (an empty
  draft or one with errors is not filled in);

- 下载推荐函 is done when the unit downloaded the letter of its current nominations (a new
  submission makes a new letter, to download again);
- 盖章 and 上传盖章扫描件 are done when a stamped scan of the list was uploaded after that letter
  was made (the platform cannot see the stamp itself, only the scan);
- 送达初评机构 is done when online collection for the list has closed.
"""
from __future__ import annotations

from dataclasses import dataclass

STEPS = ["填写", "提交", "下载推荐函", "盖章", "上传盖章扫描件", "送达初评机构"]
HINTS = {"填写": "新建推荐并填写", "提交": "填写完整后提交",
         "下载推荐函": "在“打印材料”中下载推荐函", "盖章": "打印推荐函并加盖单位公章",
         "上传盖章扫描件": "在“盖章扫描件”中上传盖章后的推荐函", "送达初评机构": "网上申报截止后自动送达"}


@dataclass
class Step:
    name: str
    state: str          # done, current, todo
    hint: str
    url: str = ""       # where the step is done


@dataclass
class Guide:
    list_name: str
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        return next((s for s in self.steps if s.state == "current"), None)

    @property
    def missing(self) -> str:
        current = self.current
        return f"下一步：{current.hint}" if current else "全部完成"


def guide(list_name: str, drafts: int, submitted: int, letter, scans: list,
          collecting: bool, ready: int = 0, links: dict[str, str] | None = None) -> Guide:
    """`letter`: the current letter record of the list (or None), `scans`: its stamped scans;
    `ready`: how many of the drafts would pass submission; `links`: step name -> its page."""
    downloaded = letter is not None and letter.downloaded_at is not None
    scanned = downloaded and any(s.uploaded_at >= letter.generated_at for s in scans)
    done = [ready + submitted > 0, submitted > 0, downloaded, scanned, scanned,
            submitted > 0 and not collecting]
    links = links or {}
    steps, current_set = [], False
    for name, ok in zip(STEPS, done):
        if ok:
            state = "done"
        elif not current_set:
            state, current_set = "current", True
        else:
            state = "todo"
        steps.append(Step(name, state, HINTS[name], links.get(name, "")))
    return Guide(list_name, steps)
