"""The body's ranking with every expert's per-criterion scores, as XLSX and PDF."""
from __future__ import annotations

from exports import content as c
from exports import pdf as pdf_writer
from exports import verify
from exports import xlsx as xlsx_writer
from kczg.models import Assignment, Score, User
from kczg.services import documents as docs
from kczg.services import review as review_reads
from kczg.services import signing


def _detail(rows) -> dict[int, list[tuple[str, dict[int, int], str, int]]]:
    """nomination id -> [(expert name, {criterion id: score}, comment, expert id)] for submitted
    scores."""
    ids = [r.nomination.id for r in rows]
    assignments = list(Assignment.select(Assignment, User).join(User, on=Assignment.expert)
                       .where(Assignment.nomination.in_(ids), Assignment.status == "submitted")
                       .order_by(Assignment.id)) if ids else []
    values: dict[int, dict[int, int]] = {}
    for s in Score.select().where(Score.assignment.in_([a.id for a in assignments])) \
            if assignments else []:
        values.setdefault(s.assignment_id, {})[s.criterion_id] = s.value
    out: dict[int, list] = {}
    for a in assignments:
        out.setdefault(a.nomination_id, []).append(
            (a.expert.display_name or a.expert.username, values.get(a.id, {}), a.comment,
             a.expert_id))
    return out


def ranking_table(groups, result) -> tuple[list[str], list[list], list[int]]:
    max_criteria = max((len(g["criteria"]) for g in groups), default=0)
    """Every expert's scores of every nomination, with the raw and the calibrated mean and each
    expert's lenience (rules/calibration.py); the rank is the page's (equal values, equal
    rank)."""
    columns = ["榜单", "领域", "排名", "名称", "推荐单位", "已评/已分配", "加权均分", "校准分", "离差",
               "初评入围", "组长意见", "评审讨论", "专家", "专家加权分", "专家宽严（分）"] + \
        [f"指标{i + 1}" for i in range(max_criteria)] + ["评审意见"]
    rows = []
    for g in groups:
        detail = _detail(g["rows"])
        ids = [r.nomination.id for r in g["rows"]]
        summaries, posts = review_reads.summaries_of(ids), review_reads.discussion_of(ids)
        cal = g["calibration"]
        for r in g["rows"]:
            base = [g["list"].name, g["domain"].name if g["domain"] else "", r.rank or "",
                    r.nomination.display_title, r.nomination.organisation.name,
                    f"{r.scored}/{r.assigned}", r.mean if r.mean is not None else "",
                    r.calibrated if r.calibrated is not None else "",
                    r.spread if r.spread is not None else "",
                    "是" if r.nomination.id in result.shortlist else "",
                    summaries[r.nomination.id].text if r.nomination.id in summaries else "",
                    "\n".join(f"{p.created_at:%m-%d %H:%M} {p.author.display_name or p.author.username}"
                              f"：{p.text}" for p in posts.get(r.nomination.id, []))]
            experts = detail.get(r.nomination.id) or [("", {}, "", 0)]
            for name, values, comment, expert_id in experts:
                per = [f"{crit.name} {values[crit.id]}" if crit.id in values else ""
                       for crit in g["criteria"]]
                per += [""] * (max_criteria - len(per))
                total = sum(crit.weight * values.get(crit.id, 0) for crit in g["criteria"]) / 100
                lenience = (f"{cal.bias.get(expert_id, 0):+.1f} {cal.flag(expert_id)}".strip()
                            if name else "")
                rows.append(base + [name, total if name else "", lenience] + per + [comment])
    widths = [10, 5, 3, 20, 14, 5, 5, 5, 4, 4, 16, 20, 8, 5, 7] + [9] * max_criteria + [20]
    return columns, rows, widths


def ranking_file(body, groups, result, fmt: str) -> bytes:
    columns, rows, widths = ranking_table(groups, result)
    title = f"{body.name}初评排名及专家评分"
    if fmt == "xlsx":
        return xlsx_writer.to_bytes(xlsx_writer.table_workbook(
            title, columns, rows, widths, sheet="初评排名",
            subtitle=f"初评结果：{result.status_name}"))
    summary = c.Summary(title, f"初评结果：{result.status_name}", columns, rows, widths)
    record = docs.issue("ranking", f"ranking:{body.id}", summary.digest(), title,
                        review_body=body)
    stamp = c.Stamp(record.code, verify.verify_url(docs.base_url(), record.code))
    pages: list[str] = []
    data = pdf_writer.summary_pdf(summary, stamp, pages_out=pages)
    docs.keep_pages(record, pages)
    return signing.sign(data, record.code)
