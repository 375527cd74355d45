"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden by the environment variable named beside it.
"""
import multiprocessing
import os

# Listen on loopback; nginx (deploy/nginx-kczg.conf) is the only client.
bind = os.environ.get("KCZG_BIND", "127.0.0.1:8000")

# Sync workers, 2 per core plus one: pages are CPU bound (templates, forms) and short; the
# measurements in shared/FINDINGS.md found threads raise p99 latency several times over.
workers = int(os.environ.get("WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("THREADS", "1"))
worker_class = "sync"

# A request that takes longer than this is killed and logged; the slowest page (a review
# body's summary) takes about a second. PDF rendering and bundles run in the huey workers.
timeout = int(os.environ.get("KCZG_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # behind nginx's keepalive upstream pool

# Recycle workers now and then (memory growth in long-lived Python processes).
max_requests = 5000
max_requests_jitter = 500

# Uploads up to 25 MB are spooled by nginx; gunicorn reads them from there.
limit_request_line = 8190

accesslog = os.environ.get("KCZG_ACCESS_LOG", "-")
errorlog = os.environ.get("KCZG_ERROR_LOG", "-")
loglevel = os.environ.get("KCZG_LOG_LEVEL", "info")
# client address as nginx forwarded it (ProxyFix makes the app see it too), time in µs
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus'

# Load the app before forking: the campaign facts and templates load once, workers share pages.
preload_app = True
