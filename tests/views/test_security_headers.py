"""Every route answers with the browser security headers, whoever asks and whatever the answer
(a page, a redirect, 403, 404, a download), the routes read from the app's url_map."""
import re

import pytest

from kczg.security import CSP

REQUIRED = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _url(rule) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]
        kind = type(converter).__name__
        values[arg] = (1 if "Integer" in kind else sorted(converter.items)[0] if "Any" in kind
                       else "x")
    from flask import url_for

    return url_for(rule.endpoint, **values)


def _check_every_route(app, client):
    seen = 0
    with app.test_request_context():
        rules = [(r, _url(r)) for r in app.url_map.iter_rules()]
    for rule, url in rules:
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        for name, value in REQUIRED.items():
            got = response.headers.get(name)
            if name == "Content-Security-Policy" and rule.rule.startswith("/help"):
                # the manual's pages: the same policy, its theme's inline scripts by hash only
                got = re.sub(r" 'sha256-[A-Za-z0-9+/=]+'", "", got or "")
            assert got == value, (url, method, response.status_code, name)
        assert "Strict-Transport-Security" not in response.headers
        seen += 1
    return seen


def test_anonymous_every_route(app, client):
    assert _check_every_route(app, client) > 60


@pytest.mark.parametrize("user", ["unit-a", "review-sec", "expert-it", "secretariat"])
def test_logged_in_every_route(app, client, as_user, user):
    as_user(user)
    _check_every_route(app, client)


def test_csp_allows_nothing_inline():
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP


@pytest.mark.app_config(SESSION_COOKIE_SECURE=True)
def test_hsts_with_secure_cookies(client):
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=31536000")
