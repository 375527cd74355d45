"""kczg: the 科创中国 list nomination platform. `create_app()` builds the Flask app.

This package's __init__ runs before any module of the package is imported (kczg.models, a job
in a worker…), so it imports only the plain parts below at module level; the app's parts
(blueprints, the login loader, the CLI, the scope hooks) are imported inside create_app(),
when an app is built, never by importing kczg.something."""
from __future__ import annotations

import errno
import logging
from pathlib import Path

import peewee
from flask import Flask, g, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape

from . import config, security, throttle
from .db import BUSY_MESSAGE, database, init_database, is_busy
from .extensions import csrf, htmx, login_manager
from .parsing import Request

log = logging.getLogger(__name__)

ERROR_MESSAGES = {
    400: ("请求无效", "提交的内容无法识别，请返回上一页检查后重试。"),
    403: ("无权访问", "您的账号无权查看此页面。"),
    404: ("页面不存在", "您要找的页面不存在，或您无权查看。"),
    405: ("请求方式不正确", "该页面不支持这种请求方式。"),
    413: ("上传内容过大", "上传的文件或提交的内容超过了允许的大小，请压缩后重试。"),
    429: ("请求过于频繁", "请求过于频繁，请稍后再试。"),
    503: ("系统繁忙", "系统繁忙，请稍后再试。"),
    507: ("存储空间不足", "服务器存储空间已满，请稍后再试。"),
    500: ("服务器内部错误", "服务器处理请求时出错，请稍后重试；如持续出现，请联系技术支持。"),
}


STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT}
STORAGE_UNAVAILABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


def _support() -> str:
    """The campaign's 技术支持 line, as the notice gives it, for a fault the user cannot fix."""
    from .campaigns import scope

    try:
        contacts = scope.contacts(technical=True)
    except Exception:  # noqa: BLE001 - the campaign unreadable: the plain words still help
        contacts = []
    phones = "、".join(p for c in contacts for p in c.phone_list)
    return f"技术支持（{phones}）" if phones else "技术支持"


def create_app(overrides: dict | None = None) -> Flask:
    instance = config.instance_path()
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.request_class = Request  # form fields and query strings without NUL characters
    app.config.update(config.from_environment(instance))
    app.config.update(overrides or {})

    init_database(app.config["DATABASE_URL"], app.config["DB_LOCK_WAIT_MS"])
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    csrf.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)

    _register_db_hooks(app)
    _register_blueprints(app)
    from .access import first_password_first

    app.before_request(first_password_first)
    throttle.init_app(app)
    _register_errors(app)
    _register_template_helpers(app)

    from .cli import kczg_cli

    app.cli.add_command(kczg_cli)
    _check_static(app)
    if not app.config.get("TESTING"):
        from exports import fonts

        from . import files_check

        problems = files_check.check(instance, app.config["FILES_SHARED"])
        for problem in problems:
            log.error(problem)
        if problems and app.config["FILES_SHARED"]:
            raise RuntimeError("; ".join(problems))

        fonts.check()  # says loudly when CJK fonts or libharfbuzz-subset are missing
        if (problem := config.base_url_problem(app.config)):
            log.error("DOCUMENTS WILL POINT NOWHERE: %s", problem)
    return app


def _register_db_hooks(app: Flask) -> None:
    # Close only a connection this request opened (a CLI command or a test may hold one), and
    # with PERSISTENT_DB only when the request failed: a sync worker then reuses its connection.
    # Every request runs in the current campaign's scope (kczg/campaigns/scope.py), read when
    # first needed; a page about an earlier year switches to that year's.
    from .campaigns import scope

    @app.before_request
    def _connect():
        g.kczg_opened_db = database.connect(reuse_if_open=True)
        request.kczg_scope_token = scope.enter_request()

    @app.teardown_request
    def _close(exc):
        token = getattr(request, "kczg_scope_token", None)
        if token is not None:
            scope.leave_request(token)
            request.kczg_scope_token = None
        if g.pop("kczg_opened_db", False) and not database.is_closed():
            if app.config.get("PERSISTENT_DB") and exc is None \
                    and not database.in_transaction():
                return  # kept for this worker's next request
            database.close()


def _register_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .public.views import bp as public_bp
    from .review.views import bp as review_bp
    from .secretariat.views import bp as secretariat_bp
    from .unit.views import bp as unit_bp

    for bp in (public_bp, auth_bp, unit_bp, review_bp, secretariat_bp):
        app.register_blueprint(bp)


def _register_errors(app: Flask) -> None:
    def render_error(code: int, message: str | None = None):
        title, default = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
        return render_template("errors/error.html", code=code, title=title,
                               message=message or default), code

    @app.errorhandler(RateLimitExceeded)
    def _too_many(e):
        """Too many failed logins (or other limited requests): say when to try again."""
        reset_at = throttle.reset_at()
        if request.endpoint == "auth.login":
            from .auth.views import login_refused

            return login_refused(e.limit.scope, reset_at)
        return render_error(429, f"请求过于频繁，请{throttle.retry_in(reset_at)}后再试。")

    @app.errorhandler(ValueError)
    def _nul(e):
        """A NUL character in a URL's path reaches no page (PostgreSQL refuses it in text)."""
        if "NUL" not in str(e):
            raise e
        return render_error(404)

    @app.errorhandler(CSRFError)
    def _csrf(e):
        if request.headers.get("HX-Request"):  # an autosave after the session ended
            return ('<div id="save-status" class="save-status failed" role="alert">未保存：'
                    '登录已失效或页面已过期，请重新登录后刷新本页。</div>'), 401
        return render_error(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。")

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(peewee.OperationalError)
    def _busy(e):
        """A write that waited its full time for the database lock: 503 and a retry."""
        if not is_busy(e):
            raise e
        log.warning("database busy on %s: %s", request.path, e)
        if request.headers.get("HX-Request"):
            return (f'<div id="save-status" class="save-status failed" role="alert">'
                    f'{BUSY_MESSAGE}</div>'), 503
        return render_error(503, BUSY_MESSAGE)

    @app.errorhandler(OSError)
    def _storage(e):
        """The files directory full or read-only: nothing was written (each write is one
        transaction, the file is removed); say so in Chinese instead of a bare 500."""
        if e.errno not in STORAGE_FULL | STORAGE_UNAVAILABLE:
            raise e
        full = e.errno in STORAGE_FULL
        log.error("storage %s on %s %s: %s", "full" if full else "unavailable", request.method,
                  request.path, e)
        message = ("文件未保存：服务器存储空间已满" if full else "文件未保存：服务器存储暂时不可写入") + \
            "，您填写的内容未受影响。请稍后再试，或联系" + _support() + "。"
        code = 507 if full else 503
        if request.headers.get("HX-Request"):
            return f'<div class="flash error" role="alert">{escape(message)}</div>', code
        return render_error(code, message)

    @app.errorhandler(500)
    def _internal(e):
        log.exception("500 on %s", request.path)
        return render_error(500)


def _register_template_helpers(app: Flask) -> None:
    from .rules import calendar

    def local_time(value, fmt="%Y-%m-%d %H:%M"):
        return calendar.format_local(value, app.config["KCZG_TZ"], fmt)

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["cn_deadline"] = lambda value: calendar.cn_deadline(
        value, app.config["KCZG_TZ"]) if value else ""
    from forms.render import change_html, field_errors, nomination_field, rows_group

    from .campaigns.scope import campaign_label, contacts
    from .rules import shape
    from .services import search

    # the campaign every page names in its footer (the current one, whatever year the page
    # is about); the shape of a year in words
    app.jinja_env.globals.update(nomination_field=nomination_field, field_errors=field_errors,
                                 rows_group=rows_group, change_html=change_html,
                                 campaign_label=campaign_label,
                                 domains_together=shape.domains_together,
                                 search_snippet=search.snippet, site_contacts=contacts)
    app.jinja_env.filters["mark"] = search.highlight


def _check_static(app: Flask) -> None:
    if not (Path(app.static_folder) / "vendor" / "htmx.min.js").exists():
        log.warning("static/vendor/htmx.min.js is missing: run ./run serve (or scripts/setup.sh) "
                    "to fetch htmx from the npm registry")
