from flask import flash, redirect, request
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_login.utils import login_url
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"


@login_manager.unauthorized_handler
def _unauthorized():
    """Not logged in (or the session ended): a page goes to 登录 and comes back; an htmx request
    (an autosave) gets 401, so the page says its text was not saved and keeps it (kczg.js)
    instead of showing the login page inside the form."""
    if request.headers.get("HX-Request"):
        return ('<div id="save-status" class="save-status failed" role="alert">未保存：登录已失效，'
                '请重新登录。</div>'), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, request.url))
