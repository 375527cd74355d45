"""The platform's signing key, where the instance keeps it: every PDF the platform generates is
signed (exports/signing.py) before it is stored or served.

Default: a CA of the instance's own under instance/signing/ (made by `flask kczg init`, or the
first time a PDF is signed). In production an institution's certificate can be used instead:
KCZG_SIGNING_KEY, KCZG_SIGNING_CERT, KCZG_SIGNING_CHAIN (PEM files; the chain's last one is
the root offered on the verify page), KCZG_SIGNING_KEY_PASSWORD; KCZG_TSA_URL adds an RFC 3161
timestamp from that authority, and KCZG_TSA_ROOT (its root certificate, PEM) lets the verify page
say the timestamp is the authority's."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from flask import current_app

from exports import signing

log = logging.getLogger(__name__)


def directory() -> Path:
    return Path(current_app.instance_path) / "signing"


def ensure_ca() -> bool:
    """Make the instance's CA if it has none and no institution's certificate is set; True
    when one was made."""
    if current_app.config.get("KCZG_SIGNING_CERT"):
        return False
    folder = directory()
    if (folder / signing.KEY_FILE).exists():
        return False
    signing.make_ca(folder)
    log.info("made the platform's signing CA in %s", folder)
    return True


def _files() -> tuple[Path, Path, list[Path], Path]:
    cfg = current_app.config
    if cfg.get("KCZG_SIGNING_CERT"):
        chain = [Path(p) for p in cfg.get("KCZG_SIGNING_CHAIN", "").split(",") if p.strip()]
        return (Path(cfg["KCZG_SIGNING_KEY"]), Path(cfg["KCZG_SIGNING_CERT"]), chain,
                chain[-1] if chain else Path(cfg["KCZG_SIGNING_CERT"]))
    ensure_ca()
    folder = directory()
    return (folder / signing.KEY_FILE, folder / signing.CERT_FILE, [folder / signing.ROOT_FILE],
            folder / signing.ROOT_FILE)


@functools.lru_cache(maxsize=8)
def _signer(key: Path, cert: Path, chain: tuple, tsa: str, password: str) -> signing.Signer:
    return signing.Signer(key, cert, list(chain), tsa, password.encode() or None)


def sign(pdf: bytes, code: str = "") -> bytes:
    key, cert, chain, _root = _files()
    cfg = current_app.config
    return _signer(key, cert, tuple(chain), cfg.get("KCZG_TSA_URL", ""),
                   cfg.get("KCZG_SIGNING_KEY_PASSWORD", "")).sign(pdf, code)


def root_pem() -> bytes:
    return _files()[3].read_bytes()


def check(pdf: bytes) -> signing.Check:
    tsa_root = current_app.config.get("KCZG_TSA_ROOT", "")
    return signing.check(pdf, root_pem(), (Path(tsa_root).read_bytes(),) if tsa_root else ())
