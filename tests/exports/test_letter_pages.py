"""Letters of 1, 2, 5 and 8 items with the longest names the forms allow (技术名称 50 characters,
第一完成单位 100), a 发文字号 and a 附注: the PDF and LibreOffice's render of the DOCX print the
same body lines, page by page, and the same number of pages; the signature always shares its page
with body text (GB/T 9704 §7.3.5); no paragraph leaves a single line on a page, no line holds one
character alone; the title's digits are set in the title's face."""
import dataclasses
import re
import subprocess

import pytest

from exports import content as c
from exports import docx as docx_writer
from exports import layout, pdf
from tests.exports.test_docx_print import soffice
from tests.exports.test_print_geometry import body_lines, letter, lines

STAMP = c.Stamp("ABCD-EFGH-JKMN", "https://kczg.example.org/verify/ABCD-EFGH-JKMN")
NAME = ("面向新一代信息技术产业的高性能低功耗人工智能芯片设计与制造关键技术研究及产业化应用示范"
        "工程")[:50]
UNIT = ("北京示例微电子科技有限公司" * 8)[:100]


def long_letter(n: int) -> c.Letter:
    return dataclasses.replace(letter([(f"{i}{NAME}"[:50], UNIT) for i in range(1, n + 1)]),
                               doc_number="中电学函〔2021〕12号")


def pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def page_lines(data: bytes, tmp_path, count: int) -> list[list[str]]:
    return [[ln.text for ln in body_lines(lines(data, tmp_path, p))] for p in
            range(1, count + 1)]


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_pdf_and_docx_print_the_same_lines_and_pages(n, tmp_path):
    letter = long_letter(n)
    pdf_data = pdf.letter_pdf(letter, STAMP)
    (tmp_path / "letter.docx").write_bytes(docx_writer.letter_docx(letter, STAMP))
    (tmp_path / "letter.pdf").write_bytes(pdf_data)
    out = tmp_path / "lo"
    soffice([tmp_path / "letter.docx"], out, tmp_path)
    count = pages(tmp_path / "letter.pdf")
    assert pages(out / "letter.pdf") == count
    ours = page_lines(pdf_data, tmp_path, count)
    theirs = page_lines((out / "letter.pdf").read_bytes(), tmp_path, count)
    assert ours == theirs, next((p, a, b) for p, (a, b) in enumerate(zip(ours, theirs))
                                if a != b)

    # the signature's page has body text above the seal's room (blank lines print nothing)
    last = ours[-1]
    assert "中国电子学会" in last and last.index("中国电子学会") >= 1, ours
    # no line holds one character alone
    assert all(len(ln.text) > 1 for ln in layout.letter_lines(letter) if ln.kind == "text")
    print(f"{n} items: {count} page(s), lines per page {[len(p) for p in ours]}")


def test_splits_leave_two_lines_each_side_and_the_signature_is_never_alone():
    for n in range(1, 13):
        printed = layout.letter_lines(long_letter(n))
        starts = [i for i, ln in enumerate(printed) if ln.page_break]
        for s in starts:
            page_before = printed[:s]
            # a paragraph split at this break: two lines at least on each side
            if printed[s].kind == "text" and not printed[s].indent and printed[s - 1].kind == \
                    "text":
                j = s
                while j > 0 and printed[j - 1].kind == "text" and not printed[j - 1].indent:
                    j -= 1
                assert s - j + 1 >= 2 or printed[j - 1].indent, (n, s)
            assert page_before
        sig = next(i for i, ln in enumerate(printed) if ln.kind == "sig")
        page_start = max([0] + [s for s in starts if s <= sig])
        assert any(ln.kind == "text" for ln in printed[page_start:sig]), n


def test_title_digits_are_in_the_titles_face_and_the_docnum_two_lines_above():
    import io

    import docx
    from docx.oxml.ns import qn

    d = docx.Document(io.BytesIO(docx_writer.letter_docx(long_letter(5), STAMP)))
    title = next(p for p in d.paragraphs if "科创中国" in p.text and p.runs[0].font.size)
    for run in title.runs:
        fonts = run._element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    texts = [p.text for p in d.paragraphs]
    at = texts.index("中电学函〔2021〕12号")
    assert texts[at + 1] == texts[at + 2] == "" and "科创中国" in texts[at + 3]


@pytest.mark.parametrize("signer", ["中国电子学会", "中国电子学会科普工作委员会"])
def test_the_name_is_centred_over_the_date_in_both_prints(signer, tmp_path):
    """GB/T 9704 7.3.5.1: the unit's name centred over the date, the date four characters
    from the right. LibreOffice draws the date wider than Word (it spaces out the digits), so
    the DOCX centres both in one box: the centres meet whatever the renderer's widths."""
    letter = dataclasses.replace(long_letter(1), signer=signer)
    (tmp_path / "letter.docx").write_bytes(docx_writer.letter_docx(letter, STAMP))
    soffice([tmp_path / "letter.docx"], tmp_path / "lo", tmp_path)
    for data in (pdf.letter_pdf(letter, STAMP), (tmp_path / "lo" / "letter.pdf").read_bytes()):
        found = body_lines(lines(data, tmp_path, 1))
        name = next(ln for ln in found if ln.text == signer)
        date = next(ln for ln in found if ln.text == letter.date)
        assert abs((name.x0 + name.x1) / 2 - (date.x0 + date.x1) / 2) < 0.5, (name, date)
        assert 0 < date.y0 - name.y0 < 12  # the next line
        assert 18 < 184 - date.x1 < 23.5  # about four characters (5.57 mm) from the right
