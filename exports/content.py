"""What a document says, independent of its format. The PDF, DOCX and XLSX writers all read
these, so no format re-types the content; `digest()` is the hash the verification code names."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass

_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(obj):
    """What `dataclasses.asdict` gives for the JSON of a digest (the same JSON, so the same
    hashes), without its deep copies: a 申报书's digest took 0.6 ms that way, 6,500 of them
    most of a body's summary."""
    if isinstance(obj, (str, int, float, type(None))):
        return obj
    if isinstance(obj, (list, tuple)):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {_plain(k): _plain(v) for k, v in obj.items()}
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None and is_dataclass(obj):
        names = _FIELDS[cls] = tuple(f.name for f in fields(obj))
    if names is not None:
        return {name: _plain(getattr(obj, name)) for name in names}
    return obj  # dates and the like: json's default=str, as before


def _digest(obj) -> str:
    data = json.dumps(_plain(obj), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


CN_DIGITS = "零一二三四五六七八九"


def cn_heading(number: int) -> str:
    """The numbering of a Chinese form's first-level heading: 一、 二、 … 十、 十一、 … 九十九、"""
    tens, ones = divmod(number, 10)
    text = (("" if tens == 1 else CN_DIGITS[tens]) + "十" if tens else "") + \
        (CN_DIGITS[ones] if ones else "")
    return text + "、"


@dataclass
class Stamp:
    """The verification line printed on every document."""

    code: str
    url: str


@dataclass
class LetterItem:
    title: str
    unit: str                       # its first completion unit or the enterprise itself


@dataclass
class Letter:
    """推荐函, after GB/T 9704-2012."""

    title: str
    title_lines: list[str]          # where the title breaks (the same in the PDF and the DOCX)
    addressee: str                  # 主送机关, printed with a full-width colon
    opening: str                    # first paragraph
    items: list[LetterItem]         # one paragraph per nomination
    closing: list[str]              # integrity sentence, 特此函告
    signer: str                     # the recommending unit
    date: str                       # 2021年10月20日 (Arabic numerals)
    note: str = ""                  # 附注 under the date: （联系人：…，联系电话：…）
    doc_number: str = ""            # 发文字号, when the unit gave one
    letterhead_mm: int = 0          # room left above for pre-printed letterhead paper

    def digest(self) -> str:
        return _digest(self)

    def item_lines(self) -> list[str]:
        return [f"{i}．{item.title}" + (f"（{item.unit}）" if item.unit else "")
                for i, item in enumerate(self.items, 1)]

    def facts(self) -> list[list[str]]:
        """What a reader compares with the paper on the verification page."""
        return ([["发文字号", self.doc_number]] if self.doc_number else []) + [
            ["主送", self.addressee], ["署名", self.signer], ["成文日期", self.date],
            ["推荐项目", f"共{len(self.items)}项"]] + \
            [[f"{i}", item.title + (f"（{item.unit}）" if item.unit else "")]
             for i, item in enumerate(self.items, 1)]


@dataclass
class FieldRow:
    label: str
    value: str
    wide: bool = False              # long text: printed across the whole table


@dataclass
class FieldTable:
    """Consecutive short fields, printed as one label/value table."""

    rows: list[FieldRow]


@dataclass
class RowTable:
    label: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    blocks: list[FieldTable | FieldRow | RowTable] = field(default_factory=list)

    def add_field(self, row: FieldRow) -> None:
        """Short fields join the table before them; long text stands alone."""
        if not row.wide and self.blocks and isinstance(self.blocks[-1], FieldTable):
            self.blocks[-1].rows.append(row)
        else:
            self.blocks.append(row if row.wide else FieldTable([row]))


@dataclass
class ApplicationForm:
    """申报书/推荐表 of one nomination."""

    heading: str                    # 2021年“科创中国”先导技术榜申报书
    running_header: str             # 先导技术榜 · 电子信息领域
    title: str
    list_name: str
    domain_name: str
    organisation: str
    number: str                     # the unit's own numbering: 先导技术榜-电子信息-01
    sections: list[Section]
    opinion: str
    contact: list[FieldRow]
    pledge: str
    submitted: str
    first_unit: str = ""            # 第一完成单位 / the enterprise, as on the paper
    code: str = ""                  # 统一社会信用代码 or repository address

    def digest(self) -> str:
        return _digest(self)

    def facts(self) -> list[list[str]]:
        return [["名称", self.title], ["榜单", self.list_name + (f"（{self.domain_name}领域）"
                                                               if self.domain_name else "")],
                ["推荐单位", self.organisation], ["推荐编号", self.number],
                ["第一完成单位/主体", self.first_unit], ["统一社会信用代码/仓库地址", self.code],
                ["提交时间", self.submitted]]


@dataclass
class Summary:
    """汇总表 of a unit's or a review body's nominations."""

    title: str
    subtitle: str
    columns: list[str]
    rows: list[list]                # cells: str, int, float or datetime.date
    widths: list[int]               # column widths in characters
    signoff: bool = False           # a 填表人/联系电话/日期/盖章 line under the table

    def digest(self) -> str:
        return _digest(self)

    def facts(self) -> list[list[str]]:
        name_col = self.columns.index("名称") if "名称" in self.columns else None
        facts = [["标题", self.title], ["说明", self.subtitle], ["行数", f"共{len(self.rows)}行"]]
        if name_col is not None:
            facts += [[str(i), str(row[name_col])] for i, row in enumerate(self.rows[:50], 1)]
            if len(self.rows) > 50:
                facts.append(["…", f"另有{len(self.rows) - 50}行"])
        return facts
