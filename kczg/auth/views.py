"""Logging in and out, applying for a unit account, changing one's password."""
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from forms.accounts import (
    ApplyForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from kczg import throttle
from kczg.access import bind_body, home_url
from kczg.campaigns import scope as campaign_scope
from kczg.models import AccountApplication, Message, UnitType, User
from kczg.operations import accounts
from kczg.operations.accounts import AccountError, apply_for_account
from kczg.passwords import dummy_verify, password_problem, verify_password
from kczg.services import health, listing, password_reset

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _new_session() -> None:
    """An empty cookie session, with a new CSRF token from the next page on (Flask-WTF keeps
    the one it made on `g`)."""
    session.clear()
    g.pop("csrf_token", None)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Failed logins are limited per address and per account (kczg/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username, ip = form.username.data, request.remote_addr or ""
        user = User.get_or_none(User.username == username)
        pending = None if user else (
            AccountApplication.select().where(AccountApplication.username == username,
                                              AccountApplication.status == "pending").first())
        # exactly one password check whatever the name is (an account, an application awaiting
        # approval, nothing): the answer's time tells nothing
        if user is None and pending is None:
            dummy_verify(form.password.data)
        if user and verify_password(user.password_hash, form.password.data):
            if not user.active:
                form.form_errors.append("该账号已停用，请联系联合体秘书处。")
                accounts.login_failed(user.username, user, "账号已停用")
                status = 403
            else:
                _new_session()  # nothing from before the login carries over
                accounts.login(user, ip, request.headers.get("User-Agent", ""))
                login_user(bind_body(user))
                response = redirect(_safe_next(request.args.get("next")) or home_url(user))
                throttle.remember_device(response, user.username)
                return response
        else:
            accounts.login_failed(username, user)
            if pending and verify_password(pending.password_hash, form.password.data):
                form.form_errors.append("您的账号申请正在由联合体秘书处审核，通过后即可登录。")
            else:
                form.form_errors.append("登录名或密码不正确。")
            status = 401
    return render_template("auth/login.html", form=form), status


def login_refused(scope: str, reset_at: float) -> tuple:
    """The login page again, with what was typed, saying when to try again (429)."""
    form = LoginForm()
    form.password.data = ""
    who = {"login-account": "该账号在您所在的网络地址", "login-account-wide": "该账号近期"}.get(
        scope, "您所在的网络地址")
    form.form_errors.append(f"{who}登录失败次数过多，请{throttle.retry_in(reset_at)}后再试。"
                            "如忘记密码，请联系联合体秘书处。")
    return render_template("auth/login.html", form=form), 429


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """忘记密码: the same answer whether the account exists or not (limited per address and
    per account, kczg/throttle.py)."""
    form = ForgotPasswordForm()
    mail = health.mail_configured()
    if form.validate_on_submit():
        accounts.request_password_reset(form.username.data)
        if mail:
            return render_template("auth/forgot_sent.html",
                                   minutes=current_app.config["PASSWORD_RESET_MINUTES"])
        return render_template("auth/forgot.html", form=form, mail=mail, asked=True,
                               contacts=campaign_scope.contacts(technical=False)), 503
    # (the 工作咨询 lines: who can reset a password by hand)
    return render_template("auth/forgot.html", form=form, mail=mail,
                           contacts=campaign_scope.contacts(technical=False)), \
        422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    user = password_reset.user_for(token[:500])
    if user is None:
        return render_template("auth/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, user.username)
        if problem:
            form.new.errors.append(problem)
        else:
            accounts.set_password_from_reset(user, form.new.data)
            flash("密码已重设，请使用新密码登录。", "success")
            return redirect(url_for(".login"))
    return render_template("auth/reset.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.logout(current_user._get_current_object())
    logout_user()
    _new_session()
    flash("您已退出登录。", "info")
    return redirect(url_for("public.home"))


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    form = ApplyForm()
    form.set_unit_types(UnitType.select().order_by(UnitType.position))
    if form.validate_on_submit():
        try:
            apply_for_account(
                organisation_name=form.organisation_name.data,
                unit_type=UnitType.get(UnitType.code == form.unit_type.data),
                contact=form.contact.data, phone=form.phone.data, email=form.email.data,
                username=form.username.data, password=form.password.data)
        except AccountError as e:
            getattr(form, e.field).errors.append(str(e))
        else:
            return render_template("auth/apply_done.html", organisation=form.organisation_name.data)
    return render_template("auth/apply.html", form=form), 200 if not form.errors else 422


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("当前密码不正确")
        elif form.new.data == form.current.data:
            form.new.errors.append("新密码不能与当前密码相同")
        else:
            accounts.change_password(current_user._get_current_object(), form.new.data)
            flash("密码已修改。", "success")
            return redirect(_safe_next(request.args.get("next")) or home_url(current_user))
    return render_template("auth/change_password.html", form=form)


@bp.route("/messages")
@login_required
def messages():
    """The user's outbox: what the platform told them, newest first; opening it marks read."""
    page = listing.messages_page(current_user, listing.page_number(request.args.get("page")))
    accounts.mark_messages_read(current_user._get_current_object())
    return render_template("auth/messages.html", rows=page.rows, page=page)


@bp.app_context_processor
def _unread():
    def unread_messages() -> int:
        if not current_user.is_authenticated:
            return 0
        if getattr(current_user, "unread_count", None) is not None:  # read by the user loader
            return current_user.unread_count
        return Message.select().where(Message.user == current_user,
                                      Message.read == False).count()  # noqa: E712
    return {"unread_messages": unread_messages}
