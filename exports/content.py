"""What a document says, independent of its format. The PDF, DOCX and XLSX writers all read
these, so no format re-types the content; `digest()` is the hash the verification code names."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


def _digest(obj) -> str:
    data = json.dumps(asdict(obj), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class Stamp:
    """The verification line printed on every document."""

    code: str
    url: str


@dataclass
class Letter:
    """推荐函, after GB/T 9704-2012."""

    title: str
    addressee: str                  # 主送机关, printed with a full-width colon
    opening: str                    # first paragraph
    items: list[str]                # one line per nomination
    closing: list[str]              # integrity sentence, contact
    signer: str                     # the recommending unit
    date: str                       # 2021年10月20日 (Arabic numerals)

    def digest(self) -> str:
        return _digest(self)


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

    def digest(self) -> str:
        return _digest(self)


@dataclass
class Summary:
    """汇总表 of a unit's or a review body's nominations."""

    title: str
    subtitle: str
    columns: list[str]
    rows: list[list]                # cells: str, int, float or datetime.date
    widths: list[int]               # column widths in characters

    def digest(self) -> str:
        return _digest(self)
