"""Bundles (材料包): one ZIP per review body, or per list/domain, holding every letter and
申报书 (PDF and DOCX), the attachments and stamped scans units uploaded, the summary table and an
XLSX index of every file.

The ZIP is written to disk entry by entry (memory stays flat whatever the number of
nominations) and cached by a hash of everything it holds: an unchanged bundle is not rebuilt.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports import xlsx as xlsx_writer
from kczg import queue
from kczg.campaigns import scope as year
from kczg.models import (
    Attachment,
    BundleBuild,
    Domain,
    LetterNumber,
    Nomination,
    NominationList,
    ReviewBody,
    utcnow,
)
from kczg.rules import calendar
from kczg.services import documents as docs
from kczg.services import files, outbox

log = logging.getLogger(__name__)

INDEX_COLUMNS = ["文件", "类型", "推荐单位", "榜单", "领域", "推荐项目", "验证码", "大小（字节）",
                 "SHA-256"]
INDEX_WIDTHS = [40, 8, 16, 12, 6, 22, 13, 8, 32]


@dataclass
class Entry:
    arcname: str
    kind: str
    unit: str = ""
    list: str = ""
    domain: str = ""
    nomination: str = ""
    code: str = ""                     # verification code of a generated document
    prepared: docs.Prepared | None = None
    fmt: str = ""
    attachment: Attachment | None = None

    def source(self) -> Path:
        if self.prepared is not None:
            return docs.rendered(self.prepared, self.fmt)
        return files.path_of(self.attachment)


@dataclass
class Scope:
    key: str                           # body:it, list:xdjs, list:xdjs:dzxx
    title: str
    body: ReviewBody | None
    lst: NominationList | None
    domain: Domain | None

    def nominations(self) -> list[Nomination]:
        """What the bundle holds: submitted, routed here, and delivered (a list with its own
        calendar, opened by a supplementary notice, joins once its own collection closes)."""
        if self.body is not None:
            rows = docs.submitted_for_body(self.body, self.lst, self.domain)
        else:
            query = Nomination.select().where(Nomination.status == "submitted",
                                              Nomination.list == self.lst)
            if self.domain is not None:
                query = query.where(Nomination.domain == self.domain)
            rows = list(query.order_by(Nomination.organisation, Nomination.submitted_at))
        now = calendar.now_utc()
        collecting = {lst.id for lst in {n.list for n in rows}
                      if lst.deadline is not None
                      and calendar.submission_open(lst.campaign, now, lst=lst)}
        return [n for n in rows if n.list_id not in collecting]


def parse_scope(key: str, body: ReviewBody | None = None) -> Scope | None:
    """A bundle scope of the scope's year from its key; with `body`, only scopes inside what
    is routed to it."""
    parts = key.split(":")
    if parts[0] == "body" and len(parts) == 2:
        found = year.body_by_key(parts[1])
        if found is None or (body is not None and found.id != body.id):
            return None
        return Scope(key, f"{found.name}材料包", found, None, None)
    if parts[0] == "list" and len(parts) in (2, 3):
        lst = year.list_by_code(parts[1])
        if lst is None:
            return None
        domain = None
        if len(parts) == 3:
            domain = year.domain(lst, parts[2])
            if domain is None:
                return None
        routed = (domain or lst).review_body_id
        if body is not None and routed != body.id:
            return None
        title = lst.name + (f"（{domain.name}领域）" if domain else "") + "材料包"
        return Scope(key, title, body, lst, domain)
    return None


def root_folder(scope: Scope) -> str:
    """The one folder everything unpacks into, named after the body and the list."""
    if scope.lst is None:  # a body's whole bundle: its name and what it reviews
        parts = [scope.body.name, scope.body.scope]
    else:
        routed = (scope.domain or scope.lst).review_body
        parts = [routed.name if routed else "", scope.title.removesuffix("材料包")]
    return docs.safe_name("-".join(p for p in parts if p) + "-初评材料", 80)


def manifest(scope: Scope) -> list[Entry]:
    entries = _manifest(scope)
    root = root_folder(scope)
    for e in entries:
        e.arcname = f"{root}/{e.arcname}"
    return entries


def _manifest(scope: Scope) -> list[Entry]:
    nominations = scope.nominations()
    forms = {n.id: docs.prepare_form(n) for n in nominations}  # built once, used twice
    entries: list[Entry] = []
    summary = docs.prepare_summary(f"summary-bundle:{scope.key}", "summary_body",
                                   scope.title.removesuffix("材料包") + "推荐汇总表",
                                   "初评材料", nominations, forms=forms,
                                   review_body=scope.body, list=scope.lst, domain=scope.domain)
    for fmt in ("xlsx", "pdf"):
        entries.append(Entry(f"00-推荐汇总表.{fmt}", "汇总表", code=summary.record.code,
                             prepared=summary, fmt=fmt))
    by_unit: dict[int, list[Nomination]] = {}
    for n in nominations:
        by_unit.setdefault(n.organisation_id, []).append(n)
    units = sorted(by_unit.values(), key=lambda ns: ns[0].organisation.name)
    for u, group in enumerate(units, 1):
        org = group[0].organisation
        folder = f"{u:02d}-{docs.safe_name(org.name)}"
        letters = []
        for n in group:
            pair = (n.list, n.domain if n.domain_id else None)
            if pair not in letters:
                letters.append(pair)
        for lst, domain in letters:
            letter = docs.prepare_letter(org, lst, domain)
            where = lst.name + (f"-{domain.name}" if domain else "")
            for fmt in ("pdf", "docx"):
                entries.append(Entry(f"{folder}/{where}-推荐函.{fmt}", "推荐函", org.name, lst.name,
                                     domain.name if domain else "", code=letter.record.code,
                                     prepared=letter, fmt=fmt))
        for n in group:
            form = forms[n.id]
            base = f"{folder}/{form.content.number}-{docs.safe_name(n.display_title)}"
            common = dict(unit=org.name, list=n.list.name,
                          domain=n.domain.name if n.domain_id else "",
                          nomination=n.display_title)
            for fmt in ("pdf", "docx"):
                entries.append(Entry(f"{base}-申报书.{fmt}", "申报书", code=form.record.code,
                                     prepared=form, fmt=fmt, **common))
            for a, att in enumerate(docs.attachments_of([n]), 1):
                entries.append(Entry(f"{base}-附件{a}-{docs.safe_name(att.original_name, 60)}",
                                     "证明材料", attachment=att, **common))
        list_ids = {lst.id for lst, _ in letters}
        wanted = {(lst.id, domain.id if domain else None) for lst, domain in letters}
        scans = [att for att in (Attachment.select().where(
            Attachment.organisation == org, Attachment.kind == "stamped_scan",
            Attachment.list.in_(list_ids), Attachment.retired_at.is_null())
            .order_by(Attachment.id))  # each letter's current scan (one without a domain: old)
            if (att.list_id, att.domain_id) in wanted or att.domain_id is None]
        for s, att in enumerate(scans, 1):
            where = att.list.name + (f"-{att.domain.name}" if att.domain_id else "")
            entries.append(Entry(f"{folder}/{where}-盖章扫描件{s}-"
                                 f"{docs.safe_name(att.original_name, 60)}", "盖章扫描件",
                                 org.name, att.list.name, attachment=att))
    return entries


def _code_version() -> str:
    """A hash of the exporters and print templates: new code renders new bundles."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        digest = hashlib.sha256()
        root = Path(docs.__file__).resolve().parents[2] / "exports"
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css"):
                digest.update(path.name.encode() + path.read_bytes())
        digest.update(Path(docs.__file__).read_bytes() + Path(__file__).read_bytes())
        _CODE_VERSION = digest.hexdigest()
    return _CODE_VERSION


_CODE_VERSION = None


def fingerprint(scope: Scope) -> str:
    """What the bundle's content depends on, read from the rows in a few queries (no document is
    built): every nomination's id and version, its unit, list and domain, every file's hash, the
    campaign, the body, the printed base URL and the exporters' code. Equal fingerprints, equal
    bundles; so a cached bundle is found without rebuilding anything."""
    nominations = scope.nominations()
    digest = hashlib.sha256(f"kczg-bundle-v2\n{scope.key}\n{_code_version()}\n"
                            f"{current_app.config['KCZG_BASE_URL']}\n".encode())
    if nominations:
        campaign = nominations[0].list.campaign
        digest.update(f"{campaign.title}\t{campaign.notice_title}\t{campaign.letterhead_mm}\n"
                      .encode())
    if scope.body is not None:
        digest.update(f"{scope.body.name}\t{scope.body.scope}\n".encode())
    for n in nominations:
        org = n.organisation
        digest.update(f"{n.id}\t{n.version}\t{org.id}\t{org.name}\t{org.unit_type_id}\t"
                      f"{org.letterhead_mm}\t{n.list.name}\t{n.list.item_noun}\t"
                      f"{n.domain.name if n.domain_id else ''}\n".encode())
    ids = [n.id for n in nominations]
    list_ids = {n.list_id for n in nominations}
    org_ids = {n.organisation_id for n in nominations}
    if ids:  # the letters' 发文字号
        for row in (LetterNumber.select(LetterNumber.organisation, LetterNumber.letter,
                                        LetterNumber.number)
                    .where(LetterNumber.organisation.in_(org_ids))
                    .order_by(LetterNumber.id).tuples()):
            digest.update(("\t".join(map(str, row)) + "\n").encode())
        files_in = (Attachment.select(Attachment.id, Attachment.sha256, Attachment.original_name)
                    .where((Attachment.nomination.in_(ids)) |
                           ((Attachment.kind == "stamped_scan") &
                            Attachment.organisation.in_(org_ids) &
                            Attachment.list.in_(list_ids) & Attachment.retired_at.is_null()))
                    .order_by(Attachment.id).tuples())
        for row in files_in:
            digest.update(("\t".join(map(str, row)) + "\n").encode())
    return digest.hexdigest()


def bundle_dir() -> Path:
    path = Path(current_app.instance_path) / "bundles"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundle_path(key: str) -> Path:
    return bundle_dir() / f"{key}.zip"


def _write_index(entries: list[Entry], sources: dict[str, Path], target: Path) -> None:
    """The XLSX index of every file, streamed row by row to `target` (write-only workbook)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("索引")
    for col, width in enumerate(INDEX_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width * 2 + 2
    ws.freeze_panes = "A2"
    header = []
    for name in INDEX_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for e in entries:
        path = sources[e.arcname]
        ws.append([xlsx_writer.text_cell(ws, v) for v in
                   (e.arcname, e.kind, e.unit, e.list, e.domain, e.nomination, e.code)] +
                  [path.stat().st_size, files.sha256_of(path)])
    wb.save(target)


class ChineseName(zipfile.ZipInfo):
    """An entry whose name is stored in GBK, as Chinese Windows reads names without the UTF-8
    flag (older Explorer ignores that flag and showed UTF-8 names garbled), together with the
    Info-ZIP Unicode Path field (0x7075) holding the UTF-8 name for 7-Zip, unzip, macOS and
    every other tool that reads it. Names GBK cannot hold stay UTF-8 with the flag."""

    def _encodeFilenameFlags(self):
        try:
            return self.filename.encode("gbk"), self.flag_bits & ~0x800
        except UnicodeEncodeError:
            return super()._encodeFilenameFlags()

    @classmethod
    def for_file(cls, path: Path, arcname: str) -> "ChineseName":
        info = cls.from_file(path, arcname)
        info.compress_type = zipfile.ZIP_STORED
        try:
            legacy = info.filename.encode("gbk")
        except UnicodeEncodeError:
            return info
        utf8 = info.filename.encode("utf-8")
        if legacy != utf8:
            info.extra = struct.pack("<HHBL", 0x7075, 5 + len(utf8), 1,
                                     zlib.crc32(legacy)) + utf8
        return info


def _add(zf: zipfile.ZipFile, path: Path, arcname: str) -> None:
    with open(path, "rb") as src, zf.open(ChineseName.for_file(path, arcname), "w") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


def write_zip(entries: list[Entry], target: Path, progress=None) -> None:
    """Write the ZIP entry by entry to `target` (atomically), rendering what is not cached."""
    tmp = target.with_suffix(f".{os.getpid()}.part")
    sources: dict[str, Path] = {}
    root = entries[0].arcname.split("/")[0] + "/" if entries and "/" in entries[0].arcname else ""
    try:
        # documents are already compressed (PDF streams, DOCX/XLSX are ZIPs): store them
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for i, e in enumerate(entries, 1):
                sources[e.arcname] = e.source()
                _add(zf, sources[e.arcname], e.arcname)
                if progress:
                    progress(i)
            index = target.with_suffix(f".{os.getpid()}.index.xlsx")
            try:
                _write_index(entries, sources, index)
                _add(zf, index, f"{root}索引.xlsx")
            finally:
                index.unlink(missing_ok=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def lease_seconds() -> int:
    return int(current_app.config.get("BUNDLE_LEASE_SECONDS", 120))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(build_id: int) -> bool:
    """Take the build for this worker (queued, or running with an expired lease)."""
    now = utcnow()
    return BundleBuild.update(
        status="running", worker=_worker_name(), attempts=BundleBuild.attempts + 1,
        lease_until=now + timedelta(seconds=lease_seconds()), done=0,
    ).where(BundleBuild.id == build_id,
            (BundleBuild.status == "queued") |
            ((BundleBuild.status == "running") & (BundleBuild.lease_until < now))
            ).execute() == 1


@queue.job()
def build_bundle(build_id: int) -> None:
    """The worker's job: build one bundle in its own year's scope."""
    with year.unscoped():
        build = BundleBuild.get_or_none(BundleBuild.id == build_id)
        campaign = build.campaign if build is not None else None
    if campaign is not None:
        with year.of(campaign):
            run_build(build_id)


def run_build(build_id: int) -> None:
    """Build one bundle (in its year's scope); the worker renews its lease as it writes, so a
    build whose worker died is seen by `recover_stale_builds` and started again."""
    if not _claim(build_id):
        return  # another worker holds it, or it is finished
    build = BundleBuild.get_by_id(build_id)
    scope = parse_scope(build.scope)
    try:
        key = fingerprint(scope)
        entries = manifest(scope)
        build.content_key, build.total = key, len(entries) + 1
        build.save(only=[BundleBuild.content_key, BundleBuild.total])
        target = bundle_path(key)
        if not target.exists():
            def progress(done):
                if done % 5 == 0 or done == len(entries):
                    BundleBuild.update(done=done, lease_until=utcnow() + timedelta(
                        seconds=lease_seconds())).where(BundleBuild.id == build_id).execute()
            write_zip(entries, target, progress)
        BundleBuild.update(status="done", done=build.total, size=target.stat().st_size,
                           finished_at=utcnow(), lease_until=None) \
            .where(BundleBuild.id == build_id).execute()
        if build.requested_by_id is None and scope.body is not None:
            tell_body(scope.body)
    except Exception as e:  # the page must say it failed, not spin forever
        BundleBuild.update(status="failed", error=repr(e)[:2000], finished_at=utcnow(),
                           lease_until=None) \
            .where(BundleBuild.id == build_id).execute()
        raise


MAX_ATTEMPTS = 3


def remove_partials(key: str) -> list[Path]:
    """Delete what a dead worker left of bundle `key` (its .part and index files)."""
    removed = []
    for path in bundle_dir().glob(f"{key}.*"):
        if path.name != f"{key}.zip":  # the finished ZIP only ever appears whole (os.replace)
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@queue.periodic(queue.crontab(minute="*"))
def recover_bundles() -> None:
    """Every minute: a bundle build whose worker died (lease expired) is cleaned and retried."""
    recover_stale_builds()


def recover_stale_builds() -> list[int]:
    """Builds still 'running' after their lease ran out lost their worker, whatever their year:
    remove the partial file and queue them again (failed after MAX_ATTEMPTS). Returns the ids
    retried."""
    with year.unscoped():
        return _recover()


def _recover() -> list[int]:
    retried = []
    stale = list(BundleBuild.select().where(BundleBuild.status == "running",
                                            BundleBuild.lease_until < utcnow()))
    for build in stale:
        if build.content_key:
            remove_partials(build.content_key)
        if build.attempts >= MAX_ATTEMPTS:
            BundleBuild.update(status="failed", finished_at=utcnow(), lease_until=None,
                               error=f"生成进程中断{build.attempts}次，已停止重试") \
                .where(BundleBuild.id == build.id, BundleBuild.status == "running").execute()
            continue
        changed = BundleBuild.update(status="queued", done=0, lease_until=None) \
            .where(BundleBuild.id == build.id, BundleBuild.status == "running",
                   BundleBuild.lease_until < utcnow()).execute()
        if changed:
            log.warning("bundle build %s lost its worker %s; retrying", build.id, build.worker)
            retried.append(build.id)
            queue.after_commit(build_bundle, build.id)
    return retried


def tell_body(body: ReviewBody) -> None:
    outbox.notify(outbox.body_users(body), "初评材料包已生成",
                  "本机构的初评材料包已按最新推荐材料生成，请在初评工作台下载。")
