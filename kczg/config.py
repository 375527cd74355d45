"""Settings from the environment, with safe defaults."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    return Path(os.environ.get("KCZG_INSTANCE", PROJECT_ROOT / "instance")).resolve()


def load_secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def base_url_problem(config: dict) -> str | None:
    """Production with the default loopback KCZG_BASE_URL prints QR codes nobody can open."""
    host = urlsplit(config.get("KCZG_BASE_URL", "")).hostname or ""
    production = config.get("FILES_SHARED") or config.get("SESSION_COOKIE_SECURE") or \
        not str(config.get("DATABASE_URL", "")).startswith("sqlite")
    if production and (host in ("localhost", "::1") or host.startswith("127.")):
        return (f"KCZG_BASE_URL is {config['KCZG_BASE_URL']!r} (loopback): every document's QR "
                "code and verification address point at this machine. Set KCZG_BASE_URL to the "
                "public address, e.g. https://kczg.example.org")
    return None


def from_environment(instance: Path) -> dict:
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'kczg.sqlite3'}",
        "SECRET_KEY": load_secret_key(instance),
        "KCZG_TZ": os.environ.get("KCZG_TZ", "Asia/Shanghai"),
        # the address printed under every document's QR code (/verify/<code>)
        "KCZG_BASE_URL": os.environ.get("KCZG_BASE_URL",
                                        f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"),
        # Uploads (stamped scans, attachments) are at most 20 MB each; leave room for the form.
        "MAX_CONTENT_LENGTH": int(os.environ.get("KCZG_MAX_UPLOAD_MB", "25")) * 1024 * 1024,
        # a form's token lasts as long as the longest session (a form kept open all day still
        # submits; a token copied from an old page does not work for ever)
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("KCZG_SESSION_MAX_HOURS", "12")) * 3600,
        "WTF_I18N_ENABLED": False,  # WTForms' own zh messages (forms/common.py)
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("KCZG_SECURE_COOKIES", "") == "1",
        # 忘记密码: how long the e-mailed link works (once)
        "PASSWORD_RESET_MINUTES": int(os.environ.get("KCZG_PASSWORD_RESET_MINUTES", "60")),
        # Sessions end after this long without a request, and this long after logging in.
        "SESSION_IDLE_MINUTES": int(os.environ.get("KCZG_SESSION_IDLE_MINUTES", "120")),
        "SESSION_MAX_HOURS": int(os.environ.get("KCZG_SESSION_MAX_HOURS", "12")),
        # Login throttling (kczg/throttle.py): failed logins allowed per client address, per
        # account from one address (a progressive delay), and per account from all addresses
        # (much higher); a browser the account used before is exempt from the account limits.
        "LOGIN_ADDRESS_LIMITS": os.environ.get("KCZG_LOGIN_ADDRESS_LIMITS",
                                               "30 per 10 minutes;200 per day"),
        "LOGIN_ACCOUNT_LIMITS": os.environ.get("KCZG_LOGIN_ACCOUNT_LIMITS",
                                               "5 per minute;20 per hour"),
        "LOGIN_ACCOUNT_WIDE_LIMITS": os.environ.get("KCZG_LOGIN_ACCOUNT_WIDE_LIMITS",
                                                    "300 per hour;1000 per day"),
        "FORGOT_LIMITS": os.environ.get("KCZG_FORGOT_LIMITS", "10 per hour"),
        "APPLY_LIMITS": os.environ.get("KCZG_APPLY_LIMITS", "20 per hour"),
        # where the counts live: Redis when KCZG_REDIS_URL is set (every node shares them)
        "RATELIMIT_STORAGE_URI": os.environ.get("KCZG_REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("KCZG_REDIS_PREFIX", "kczg") + "_limits",
        # render a nomination's 申报书 and letter in the background as soon as it is submitted
        "KCZG_PRERENDER_DOCUMENTS": os.environ.get("KCZG_PRERENDER_DOCUMENTS", "1") == "1",
        # e-mail of the outbox messages (optional): KCZG_SMTP_HOST, KCZG_SMTP_PORT, KCZG_SMTP_FROM
        "KCZG_SMTP_HOST": os.environ.get("KCZG_SMTP_HOST", ""),
        "KCZG_SMTP_PORT": int(os.environ.get("KCZG_SMTP_PORT", "25")),
        "KCZG_SMTP_FROM": os.environ.get("KCZG_SMTP_FROM", "kczg@localhost"),
        # signing every generated PDF (kczg/services/signing.py): the instance's own CA unless
        # an institution's key and certificate are given; a timestamp authority (optional)
        "KCZG_SIGNING_KEY": os.environ.get("KCZG_SIGNING_KEY", ""),
        "KCZG_SIGNING_CERT": os.environ.get("KCZG_SIGNING_CERT", ""),
        "KCZG_SIGNING_CHAIN": os.environ.get("KCZG_SIGNING_CHAIN", ""),
        "KCZG_SIGNING_KEY_PASSWORD": os.environ.get("KCZG_SIGNING_KEY_PASSWORD", ""),
        "KCZG_TSA_URL": os.environ.get("KCZG_TSA_URL", ""),
        "KCZG_TSA_ROOT": os.environ.get("KCZG_TSA_ROOT", ""),
        # the user manual as MkDocs built it (./run serve and ./run test build it), served at /help
        "KCZG_HELP_DIR": os.environ.get("KCZG_HELP_DIR", str(PROJECT_ROOT / "build" / "help")),
        # argon2id at OWASP's first recommended setting (m=19 MiB, t=2, p=1): about 25 ms a login
        # on these cores instead of the library default's 170 ms, so 200 units logging in at
        # once on deadline day do not queue for seconds. Older hashes keep verifying.
        "ARGON2_PARAMS": {"memory_cost": int(os.environ.get("KCZG_ARGON2_MEMORY_KIB", "19456")),
                          "time_cost": int(os.environ.get("KCZG_ARGON2_TIME_COST", "2")),
                          "parallelism": 1},
        # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are
        # trusted (werkzeug ProxyFix); 0 = none (the demo). Behind one nginx: 1.
        "PROXY_HOPS": int(os.environ.get("KCZG_PROXY_HOPS", "0")),
        # A bundle build renews its lease while it writes; one whose lease ran out lost its
        # worker and is retried.
        "BUNDLE_LEASE_SECONDS": int(os.environ.get("KCZG_BUNDLE_LEASE_SECONDS", "120")),
        # Bundle ZIPs no build points at any more, and rendered documents whose content was
        # superseded, are deleted after this many days.
        "RETENTION_DAYS": int(os.environ.get("KCZG_RETENTION_DAYS", "14")),
        # Production: the files directory (KCZG_INSTANCE) is a mount every app node and worker
        # shares; start-up refuses to run when it is not writable or not a mount.
        "FILES_SHARED": os.environ.get("KCZG_FILES_SHARED", "") == "1",
        # Keep each worker's database connection open between requests (no connect and no
        # SQLite WAL checkpoint per request); a request that fails closes it, the next one
        # connects again.
        "PERSISTENT_DB": os.environ.get("KCZG_PERSISTENT_DB", "1") == "1",
        # How long a write waits for the database lock (SQLite busy timeout, PostgreSQL
        # lock_timeout) before the user gets 503 and is told to retry (ms).
        "DB_LOCK_WAIT_MS": int(os.environ.get("KCZG_DB_LOCK_WAIT_MS", "5000")),
    }
