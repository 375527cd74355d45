"""Uploaded files: PDF, JPG and PNG only (checked by content, not by name), at most 20 MB,
stored under instance/uploads/ with random names, never under static/."""
from __future__ import annotations

import hashlib
import re
import secrets
import zipfile
from pathlib import Path
from urllib.parse import quote

from flask import abort, current_app, send_file

from kczg.models import Attachment
from kczg.parsing import clean_filename
from kczg.rules.permissions import can_download_attachment

MAX_BYTES = 20 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
]


class UploadError(ValueError):
    pass


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, mime, ext in SIGNATURES:
        if head.startswith(magic):
            return mime, ext
    return None


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


OFFICE = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _office_kind(head: bytes, original_name: str) -> tuple[str, str] | None:
    ext = "." + (original_name or "").rsplit(".", 1)[-1].lower()
    if head.startswith(b"PK\x03\x04") and ext in OFFICE:
        return OFFICE[ext], ext
    return None


def store(stream, original_name: str, office: bool = False) -> dict:
    """Copy an upload to disk in chunks, checking type and size; returns the Attachment fields.
    `office`: Word and Excel files are accepted too (checked as such once written)."""
    head = stream.read(16)
    kind = sniff(head) or (_office_kind(head, original_name) if office else None)
    if kind is None:
        raise UploadError("只能上传 PDF、DOCX 或 XLSX 文件（按文件内容判断，改扩展名无效）" if office
                          else "只能上传 PDF、JPG 或 PNG 文件（按文件内容判断，改扩展名无效）")
    mime, ext = kind
    stored_name = secrets.token_hex(16) + ext
    target = upload_dir() / stored_name
    digest, size = hashlib.sha256(head), len(head)
    try:
        with open(target, "xb") as out:
            out.write(head)
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise UploadError("文件不能超过20 MB，请压缩后重新上传")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if ext in OFFICE_PARTS:
        try:
            with zipfile.ZipFile(target) as zf:
                ok = OFFICE_PARTS[ext] in zf.namelist()
        except zipfile.BadZipFile:
            ok = False
        if not ok:
            target.unlink(missing_ok=True)
            raise UploadError("文件已损坏或不是Word/Excel文件，请重新保存后上传")
    return {"original_name": shown_name(original_name, mime), "stored_name": stored_name, "content_type": mime,
            "size": size, "sha256": digest.hexdigest()}


EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"),
              "image/png": (".png",), OFFICE[".docx"]: (".docx",), OFFICE[".xlsx"]: (".xlsx",)}


def shown_name(original_name: str, mime: str) -> str:
    """The name an upload is listed and downloaded under: the user's, cleaned (no path, no
    control or direction characters), ending as its content is (a PDF named x.html is x.pdf)."""
    name = clean_filename(original_name or "附件")
    stem, dot, ext = name.rpartition(".")
    if not dot or "." + ext.lower() not in EXTENSIONS[mime]:
        name = (stem if dot and stem else name) + EXTENSIONS[mime][0]
    return name


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def discard(stored_name: str) -> None:
    """Delete a stored upload's file (its row is deleted by the operation that calls this)."""
    (upload_dir() / stored_name).unlink(missing_ok=True)


def send_download(source, mimetype: str, name: str, fallback: str):
    """A download named `name` (Chinese) for browsers that read RFC 6266's filename*, and
    `fallback` (ASCII, e.g. kczg-letter-ABCD-EFGH-JKMN.pdf) for those that do not, instead of
    the ---.pdf Werkzeug would make of a Chinese name."""
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=fallback)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", fallback).strip("-.") or "download"
    response.headers["Content-Disposition"] = \
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return response


def send_stored(path: Path, mimetype: str, name: str, prefix: str):
    """A stored upload under its own (cleaned) name, with `prefix` and the name's extension as
    the ASCII fallback (kczg-material-12.pdf)."""
    name = clean_filename(name)
    suffix = Path(name).suffix if Path(name).suffix.isascii() else ""
    return send_download(path, mimetype, name, prefix + suffix)


def send(attachment: Attachment):
    """The download response; callers have checked who may see it."""
    return send_stored(path_of(attachment), attachment.content_type, attachment.original_name,
                       f"kczg-{attachment.kind.replace('_', '-')}-{attachment.id}")


def attachment_for(user, attachment_id: int) -> Attachment:
    """The attachment if `user` may download it, else 404 (never say it exists)."""
    att = Attachment.get_or_none(Attachment.id == attachment_id)
    if att is None or not can_download_attachment(user, att):
        abort(404)
    return att


# what a writer leaves while it works (bundle parts and indexes, rendered documents): never
# served, never backed up, pruned when a dead process left them
TEMP_SUFFIXES = (".part", ".tmp", ".index.xlsx")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time (bundle indexes, backup manifests)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
