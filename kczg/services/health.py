"""What the platform cannot do right now because of how it is run, said to the people it
affects instead of failing quietly: no mail server configured (忘记密码 and messages are not
e-mailed), no background worker taking jobs (documents, bundles and mail wait)."""
from __future__ import annotations

import logging
import time

from flask import current_app

from kczg import queue

log = logging.getLogger(__name__)
WORKER_LATE_SECONDS = 180  # the worker beats every minute


def mail_configured() -> bool:
    return bool(current_app.config.get("KCZG_SMTP_HOST"))


def worker_problem(now: float | None = None) -> str | None:
    """Chinese words for a worker that is not running or has stopped taking jobs, else None."""
    seen = queue.worker_seen()
    now = time.time() if now is None else now
    if seen is not None and now - seen <= WORKER_LATE_SECONDS:
        return None
    waiting = queue.pending_jobs()
    since = "从未启动" if seen is None else f"已有{int((now - seen) // 60)}分钟没有响应"
    return (f"后台任务进程{since}：文件生成、材料打包和邮件发送都在等待"
            f"（排队任务 {waiting} 个）。请运维人员启动 huey_consumer kczg.worker.huey"
            "（部署说明见 deploy/），或检查其日志。")


def problems() -> list[str]:
    """Everything the secretariat should know about how the platform runs now."""
    out = []
    if not mail_configured():
        out.append("未配置邮件服务器（KCZG_SMTP_HOST）：忘记密码的重设邮件和站内消息的邮件提醒"
                   "都不会发出；用户在“忘记密码”页面会看到请联系秘书处重置密码。")
    worker = worker_problem()
    if worker:
        out.append(worker)
        log.warning("health: %s", worker)
    return out
