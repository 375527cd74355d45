"""A notice's plain text as the structure it has: 一、 headings, （一） subheadings, 1． numbered
items, and the contact records (an item followed by 联系人/联系方式/电子邮箱/邮寄地址 lines) as
tables. Lines the text file broke mid-sentence are joined back."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

H2 = re.compile(r"^[一二三四五六七八九十]+、")
H3 = re.compile(r"^（[一二三四五六七八九十]+）")
ITEM = re.compile(r"^(\d+)[．.]\s*")
FIELD = re.compile(r"^(联\s*系\s*人|联系方式|电子邮箱|邮寄地址|技术支持|客服电话)[：:]\s*(.*)$")
ENDS = "。：；！？”）)"


@dataclass
class Block:
    kind: str                     # h2, h3, p, ol, contacts
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)   # contacts: {机构, 联系人, 联系方式, …}
    columns: list[str] = field(default_factory=list)


def _key(label: str) -> str:
    return re.sub(r"\s+", "", label)


def parse(text: str, skip_title: bool = True) -> list[Block]:
    """The blocks of a notice; its first line, the title, is left out (the page prints it)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if skip_title:
        lines = lines[1:]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if H2.match(line):
            blocks.append(Block("h2", line))
        elif H3.match(line) and not FIELD.match(line):
            blocks.append(Block("h3", line))
        elif ITEM.match(line) and i + 1 < len(lines) and FIELD.match(lines[i + 1]):
            # a contact record: the item, then its fields (and continuation lines)
            record = {"机构": ITEM.sub("", line)}
            i += 1
            while i < len(lines) and (FIELD.match(lines[i]) or not (
                    ITEM.match(lines[i]) or H2.match(lines[i]) or H3.match(lines[i]))):
                m = FIELD.match(lines[i])
                if m:
                    key = _key(m.group(1))
                    record[key] = (record[key] + "；" if key in record else "") + m.group(2)
                else:  # a line continuing the field above (a second address line)
                    last = list(record)[-1]
                    record[last] += " " + lines[i]
                i += 1
            if blocks and blocks[-1].kind == "contacts":
                blocks[-1].rows.append(record)
            else:
                blocks.append(Block("contacts", rows=[record]))
            continue
        elif FIELD.match(line):  # contact lines without an item (工作咨询, 技术咨询)
            m = FIELD.match(line)
            record = {"机构": "", _key(m.group(1)): m.group(2)}
            if blocks and blocks[-1].kind == "contacts" and not blocks[-1].rows[-1]["机构"] \
                    and _key(m.group(1)) not in blocks[-1].rows[-1]:
                blocks[-1].rows[-1][_key(m.group(1))] = m.group(2)
            elif blocks and blocks[-1].kind == "contacts":
                blocks[-1].rows.append(record)
            else:
                blocks.append(Block("contacts", rows=[record]))
        elif ITEM.match(line):
            if blocks and blocks[-1].kind == "ol":
                blocks[-1].items.append(ITEM.sub("", line))
            else:
                blocks.append(Block("ol", items=[ITEM.sub("", line)]))
        elif blocks and blocks[-1].kind == "p" and not blocks[-1].text.endswith(tuple(ENDS)):
            blocks[-1].text += line  # a paragraph the text file broke in two
        else:
            blocks.append(Block("p", line))
        i += 1
    for b in blocks:
        if b.kind == "contacts":
            seen = []
            for row in b.rows:
                for k in row:
                    if k not in seen:
                        seen.append(k)
            b.columns = seen
    return blocks
