"""Browser security headers on every response.

The pages need nothing inline: scripts are our own files (htmx, kczg.js), styles one stylesheet,
confirmations are `data-confirm` attributes kczg.js handles, bars are <progress> elements; htmx
is told not to add its indicator <style> nor to evaluate code (base.html's htmx-config).
"""
from __future__ import annotations

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",  # for browsers without frame-ancestors
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app) -> None:
    secure = app.config.get("SESSION_COOKIE_SECURE")

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:  # served over HTTPS only (KCZG_SECURE_COOKIES=1)
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
