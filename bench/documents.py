"""Document benchmarks: prints figures and ratios against the targets of the documents issue.

    .venv/bin/python bench/documents.py [--nominations 200] [--repeat 5]

- median time of a bare WeasyPrint render of the letter's content (its text, page number,
  verification lines and QR) as plain paragraphs in the same faces, interleaved round by round
  with our letter: what any PDF of that content costs, without our template;
- our letter PDF, our 申报书 PDF and DOCX (rendering only, no cache);
- a review-body bundle of N nominations: cold (documents already rendered, as the worker does at
  submission; ZIP not built yet) and cached (an unchanged bundle is found by its content hash);
- peak Python memory of building the bundle, for N/4 and N nominations (flat = ratio near 1).

Targets: letter <= 1.2x the bare render; cached bundle >= 20x faster than cold; memory flat.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KCZG_INSTANCE", tempfile.mkdtemp(prefix="kczg-bench-"))


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def setup(n: int):
    """An app on a fresh SQLite file with n submitted 电子信息 nominations from n/2 units."""
    from werkzeug.datastructures import MultiDict

    from kczg import create_app, demo
    from kczg.db import database
    from kczg.demo_data import sample
    from kczg.migrate import migrate
    from kczg.models import Attachment, Domain, NominationList, Organisation, UnitType, User
    from kczg.operations import nominations as ops
    from kczg.operations.campaigns import load_campaign
    from kczg.queue import huey
    from kczg.services import files
    from kczg.services import nominations as svc

    huey.immediate = True
    instance = Path(tempfile.mkdtemp(prefix="kczg-bench-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
                      "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
                      "KCZG_PRERENDER_DOCUMENTS": False, "TESTING": True})
    app.instance_path = str(instance)
    ctx = app.app_context()
    ctx.push()
    database.connect()
    migrate()
    load_campaign()
    demo.load()  # accounts, and a calendar open today
    lst = NominationList.get(NominationList.code == "xdjs")
    domain = Domain.get(Domain.list == lst, Domain.code == "dzxx")
    society = UnitType.get(UnitType.code == "society")
    material = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"  # a 200 KB scan
    for u in range((n + 1) // 2):
        org = Organisation.create(name=f"基准测试学会{u:03d}", unit_type=society, contact="王明",
                                  phone="010-68283463", email="b@example.org")
        user = User.create(username=f"bench{u:03d}", password_hash="-", role="unit",
                           organisation=org)
        for k in range(2 if 2 * u + 1 < n else n - 2 * u):
            data = MultiDict(sample("xdjs", tech_name=f"基准技术{u:03d}-{k}"))
            nomination = ops.create_draft(user, lst, domain)
            form = svc.build_form(nomination, data)
            ops.submit(nomination.id, user, svc.raw_from(data), form.clean_data(),
                               nomination.version, svc.derived(form, nomination), [])
            Attachment.create(organisation=org, list=lst, nomination=nomination,
                              kind="material", uploaded_by=user,
                              **files.store(io.BytesIO(material), "证明材料.pdf"))
    return app, ctx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nominations", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run (2 nominations, 1 round): the test suite runs it")
    args = parser.parse_args()
    n, repeat = (2, 1) if args.smoke else (args.nominations, args.repeat)

    from exports import content, fonts
    from exports import docx as docx_writer
    from exports import pdf as pdf_writer

    problems = fonts.missing()
    for p in problems:
        print("WARNING:", p)

    t0 = time.perf_counter()
    app, ctx = setup(n)
    print(f"set-up: {n} submitted nominations in {time.perf_counter() - t0:.1f} s")

    from kczg.models import Nomination, ReviewBody, User
    from kczg.operations import bundles as bundle_ops
    from kczg.services import bundles
    from kczg.services import documents as docs

    nomination = Nomination.select().first()
    form = docs.prepare_form(nomination)
    letter = docs.prepare_letter(nomination.organisation, nomination.list, nomination.domain)
    # the bare render: the letter's own content (its text, the page number, the verification
    # lines and QR) as plain paragraphs in the same faces: what any PDF of that content costs.
    # The difference to our letter is the template: GB/T 9704 page, line grid, margin boxes.
    import html as html_lib

    from exports import verify
    text = [letter.content.opening, *(f"{i.title}（{i.unit}）" for i in letter.content.items),
            *letter.content.closing,
            letter.content.signer, letter.content.date, "— 1 —",
            f"验证码 {form.record.code}", "扫描二维码或访问以下网址核验本文件真伪：",
            "https://kczg.example.org/verify/" + form.record.code]
    # the same faces as the letter (exports/fonts.py), so only the template and layout differ
    faces = (f"html{{font-family:{fonts.css_family(fonts.BODY)}}}"
             f"h1{{font-family:{fonts.css_family(fonts.TITLE)};font-weight:900}}"
             ".pn{font-family:\"KCZG Folio\",\"FandolSong\",\"Noto Serif CJK SC\",serif}")  # print.css

    def bare_html():
        return ('<html lang="zh-CN"><head><style>@page{size:A4;margin:37mm 26mm 35mm 28mm}'
                f'{faces}</style></head><body>'
                f'<h1>{html_lib.escape(letter.content.title)}</h1>'
                + "".join(f'<p{" class=pn" if t.startswith("—") else ""}>{html_lib.escape(t)}</p>'
                          for t in text)
                + f'<img src="{verify.qr_data_uri("https://kczg.example.org/verify/" + form.record.code)}"'
                  ' style="width:20mm">' + "</body></html>")

    pdf_writer.render_html(bare_html())  # warm-up: fonts loaded once per process
    one_line = ('<html lang="zh-CN"><head><style>@page{size:A4}'
                f'{faces}</style></head><body><p>根据通知要求，现推荐以下项目。</p>'
                '</body></html>')
    one_line_t = median_time(lambda: pdf_writer.render_html(one_line), repeat)
    stamp = content.Stamp(form.record.code, "https://kczg.example.org/verify/" + form.record.code)
    # the two interleaved, round by round: this machine's speed drifts within minutes
    bare_times, letter_times = [], []
    for _ in range(max(repeat, 3)):
        start = time.perf_counter()
        pdf_writer.render_html(bare_html())
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        pdf_writer.letter_pdf(letter.content, stamp)
        letter_times.append(time.perf_counter() - start)
    bare, letter_t = statistics.median(bare_times), statistics.median(letter_times)
    ratio = statistics.median(lt / bt for lt, bt in zip(letter_times, bare_times))
    form_pdf_t = median_time(lambda: pdf_writer.form_pdf(form.content, stamp), repeat)
    form_docx_t = median_time(lambda: docx_writer.form_docx(form.content, stamp), repeat)
    letter_pages = len(__import__("pypdf").PdfReader(
        io.BytesIO(pdf_writer.letter_pdf(letter.content, stamp))).pages)

    print()
    print(f"{'bare WeasyPrint render, one short line':44s} {one_line_t * 1000:8.1f} ms")
    print(f"{'bare render of the same content':44s} {bare * 1000:8.1f} ms")
    print(f"{'letter PDF (推荐函, ' + str(letter_pages) + ' pages)':44s} {letter_t * 1000:8.1f} ms"
          f"   ratio to bare {ratio:.2f}x (median of rounds; target <= 1.2x); "
          f"to one short line {letter_t / one_line_t:.1f}x")
    from kczg.services import signing

    letter_bytes = pdf_writer.letter_pdf(letter.content, stamp)
    sign_t = median_time(lambda: signing.sign(letter_bytes, form.record.code), repeat)
    print(f"{'signing the letter PDF (PAdES, pyHanko)':44s} {sign_t * 1000:8.1f} ms"
          f"   letter rendered and signed: ratio to bare {(letter_t + sign_t) / bare:.2f}x")
    print(f"{'申报书 PDF':44s} {form_pdf_t * 1000:8.1f} ms")
    print(f"{'申报书 DOCX':44s} {form_docx_t * 1000:8.1f} ms")
    summary = docs.prepare_unit_summary(nomination.organisation)
    sizes = {"letter PDF": pdf_writer.letter_pdf(letter.content, stamp),
             "letter PDF, signed": signing.sign(letter_bytes, form.record.code),
             "letter DOCX": docx_writer.letter_docx(letter.content, stamp),
             "申报书 PDF": pdf_writer.form_pdf(form.content, stamp),
             "申报书 DOCX": docx_writer.form_docx(form.content, stamp),
             "summary PDF": pdf_writer.summary_pdf(summary.content, stamp)}
    for kind, data in sizes.items():
        pages = len(__import__("pypdf").PdfReader(io.BytesIO(data)).pages) \
            if kind.endswith("PDF") else None
        print(f"{'size: ' + kind:44s} {len(data) / 1024:8.1f} KB"
              + (f"   ({pages} page{'s' if pages > 1 else ''})" if pages else ""))

    body = ReviewBody.get(ReviewBody.short_id == "it")
    user = User.get(User.username == "review-it")
    scope = bundles.parse_scope("body:it", body=body)

    t0 = time.perf_counter()
    entries = bundles.manifest(scope)
    for e in entries:
        e.source()  # what the worker does after each submission
    render_all = time.perf_counter() - t0
    print(f"{'render every document of the bundle once':44s} {render_all:8.1f} s"
          f"   ({len(entries)} files; done by the worker as units submit)")

    def cold():
        for old in bundles.bundle_dir().glob("*.zip"):
            old.unlink()
        build = bundle_ops.request(user, scope)
        assert build.status == "done", build.error

    def cached():
        build = bundle_ops.request(user, scope)
        assert build.status == "done"

    cold_t = median_time(cold, min(3, repeat))
    cached_t = median_time(cached, repeat)
    zip_path = next(bundles.bundle_dir().glob("*.zip"))
    size = zip_path.stat().st_size
    uploads = sum(e.attachment.size for e in entries if getattr(e, "attachment", None))
    print(f"{'bundle of ' + str(n) + ' nominations, cold':44s} {cold_t * 1000:8.1f} ms"
          f"   ({size / 1048576:.1f} MB ZIP; {(size - uploads) / 1048576:.1f} MB without the "
          f"units' attachments, target <= {30 * n / 100:.0f} MB)")
    print(f"{'bundle of ' + str(n) + ' nominations, cached':44s} {cached_t * 1000:8.1f} ms"
          f"   cold/cached {cold_t / cached_t:.1f}x (target >= 20x)")

    def peak_for(count: int) -> int:
        subset = entries[:2] + [e for e in entries[2:] if not e.unit or
                                e.unit < f"基准测试学会{(count + 1) // 2:03d}"]
        target = bundles.bundle_dir() / f"peak-{count}.zip"
        tracemalloc.start()
        bundles.write_zip(subset, target)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        target.unlink()
        return peak

    small, large = max(n // 4, 1), n
    peak_small, peak_large = peak_for(small), peak_for(large)
    print(f"{'peak memory writing the bundle, ' + str(small) + ' nominations':44s} "
          f"{peak_small / 1048576:8.2f} MB")
    print(f"{'peak memory writing the bundle, ' + str(large) + ' nominations':44s} "
          f"{peak_large / 1048576:8.2f} MB   ratio {peak_large / peak_small:.2f}x for "
          f"{large / small:.0f}x the nominations (flat: near 1x)")
    ctx.pop()


if __name__ == "__main__":
    from kczg.campaigns import scope

    # a bench works as the app's requests do: in the current campaign's scope
    with scope.using_current():
        main()
