"""The audit log: who did what, to what, when and from which address.

Account events (the secretariat's 操作日志 page lists them with the review's):
login, login_failed, logout, password_changed, password_reset (by the secretariat),
password_reset_mail / password_reset_done (忘记密码), account_created, units_imported,
application_approved / application_rejected, account_disabled / account_enabled,
contact_changed.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import has_request_context, request

from kczg.campaigns import scope  # (the year's names, from the facts cache: no query)
from kczg.models import AuditEvent, User
from kczg.rules.calendar import format_local

ACTIONS = {  # action: what the log page calls it
    "units_reminded": "提醒尚未提交推荐的单位",
    "scan_uploaded": "上传盖章扫描件",
    "scan_removed": "删除盖章扫描件",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "password_changed": "修改密码",
    "password_reset": "重置密码",
    "password_reset_mail": "申请找回密码",
    "password_reset_done": "通过邮件重设密码",
    "account_created": "创建账号",
    "units_imported": "批量导入单位",
    "application_approved": "通过账号申请",
    "application_rejected": "驳回账号申请",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "contact_changed": "修改单位联系人",
    "channels_changed": "修改单位所属推荐渠道",
    "notice_file_added": "发布通知附件",
    "notice_file_removed": "删除通知附件",
    "filing_submitted": "提交备案",
    "filing_acknowledged": "予以备案",
    "filing_returned": "退回备案",
    "criteria_set": "设置评分指标",
    "auto_assigned": "自动分配",
    "conflict_cleared": "解除利益冲突",
    "chair_set": "指定组长",
    "panel_summary": "组长意见",
    "results_submitted": "报送初评结果",
    "results_returned": "退回初评结果",
    "extension_granted": "延期",
    "published": "发布榜单",
    "unpublished": "撤回发布",
    "expert_pledged": "专家接受保密与回避承诺",
    "duplicate_dismissed": "标记为非重复",
    "blind_safe_marked": "标记材料盲评可见",
    "blind_safe_unmarked": "取消材料盲评可见",
    "blind_on": "开启盲评",
    "blind_off": "关闭盲评",
    "deadline_moved": "调整截止时间",
    "year_reopened": "重新开放往年推荐",
    "reopening_ended": "结束重新开放",
}


def record(action: str, subject: str, detail: str = "", actor: User | None = None) -> None:
    ip = (request.remote_addr or "") if has_request_context() else ""
    AuditEvent.create(actor=actor, action=action, subject=subject[:255], detail=detail, ip=ip)


def label(action: str) -> str:
    return ACTIONS.get(action, action)


_UNTIL = re.compile(r"until (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?) UTC")


def in_words(subject: str, detail: str, tz: str) -> tuple[str, str]:
    """An event's object and note as the log page and its export say them: bodies and lists by
    name, nominations by number, times in local time (not `body:it`, `until …UTC`)."""
    def body(short_id: str) -> str:
        b = next((b for b in scope.bodies() if b.short_id == short_id), None)
        return b.name if b else short_id

    def lst(code: str) -> str:
        found = scope.list_by_code(code)
        return found.name if found else code

    parts = subject.split(":")
    kind = parts[0]
    if kind == "body" and len(parts) >= 2:
        words = body(parts[1]) + (f" · {lst(parts[3])}" if len(parts) >= 4 and parts[2] == "list"
                                  else "")
    elif kind == "list" and len(parts) == 2:
        words = lst(parts[1])
    elif kind in ("unit", "campaign") and len(parts) == 2:
        words = parts[1] + ("年度" if kind == "campaign" and parts[1].isdigit() else "")
    elif kind == "nomination" and len(parts) >= 2:
        words = f"推荐#{parts[1]}" + (f" · 专家 {parts[3]}" if len(parts) >= 4 else "")
    elif kind == "nominations" and len(parts) == 2:
        words = "推荐" + "、".join(f"#{i}" for i in parts[1].split(","))
    elif kind == "attachment" and len(parts) == 2:
        words = f"附件#{parts[1]}"
    else:
        words = subject

    def local(m: re.Match) -> str:
        at = datetime.fromisoformat(m.group(1))
        return f"至{format_local(at, tz, '%Y年%m月%d日%H:%M')}（北京时间）"

    return words, _UNTIL.sub(local, detail)
