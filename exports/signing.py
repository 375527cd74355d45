"""PAdES signatures on the platform's PDFs (pyHanko), and checking a PDF someone brings back.

The platform signs with its own key: a small CA made once per instance (`make_ca`: a root
certificate and a signing certificate it issues, EC P-256), or an institution's certificate in
production (any PEM key and certificate chain). A signature covers the whole file as generated;
its /Reason carries the document's verification code, so a PDF brought back names its record.

`check` answers for an uploaded PDF: unaltered (signed by a certificate that chains to our root,
digest intact, nothing appended after signing), altered (digest broken, or pages or content
added after signing), or unknown (no signature, or another signer's).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger(__name__)
_thread = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="kczg-sign")


def _outside_any_loop(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous functions (each runs asyncio.run) where no event
    loop is running: at once in a plain thread; in a thread of its own where a loop runs in
    this one (a caller inside Playwright's sync API, or any asyncio server)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    return _thread.submit(fn, *args, **kwargs).result()

ROOT_FILE, CERT_FILE, KEY_FILE = "root.pem", "signing.pem", "signing.key"
FIELD = "kczg-signature"
REASON = "“科创中国”榜单征集平台签发；验证码 {code}"
CODE_IN_REASON = re.compile(r"验证码\s*([A-Za-z0-9-]+)")


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(directory: Path, organisation: str = "“科创中国”榜单征集平台",
            years: int = 10) -> None:
    """A root certificate and a signing certificate it issues, written to `directory` (the
    signing key 0600). Done once per instance (`flask kczg init`)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    until = now + dt.timedelta(days=365 * years)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"{organisation} 根证书", organisation)
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(f"{organisation} 文件签发", organisation))
            .issuer_name(root_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                  x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),
                                                  x509.ObjectIdentifier("1.2.840.113583.1.1.5")]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (directory / ROOT_FILE).write_bytes(root.public_bytes(pem))
    (directory / CERT_FILE).write_bytes(cert.public_bytes(pem))
    key_path = directory / KEY_FILE
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)


class Signer:
    """Signs PDFs with one key and certificate chain (loaded once)."""

    def __init__(self, key: Path, cert: Path, chain: list[Path], tsa_url: str = "",
                 passphrase: bytes | None = None):
        from pyhanko.sign import signers, timestamps

        self._signer = signers.SimpleSigner.load(
            str(key), str(cert), ca_chain_files=[str(p) for p in chain] or None,
            key_passphrase=passphrase)
        self._timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None

    def sign(self, pdf: bytes, code: str = "") -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, reason=REASON.format(code=code or "—"),
            location="中国", subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256")
        out = io.BytesIO()
        pdf_signer = signers.PdfSigner(meta, signer=self._signer, timestamper=self._timestamper)
        _outside_any_loop(pdf_signer.sign_pdf, writer, output=out)
        return out.getvalue()


@dataclass
class Check:
    """What a PDF brought back is: status unaltered / altered / unknown, the code its signature
    names, and the reason in Chinese."""

    status: str
    code: str = ""
    reason: str = ""
    signed_at: dt.datetime | None = None
    # an RFC 3161 timestamp in the signature (KCZG_TSA_URL): its time, and whether its
    # authority's certificate leads to a root this instance trusts for timestamps (KCZG_TSA_ROOT)
    timestamped_at: dt.datetime | None = None
    timestamp_trusted: bool = False


def _context(pems):
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(x509.load_pem_x509_certificate(pem).public_bytes(
        serialization.Encoding.DER)) for pem in pems]
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def check(pdf: bytes, root_pem: bytes, tsa_root_pems: tuple[bytes, ...] = ()) -> Check:
    """Is `pdf` a file this platform signed, unaltered? (see the module's docstring)"""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator.errors import PathBuildingError

    if not pdf.startswith(b"%PDF-"):
        return Check("unknown", reason="该文件不是PDF文件。")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as e:
        signed = b"/ByteRange" in pdf and FIELD.encode() in pdf
        log.info("unreadable PDF brought to verify: %s", e)
        return Check("altered" if signed else "unknown",
                     reason="文件结构已损坏：它带有本平台的签名，但签名之后被改动过。" if signed
                     else "无法读取该PDF文件。")
    ours = [s for s in signatures if s.field_name == FIELD]
    if not signatures:
        return Check("unknown", reason="该文件没有电子签名：不是本平台签发的文件，或签名已被去除。")
    if not ours:
        return Check("unknown", reason="该文件的签名不是本平台的：由其他机构或软件签名。")
    sig = ours[-1]
    reason = str(sig.sig_object.get("/Reason", ""))
    found = CODE_IN_REASON.search(reason)
    code = found.group(1) if found else ""
    # the timestamp authority is trusted on its own roots, never for the document's signer
    try:
        status = _outside_any_loop(validate_pdf_signature, sig, _context([root_pem]),
                                   _context(tsa_root_pems))
    except PathBuildingError:
        return Check("unknown", code, "该文件的签名证书不是本平台签发的：可能来自其他平台。")
    signed_at = status.signer_reported_dt
    stamp = status.timestamp_validity
    if stamp is not None:
        signed_at = stamp.timestamp
    if not status.intact or not status.valid:
        return Check("altered", code, "签名校验失败：文件内容在签名之后被修改过。", signed_at)
    if not status.trusted:
        return Check("unknown", code, "该文件的签名证书不是本平台签发的：可能来自其他平台。",
                     signed_at)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Check("altered", code, "签名之后文件被追加修改（例如增加或替换了页面、批注）："
                                      "打开时看到的内容不一定是本平台签发的内容。", signed_at)
    return Check("unaltered", code, "由本平台签发，签名之后未被修改。", signed_at,
                 timestamped_at=stamp.timestamp if stamp is not None else None,
                 timestamp_trusted=bool(stamp is not None and stamp.intact and stamp.valid
                                        and stamp.trusted))
