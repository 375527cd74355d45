"""Every PDF the platform generates is signed (PAdES, pyHanko) by the instance's own CA: poppler's
pdfsig reports the signature valid; the verify page's upload says unaltered for the original,
altered for a one-byte change and for a page added after signing, not the platform's for a PDF
from elsewhere or signed by another CA, superseded for an old version."""
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfWriter

from exports import signing as pure
from exports.pdf import render_html
from kczg.models import DocumentRecord
from tests.conftest import csrf_token, login
from tests.exports.test_documents import submit

pytestmark = pytest.mark.usefixtures("collection_open")


def send(client, data: bytes, name="推荐函.pdf"):
    return client.post("/verify/file", data={"csrf_token": csrf_token(client, "/verify"),
                                             "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def status_of(r) -> str:
    m = re.search(r'id="verify-file-status"[^>]*>(.*?)</p>', r.get_data(as_text=True), re.S)
    assert m, r.get_data(as_text=True)[:500]
    return re.sub(r"<[^>]+>", "", m.group(1))


@pytest.fixture
def letter(client, db):
    login(client, "unit-a")
    submit(client, "xdjs", "dzxx")
    r = client.get("/unit/documents/letters/xdjs/dzxx.pdf")
    assert r.status_code == 200
    return r.data


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (./run installs it)")
def test_pdfsig_reports_the_letters_signature_valid(letter, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in out, out
    assert "“科创中国”榜单征集平台" in out and "Total document signed" in out, out


def test_the_verify_upload_tells_original_altered_foreign_and_superseded(client, letter,
                                                                          app, tmp_path):
    code = DocumentRecord.get(DocumentRecord.kind == "letter").code
    r = send(client, letter)
    assert r.status_code == 200
    assert status_of(r) == f"由本平台签发，签名之后未被修改。该文件为最新版本（验证码 {code}）。"

    # one byte changed inside the signed content
    at = letter.index(b"stream", 2000) + 40
    changed = letter[:at] + bytes([letter[at] ^ 0x01]) + letter[at + 1:]
    r = send(client, changed)
    assert r.status_code == 422 and "未通过" in status_of(r) and "修改" in status_of(r)

    # a page added after signing (an incremental update keeps the signature's own bytes)
    writer = PdfWriter(io.BytesIO(letter), incremental=True)
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    r = send(client, out.getvalue())
    assert r.status_code == 422 and "签名之后文件被追加修改" in status_of(r)

    # a PDF from elsewhere: unsigned, and signed by another CA
    other = render_html('<html lang="zh-CN"><body><p>伪造的推荐函</p></body></html>')
    r = send(client, other)
    assert "没有电子签名" in status_of(r)
    pure.make_ca(tmp_path / "other-ca", organisation="另一个平台")
    forger = pure.Signer(tmp_path / "other-ca" / pure.KEY_FILE,
                         tmp_path / "other-ca" / pure.CERT_FILE,
                         [tmp_path / "other-ca" / pure.ROOT_FILE])
    r = send(client, forger.sign(other, code))
    assert r.status_code == 422 and "不是本平台签发的" in status_of(r)
    r = send(client, b"not a pdf at all")
    assert "不是PDF文件" in status_of(r)

    # superseded: a new submission makes a new letter; the old PDF is still unaltered
    submit(client, "xdjs", "dzxx", tech_name="第二项电子信息技术")
    new = client.get("/unit/documents/letters/xdjs/dzxx.pdf").data
    r = send(client, letter)
    assert "已被新版本取代" in status_of(r)
    current = DocumentRecord.get(DocumentRecord.superseded_by.is_null(),
                                 DocumentRecord.kind == "letter")
    assert status_of(send(client, new)).endswith(f"该文件为最新版本（验证码 {current.code}）。")


def test_the_root_certificate_is_offered(client, letter):
    r = client.get("/verify/root.crt")
    assert r.status_code == 200 and r.data.startswith(b"-----BEGIN CERTIFICATE-----")
    page = client.get("/verify").get_data(as_text=True)
    assert "本平台根证书（kczg-root.crt）" in page and "可信任证书" in page


def test_the_verify_page_tells_a_nominations_public_stage(client, db):
    """During the review its internal results stay internal; once the list is published a
    not-shortlisted 申报书 says 未入选, not 已提交."""
    from kczg.models import Nomination, Publication, User

    login(client, "unit-a")
    nid = submit(client, "xdjs", "dzxx")
    assert client.get(f"/unit/documents/nominations/{nid}.pdf").status_code == 200
    code = DocumentRecord.get(DocumentRecord.nomination == nid).code

    def stage():
        page = client.get(f"/verify/{code}").get_data(as_text=True)
        return re.search(r"当前状态：([^）]+)）", page).group(1)

    assert stage() == "已提交"
    n = Nomination.get_by_id(nid)
    Nomination.update(outcome="not_shortlisted").where(Nomination.id == nid).execute()
    assert stage() == "已送达初评机构"  # the body's results are not public
    Publication.create(list=n.list, published_by=User.get(User.username == "secretariat"),
                       campaign=n.campaign_id)
    assert stage() == "未入选"


def test_a_page_code_of_a_申报书_verifies_and_an_edited_pages_text_does_not(client, db,
                                                                          tmp_path):
    login(client, "unit-a")
    nid = submit(client, "xdjs", "dzxx")
    data = client.get(f"/unit/documents/nominations/{nid}.pdf").data
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"],
                          capture_output=True, text=True).stdout
    page_code = re.search(r"页码核验\s+([A-Z0-9-]+-2-[A-Z0-9]{4})", text).group(1)
    assert "18500.50" in text
    line = "18500.50"  # what a reviewer types off page 2: the figure in 近三年新增销售额
    client.post("/logout", data={"csrf_token": csrf_token(client, "/unit/")})

    def check(code, typed):
        r = client.post("/verify/page", data={"csrf_token": csrf_token(client, "/verify"),
                                              "page_code": code, "line": typed})
        m = re.search(r'id="verify-page-status"[^>]*>(.*?)</p>', r.get_data(as_text=True), re.S)
        return r.status_code, re.sub(r"<[^>]+>", "", m.group(1)), r.get_data(as_text=True)

    status, said, page = check(page_code.lower().replace("-", " "), line)  # as typed off paper
    assert status == 200 and said.startswith("一致") and "第2页" in said
    assert 'id="verify-page-text"' not in page  # the public sees no content
    status, said, _ = check(page_code, line.replace("18500.50", "28500.50"))  # an edited page
    assert status == 422 and said.startswith("不一致")
    wrong = page_code[:-4] + ("2222" if not page_code.endswith("2222") else "3333")
    assert "平台上没有这一页" in check(wrong, line)[1]
    assert "格式不正确" in check("ABCD", line)[1]
    # the unit (who may read its 申报书) sees the page's original text to compare
    login(client, "unit-a")
    _, said, page = check(page_code, "")
    assert "请再输入该页上的一行文字" in said and 'id="verify-page-text"' in page
    assert "18500.50" in page


def test_an_institutions_certificate_replaces_the_instance_ca(client, app, letter, tmp_path):
    """KCZG_SIGNING_KEY / _CERT / _CHAIN: documents signed by the institution's key, its root
    offered on the verify page, the instance's own CA no longer trusted."""
    from kczg.services import documents

    pure.make_ca(tmp_path / "institution", organisation="某省科协信息中心")
    folder = tmp_path / "institution"
    app.config.update(KCZG_SIGNING_KEY=str(folder / pure.KEY_FILE),
                      KCZG_SIGNING_CERT=str(folder / pure.CERT_FILE),
                      KCZG_SIGNING_CHAIN=str(folder / pure.ROOT_FILE))
    try:
        assert client.get("/verify/root.crt").data == (folder / pure.ROOT_FILE).read_bytes()
        assert "不是本平台签发的" in status_of(send(client, letter))  # signed by the old CA
        for old in documents.cache_dir().glob("*.pdf"):
            old.unlink()  # rendered again, signed by the institution
        fresh = client.get("/unit/documents/letters/xdjs/dzxx.pdf").data
        assert status_of(send(client, fresh)).startswith("由本平台签发，签名之后未被修改。")
    finally:
        for key in ("KCZG_SIGNING_KEY", "KCZG_SIGNING_CERT", "KCZG_SIGNING_CHAIN"):
            app.config[key] = ""


@pytest.fixture
def timestamp_authority(tmp_path):
    """An RFC 3161 timestamp authority on loopback (pyHanko's own test TSA behind HTTP): what
    KCZG_TSA_URL points at in production. Yields (url, its root certificate's PEM file)."""
    import datetime as dt
    import http.server
    import threading

    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    root_key, tsa_key = (rsa.generate_private_key(65537, 2048) for _ in range(2))
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳根证书")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(root_key, hashes.SHA256()))
    tsa = (x509.CertificateBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳服务")]))
           .issuer_name(root_name).public_key(tsa_key.public_key()).serial_number(2)
           .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
           .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                          critical=True)
           .sign(root_key, hashes.SHA256()))
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = self.rfile.read(int(self.headers["Content-Length"]))
            asked.append(self.headers["Content-Type"])
            body = stamper.request_tsa_response(tsp.TimeStampReq.load(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pem = serialization.Encoding.PEM
    root_file = tmp_path / "tsa-root.pem"
    root_file.write_bytes(root.public_bytes(pem))
    # a document signer under the same root: a forger who holds such a certificate
    forger_key = rsa.generate_private_key(65537, 2048)
    forger = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "冒名签发")]))
              .issuer_name(root_name).public_key(forger_key.public_key()).serial_number(3)
              .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
              .sign(root_key, hashes.SHA256()))
    (tmp_path / "forger.pem").write_bytes(forger.public_bytes(pem))
    (tmp_path / "forger-key.pem").write_bytes(forger_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root_file, asked
    finally:
        server.shutdown()


def test_with_a_timestamp_authority_signatures_carry_its_timestamp(client, app, db,
                                                                   timestamp_authority,
                                                                   tmp_path):
    """KCZG_TSA_URL: each signature asks the authority for an RFC 3161 timestamp; pdfsig and the
    verify page read it; KCZG_TSA_ROOT makes the page call it checked, and without it the page
    says the time is only for reference. The authority is never trusted as a signer."""
    url, root_file, asked = timestamp_authority
    app.config.update(KCZG_TSA_URL=url)
    try:
        login(client, "unit-a")
        submit(client, "xdjs", "dzxx")
        letter = client.get("/unit/documents/letters/xdjs/dzxx.pdf").data
    finally:
        app.config["KCZG_TSA_URL"] = ""
    assert asked and asked[0] == "application/timestamp-query"

    path = tmp_path / "letter.pdf"
    path.write_bytes(letter)
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature Validation: Signature is Valid." in out, out

    r = send(client, letter)
    assert status_of(r).startswith("由本平台签发，签名之后未被修改。")
    page = r.get_data(as_text=True)
    assert "时间戳服务机构的证书未被本平台信任，时间仅供参考" in page, page[-3000:]

    app.config.update(KCZG_TSA_ROOT=str(root_file))
    try:
        r = send(client, letter)
        page = r.get_data(as_text=True)
        assert status_of(r).startswith("由本平台签发，签名之后未被修改。")
        assert re.search(r"时间戳：20\d\d-\d\d-\d\d \d\d:\d\d:\d\d（由时间戳服务机构签发，已核验）",
                         page), page[-3000:]

        # a document signed by a key the timestamp authority's root issued is not the platform's
        forger = pure.Signer(tmp_path / "forger-key.pem", tmp_path / "forger.pem", [root_file])
        forged = forger.sign(render_html('<html lang="zh-CN"><body><p>伪造</p></body></html>'))
        assert "不是本平台签发的" in status_of(send(client, forged))
    finally:
        app.config["KCZG_TSA_ROOT"] = ""
