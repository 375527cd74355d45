"""The paper copies: build each document's content from the database, give it a verification
code (the same content keeps its code), and render it once per format into a disk cache.

Documents exist for submitted nominations only: the letter lists a unit's submitted nominations
for one list (one domain, for per-domain lists), the 申报书 shows one submitted nomination.
"""
from __future__ import annotations

import functools
import hashlib
import os
from collections import OrderedDict
from copy import copy
from datetime import date
from pathlib import Path

from flask import abort, current_app
from peewee import JOIN, fn

from exports import content as c
from exports import docx as docx_writer
from exports import layout, verify
from exports import pdf as pdf_writer
from exports import xlsx as xlsx_writer
from forms.common import Rows
from forms.registry import form_class
from kczg import queue
from kczg.campaigns import scope
from kczg.campaigns.facts import domains_of
from kczg.db import database, json_text
from kczg.models import (
    Attachment,
    DocumentRecord,
    Domain,
    LetterNumber,
    Nomination,
    NominationList,
    Organisation,
    ReviewBody,
    utcnow,
)
from kczg.parsing import clean_text
from kczg.rules import calendar, permissions
from kczg.services import signing
from kczg.services.files import path_of, send_download

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _local(dt) -> str:
    return calendar.format_local(dt, current_app.config["KCZG_TZ"]) if dt else ""


def base_url() -> str:
    return current_app.config["KCZG_BASE_URL"]


def base_url_tag() -> str:
    """Part of every cached file's name: a document rendered under another KCZG_BASE_URL (its
    QR code points there) is rendered again, never served."""
    return hashlib.sha256(base_url().encode()).hexdigest()[:8]


# --- content -------------------------------------------------------------------------------

def _display(field, value) -> str:
    """A stored (clean) value as printed: select labels, Chinese dates, 已承诺."""
    if value is None or value == "":
        return ""
    if field.type == "SelectField":
        for choice_value, label in field.choices:
            if str(choice_value) == str(value) and choice_value != "":
                return str(label)
    if field.type == "DateField":
        try:
            return cn_date(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if field.type == "BooleanField":
        return "是" if value else "否"
    return str(value)


def _sections(nomination: Nomination) -> tuple[list[c.Section], object]:
    cls = form_class(nomination.list)
    form = cls(formdata=None, meta={"csrf": False})
    if cls.DOMAIN_FIELD:
        form.set_domains(domains_of(nomination.list))
    data = nomination.clean or {}
    sections = []
    for title, names in cls.SECTIONS:
        section = c.Section(title)
        for name in names:
            field = form[name]
            if isinstance(field, Rows):
                sub_fields = list(field.entries[0].form) if field.entries else []
                rows = [[_display(sub, row.get(sub.short_name)) for sub in sub_fields]
                        for row in data.get(name) or []]
                section.blocks.append(c.RowTable(str(field.label.text),
                                                 [str(s.label.text) for s in sub_fields], rows))
            else:
                section.add_field(c.FieldRow(str(field.label.text),
                                             _display(field, data.get(name)),
                                             wide=field.type == "TextAreaField"))
        sections.append(section)
    return sections, form


def nomination_number(nomination: Nomination) -> str:
    """The unit's own numbering within a list (and domain): 先导技术榜-电子信息-01."""
    earlier = getattr(nomination, "_number", None) or Nomination.select().where(
        Nomination.organisation == nomination.organisation_id,
        Nomination.list == nomination.list_id, Nomination.domain == nomination.domain_id,
        Nomination.status == "submitted", Nomination.id <= nomination.id).count()
    parts = [nomination.list.name] + ([nomination.domain.name] if nomination.domain_id else [])
    return "-".join(parts + [f"{max(earlier, 1):02d}"])


def number_all(nominations: list[Nomination]) -> None:
    """Give each nomination its number within its unit, list and domain, in one query for all
    (a window function), so a summary of 1,300 does not count 1,300 times."""
    list_ids = {n.list_id for n in nominations}
    if not list_ids:
        return
    rank = fn.ROW_NUMBER().over(
        partition_by=[Nomination.organisation, Nomination.list, Nomination.domain],
        order_by=[Nomination.id])
    numbers = dict(Nomination.select(Nomination.id, rank)
                   .where(Nomination.status == "submitted", Nomination.list.in_(list_ids))
                   .tuples())
    for n in nominations:
        if n.id in numbers:
            n._number = numbers[n.id]


BLIND = "（盲评，不显示推荐单位）"


# 申报书 contents this process built, by everything they are made of (the nomination's
# version and times, its number, names): a summary of 1,300 nominations builds each one once.
_FORM_CACHE: OrderedDict = OrderedDict()
FORM_CACHE_SIZE = 5000
# Everything a 申报书's content is made of is in form_key(); its hash is kept on the
# document's record (DocumentRecord.state), so a summary or a bundle finds each 申报书's record
# again without building 5,000 contents to hash them.


@functools.lru_cache(maxsize=1)
def content_code_version() -> str:
    """The code that turns a nomination into its 申报书's content: the forms, exports/content.py
    and this module. A deploy that changes any of them changes every state, so no record is
    found by a state its content no longer has: each is found once by its content's hash (as
    before states existed) and takes the new state."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted([*(root / "forms").glob("*.py"), root / "exports" / "content.py",
                        Path(__file__).resolve()]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def form_key(nomination: Nomination, blind: bool, number: str) -> tuple:
    lst = nomination.list
    return (nomination.id, nomination.version, str(nomination.updated_at),
            str(nomination.submitted_at), nomination.status, number, blind, lst.name,
            lst.campaign.title, lst.campaign.facts_version,
            nomination.domain.name if nomination.domain_id else "",
            "" if blind else nomination.organisation.name)


def form_state(key: tuple) -> str:
    return hashlib.sha256(repr((content_code_version(), key)).encode()).hexdigest()[:32]


def form_content(nomination: Nomination, blind: bool = False,
                 number: str | None = None) -> c.ApplicationForm:
    """The 申报书's content; `blind` leaves out everything naming the recommending unit (its
    name, contact and opinion) for experts of a body that reviews blind."""
    number = number or nomination_number(nomination)
    key = form_key(nomination, blind, number)
    content = _FORM_CACHE.get(key)
    if content is None:
        content = _build_form_content(nomination, blind, number)
        _FORM_CACHE[key] = content
        while len(_FORM_CACHE) > FORM_CACHE_SIZE:
            _FORM_CACHE.popitem(last=False)
    else:
        _FORM_CACHE.move_to_end(key)
    return content


def _build_form_content(nomination: Nomination, blind: bool, number: str) -> c.ApplicationForm:
    sections, form = _sections(nomination)
    data = nomination.clean or {}
    lst, domain = nomination.list, nomination.domain
    campaign = lst.campaign
    return c.ApplicationForm(
        heading=f"{campaign.title.removesuffix('榜单')}{lst.name}申报书",
        running_header=f"{campaign.title} · {lst.name}" + (f" · {domain.name}领域" if domain
                                                           else ""),
        title=nomination.display_title, list_name=lst.name,
        domain_name=domain.name if domain else "",
        organisation=BLIND if blind else nomination.organisation.name,
        number=number, sections=sections,
        opinion="" if blind else data.get("opinion") or "",
        contact=[] if blind else [c.FieldRow("联系人", data.get("contact_name") or ""),
                                  c.FieldRow("联系电话", data.get("contact_phone") or ""),
                                  c.FieldRow("电子邮箱", data.get("contact_email") or "")],
        pledge=str(form.pledge.label.text) if data.get("pledge") else "",
        submitted=_local(nomination.submitted_at)[:16],
        first_unit=first_unit(nomination, type(form)), code=nomination.dedupe_key or "")


def draft_preview_pdf(nomination: Nomination, form) -> bytes:
    """预览申报书: the 申报书 of a draft as it stands (what passes the field's type; nothing is
    checked), marked 草稿 on every page, without a verification code (it is not a document
    of the platform's record)."""
    preview = copy(nomination)
    preview.clean = form.clean_data()
    content = _build_form_content(preview, False, "草稿")
    content.title += "（草稿预览）"
    return signing.sign(pdf_writer.form_pdf(content, c.Stamp("", ""), draft=True))


def letter_nominations(org: Organisation, lst: NominationList, domain: Domain | None):
    query = Nomination.select().where(Nomination.organisation == org, Nomination.list == lst,
                                      Nomination.status == "submitted")
    if domain is not None:
        query = query.where(Nomination.domain == domain)
    return list(query.order_by(Nomination.submitted_at, Nomination.id))


def first_unit(nomination: Nomination, cls) -> str:
    """The item's own organisation as printed beside it (its form class's UNIT_FIELD: the first
    completion unit, the lead unit, the maintainer…), or ""."""
    return ((nomination.clean or {}).get(cls.UNIT_FIELD) or "") if cls.UNIT_FIELD else ""


def letter_key(lst: NominationList, domain: Domain | None) -> str:
    """A letter's key for its 发文字号: the list row (one campaign's), and the domain."""
    return str(lst.id) + (f":{domain.code}" if domain else "")


def letter_content(org: Organisation, lst: NominationList, domain: Domain | None,
                   nominations: list[Nomination]) -> c.Letter:
    campaign = lst.campaign
    cls = form_class(lst)
    n, noun = len(nominations), lst.item_noun or "项"
    where = lst.name + (f"（{domain.name}领域）" if domain else "")
    body = (domain or lst).review_body
    year = campaign.year or campaign.title[:4]
    contact = (nominations[0].clean or {}) if nominations else {}
    latest = max(x.submitted_at for x in nominations) if nominations else utcnow()
    note = f"（联系人：{contact.get('contact_name', '')}，联系电话：{contact.get('contact_phone', '')}）"
    with_mail = note[:-1] + f"，电子邮箱：{contact.get('contact_email', '')}）"
    if contact.get("contact_email") and \
            layout.em_width(with_mail) <= layout.CHARS_PER_LINE - 2:  # one line: keep the e-mail
        note = with_mail
    number = LetterNumber.get_or_none(LetterNumber.organisation == org.id,
                                      LetterNumber.letter == letter_key(lst, domain))
    segments = [f"关于推荐{n}{noun}", "参加", f"{year}年“科创中国”", lst.name,
                f"（{domain.name}领域）" if domain else "", "遴选的函"]
    return c.Letter(
        title="".join(segments),
        title_lines=layout.balanced_title(segments),
        addressee=body.name if body else "中国科学技术协会",
        opening=f"根据《{campaign.notice_title}》，现推荐以下{n}{noun}参加{year}年“科创中国”"
                f"{where}遴选：",
        items=[c.LetterItem(x.display_title, first_unit(x, cls)) for x in nominations],
        # two lines: with 2 title lines, 3 opening lines, the seal's room, the signature and a
        # 附注, five items of up to two lines each still fit on one page of 22 lines
        closing=["以上材料经本单位审核，真实准确，无知识产权纠纷，未违反科研诚信要求；"
                 "纸质材料由本单位留存备查。特此函告。"],
        signer=org.name,
        date=cn_date(calendar.local(campaign, calendar.aware(latest)).date()),
        note=note,
        doc_number=number.number if number else "",
        letterhead_mm=org.letterhead_mm if org.letterhead_mm is not None
        else campaign.letterhead_mm or 0)


SUMMARY_COLUMNS = ["序号", "榜单", "领域", "名称", "推荐单位", "单位类型", "统一社会信用代码/仓库地址",
                   "联系人", "联系电话", "提交时间", "申报书验证码"]
SUMMARY_WIDTHS = [4, 12, 6, 22, 16, 10, 20, 6, 12, 10, 13]


def _summary_rows(nominations: list[Nomination],
                  forms: dict[int, "Prepared"] | None = None) -> list[list]:
    """One row per nomination; `forms` are 申报书 already prepared by the caller (their codes
    fill the last column), so none is built twice."""
    rows = []
    if forms is None:
        forms = prepare_forms(nominations)
    for i, n in enumerate(nominations, 1):
        form = forms.get(n.id) or prepare_form(n)
        record = form.record
        rows.append([i, n.list.name, n.domain.name if n.domain_id else "", n.display_title,
                     n.organisation.name, n.organisation.unit_type.name, n.dedupe_key,
                     _contact(n, "contact_name"), _contact(n, "contact_phone"),
                     calendar.local(n.list.campaign, calendar.aware(n.submitted_at))
                     .replace(tzinfo=None, second=0, microsecond=0),
                     record.code])
    return rows


def submitted_for_unit(org: Organisation) -> list[Nomination]:
    """The unit's submitted nominations of the scope's year."""
    return list(Nomination.select(Nomination, NominationList, Domain)
                .join(NominationList).switch(Nomination).join(Domain, JOIN.LEFT_OUTER)
                .where(Nomination.organisation == org, Nomination.status == "submitted")
                .order_by(NominationList.position, Domain.position, Nomination.submitted_at))


def routed_query(body: ReviewBody, columns=(Nomination,)):
    """Submitted nominations routed to `body` (its domains, or its whole lists), joined to
    their list, domain and unit."""
    return (Nomination.select(*columns, NominationList, Domain, Organisation)
            .join(NominationList).switch(Nomination).join(Domain, JOIN.LEFT_OUTER)
            .switch(Nomination).join(Organisation)
            .where(Nomination.status == "submitted",
                   ((Domain.review_body == body) |
                    (Nomination.domain.is_null() & (NominationList.review_body == body)))))


# what a summary shows of a nomination and what finds its 申报书's record (form_key): not its
# form data, whose two contact fields are read out of it in SQL (reading 5,000 nominations'
# whole form data was a third of a body's summary)
_PRINTED = (Nomination.id, Nomination.campaign, Nomination.list, Nomination.domain,
            Nomination.organisation, Nomination.title, Nomination.status, Nomination.version,
            Nomination.dedupe_key, Nomination.updated_at, Nomination.submitted_at)
_CONTACTS = ("contact_name", "contact_phone")


def _contact(n: Nomination, key: str) -> str:
    """A contact field of a nomination read by submitted_for_body(printing=True) (a column of
    its own) or whole (from its form data)."""
    if key in n.__dict__:
        return n.__dict__[key] or ""
    return str((n.clean or {}).get(key) or "")


def with_form_data(nominations: list[Nomination]) -> None:
    """Load the form data of nominations read without it (submitted_for_body(printing=True)),
    in one query per 500: what builds their 申报书 needs it."""
    lean = {n.id: n for n in nominations if "clean" not in n.__data__}
    ids = list(lean)
    for i in range(0, len(ids), 500):
        for nid, clean in Nomination.select(Nomination.id, Nomination.clean).where(
                Nomination.id.in_(ids[i:i + 500])).tuples():
            lean[nid].__data__["clean"] = clean


def submitted_for_body(body: ReviewBody, lst: NominationList | None = None,
                       domain: Domain | None = None, printing: bool = False) -> list[Nomination]:
    """What is routed to `body` (optionally one list or domain of it), submitted; `printing`:
    for its summary, only what a summary shows (_PRINTED; with_form_data() adds the rest)."""
    if printing:
        query = (Nomination.select(*_PRINTED, *(json_text(Nomination.clean, k).alias(k)
                                                for k in _CONTACTS),
                                   Organisation.id, Organisation.name, Organisation.unit_type)
                 .join(NominationList).switch(Nomination).join(Domain, JOIN.LEFT_OUTER)
                 .switch(Nomination).join(Organisation)
                 .where(Nomination.status == "submitted",
                        ((Domain.review_body == body) |
                         (Nomination.domain.is_null() & (NominationList.review_body == body)))))
    else:
        query = routed_query(body)
    if lst is not None:
        query = query.where(Nomination.list == lst)
    if domain is not None:
        query = query.where(Nomination.domain == domain)
    rows = list(query.order_by(NominationList.position, Domain.position, Organisation.name,
                               Nomination.submitted_at))
    return with_facts(rows)


def with_facts(nominations: list[Nomination]) -> list[Nomination]:
    """Lists, domains, the campaign and unit types from the scope's facts (no query each)."""
    facts = scope.facts()
    if facts is not None:
        for n in nominations:
            scope.attach(n, facts_=facts)
            org = n.__rel__.get("organisation")
            if org is not None and org.unit_type_id in facts.unit_types_by_id:
                org.unit_type = facts.unit_types_by_id[org.unit_type_id]
    return nominations


def summary_content(title: str, subtitle: str, nominations: list[Nomination],
                    forms: dict[int, "Prepared"] | None = None,
                    signoff: bool = False) -> c.Summary:
    return c.Summary(title=title, subtitle=f"{subtitle} · 共{len(nominations)}项",
                     columns=SUMMARY_COLUMNS, rows=_summary_rows(nominations, forms),
                     widths=SUMMARY_WIDTHS, signoff=signoff)


# --- verification records ------------------------------------------------------------------

def issue(kind: str, subject: str, digest: str, title: str, facts=None, state: str | None = None,
          **links) -> DocumentRecord:
    """The record for this exact content: reused if it exists, else a new code that supersedes
    the subject's earlier records. `facts` are what the verification page shows of it; `state`
    the hash of what the content was made of (form_state), kept to find the record again."""
    existing = DocumentRecord.get_or_none(DocumentRecord.subject == subject,
                                          DocumentRecord.content_hash == digest)
    if existing is not None:
        if state is not None and existing.state != state:
            existing.state = state
            existing.save(only=[DocumentRecord.state])
        return existing
    with database.atomic():
        record = DocumentRecord.create(code=verify.new_code(), kind=kind, subject=subject,
                                       content_hash=digest, title=title[:250],
                                       facts=facts or [], state=state, **links)
        (DocumentRecord.update(superseded_by=record, superseded_at=utcnow())
         .where(DocumentRecord.subject == subject, DocumentRecord.id != record.id,
                DocumentRecord.superseded_by.is_null()).execute())
    return record


class Prepared:
    """A document's record and its content; the content of a 申报书 found by its record's state
    is built only when something reads it (a file not rendered yet)."""

    def __init__(self, record: DocumentRecord, content, kind: str, download_name: str,
                 build=None):
        self.record, self._content, self.kind, self.download_name = \
            record, content, kind, download_name
        self._build = build

    @property
    def content(self):
        if self._content is None:
            self._content = self._build()
        return self._content


def _form_subject(nomination: Nomination, blind: bool) -> str:
    return f"form{'-blind' if blind else ''}:{nomination.id}"


# what prepare_forms reads of the records it looks up (not their facts or page texts: a
# summary of 5,000 would read megabytes of JSON it never uses)
_LOOKUP = (DocumentRecord.id, DocumentRecord.code, DocumentRecord.kind, DocumentRecord.subject,
           DocumentRecord.content_hash, DocumentRecord.state, DocumentRecord.nomination,
           DocumentRecord.generated_at, DocumentRecord.campaign)


def prepare_form(nomination: Nomination, blind: bool = False,
                 known: dict | None = None, content=None,
                 by_state: dict | None = None, state: str | None = None) -> Prepared:
    """The 申报书 and its verification record; `known` maps (subject, content hash) and
    `by_state` (subject, state) to records the caller already read (prepare_forms), `content`
    is its content if built, `state` its form_state if worked out."""
    number = nomination_number(nomination)
    subject = _form_subject(nomination, blind)
    state = state or form_state(form_key(nomination, blind, number))
    name = f"{number}-{safe_name(nomination.display_title)}-申报书"
    record = (by_state or {}).get((subject, state))
    if record is not None and content is None:
        return Prepared(record, None, "form", name,
                        build=lambda: form_content(nomination, blind, number))
    if content is None:
        with_form_data([nomination])
        content = form_content(nomination, blind, number)
    digest = content.digest()
    record = (known or {}).get((subject, digest))
    if record is None or record.state != state:
        record = issue("form", subject, digest, f"{content.heading}：{nomination.display_title}",
                       facts=content.facts(), state=state,
                       organisation=None if blind else nomination.organisation_id,
                       nomination=nomination, list=nomination.list_id,
                       domain=nomination.domain_id)
    return Prepared(record, content, "form", name)


def prepare_forms(nominations: list[Nomination], blind: bool = False) -> dict[int, Prepared]:
    """Many 申报书 at once: numbers in one query, the existing records in one query per 500
    (found by the state their content was made of: no content built for them); records for
    subjects that never had one are inserted together, the others (content changed: an older
    record to supersede) one by one."""
    number_all(nominations)
    subjects = [_form_subject(n, blind) for n in nominations]
    known, by_state, seen = {}, {}, set()
    for i in range(0, len(subjects), 500):
        for r in DocumentRecord.select(*_LOOKUP).where(
                DocumentRecord.subject.in_(subjects[i:i + 500])):
            known[(r.subject, r.content_hash)] = r
            if r.state:
                by_state[(r.subject, r.state)] = r
            seen.add(r.subject)
    states = {n.id: form_state(form_key(n, blind, nomination_number(n))) for n in nominations}
    with_form_data([n for n, subject in zip(nominations, subjects)
                    if (subject, states[n.id]) not in by_state])
    fresh = []
    contents = {}
    for n, subject in zip(nominations, subjects):
        if subject in seen:
            continue
        number = nomination_number(n)
        content = contents[n.id] = form_content(n, blind, number)
        fresh.append(DocumentRecord(
            code=verify.new_code(), kind="form", subject=subject, content_hash=content.digest(),
            title=f"{content.heading}：{n.display_title}"[:250], facts=content.facts(),
            state=states[n.id],
            organisation=None if blind else n.organisation_id, nomination=n.id,
            list=n.list_id, domain=n.domain_id, generated_at=utcnow()))
    if fresh:
        with database.atomic():
            DocumentRecord.bulk_create(fresh, batch_size=200)
        for i in range(0, len(fresh), 500):
            for r in DocumentRecord.select(*_LOOKUP).where(
                    DocumentRecord.subject.in_([f.subject for f in fresh[i:i + 500]])):
                known[(r.subject, r.content_hash)] = r
                by_state[(r.subject, r.state)] = r
    return {n.id: prepare_form(n, blind, known, contents.get(n.id), by_state, states[n.id])
            for n in nominations}


def prepare_letter(org: Organisation, lst: NominationList, domain: Domain | None) -> Prepared:
    nominations = letter_nominations(org, lst, domain)
    content = letter_content(org, lst, domain, nominations)
    # lists are rows of one campaign: the same code next year is another letter
    subject = f"letter:{org.id}:{lst.id}:{domain.code if domain else ''}"
    record = issue("letter", subject, content.digest(), content.title, facts=content.facts(),
                   organisation=org, list=lst, domain=domain)
    where = lst.name + (f"-{domain.name}" if domain else "")
    return Prepared(record, content, "letter", f"{safe_name(org.name)}-{where}-推荐函")


def prepare_summary(subject: str, kind: str, title: str, subtitle: str,
                    nominations: list[Nomination], forms: dict[int, Prepared] | None = None,
                    signoff: bool = False, **links) -> Prepared:
    content = summary_content(title, subtitle, nominations, forms, signoff)
    record = issue(kind, subject, content.digest(), content.title, facts=content.facts(),
                   **links)
    return Prepared(record, content, "summary", safe_name(title))


def prepare_unit_summary(org: Organisation) -> Prepared:
    campaign = scope.campaign()
    return prepare_summary(f"summary-unit:{org.id}:{campaign.id}", "summary_unit",
                           f"{org.name}推荐汇总表",
                           f"{campaign.title} · {org.unit_type.name}",
                           submitted_for_unit(org), signoff=True,
                           organisation=org)


def prepare_body_summary(body: ReviewBody) -> Prepared:
    return prepare_summary(f"summary-body:{body.id}", "summary_body", f"{body.name}推荐汇总表",
                           body.scope, submitted_for_body(body, printing=True),
                           review_body=body)


# --- rendering and the disk cache ----------------------------------------------------------

@queue.job()
def render_nomination_documents(nomination_id: int) -> None:
    """Render a submitted nomination's 申报书 and its letter in its own year's scope, so
    downloads and bundles are served from the cache (FINDINGS: render in workers, not in the
    request). Queued when the submission has committed."""
    with scope.unscoped():
        n = Nomination.get_or_none(Nomination.id == nomination_id)
        campaign = n.list.campaign if n is not None else None
    if n is None or n.status != "submitted":
        return
    with scope.of(campaign):
        n = scope.attach(Nomination.get_by_id(nomination_id))
        for prepared in (prepare_form(n), prepare_letter(n.organisation, n.list, n.domain)):
            for fmt in ("pdf", "docx"):
                rendered(prepared, fmt)


def cache_dir() -> Path:
    path = Path(current_app.instance_path) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


RENDERERS = {
    ("letter", "pdf"): pdf_writer.letter_pdf, ("letter", "docx"): docx_writer.letter_docx,
    ("form", "pdf"): pdf_writer.form_pdf, ("form", "docx"): docx_writer.form_docx,
    ("summary", "pdf"): pdf_writer.summary_pdf,
    ("summary", "xlsx"): lambda content, stamp: xlsx_writer.summary_xlsx(content, stamp.code),
}


PAGED = {("form", "pdf"), ("summary", "pdf")}


def keep_pages(record: DocumentRecord, pages: list[str]) -> None:
    """What each printed page of a document says, for its page codes (verify page)."""
    if record.pages != pages:
        record.pages = pages
        record.save(only=[DocumentRecord.pages])


def rendered(prepared: Prepared, fmt: str) -> Path:
    """The document's file in this format, rendered once per content (code) and kept."""
    render = RENDERERS.get((prepared.kind, fmt))
    if render is None:
        raise LookupError(f"no {fmt} for {prepared.kind}")
    path = cache_dir() / f"{prepared.record.code}-{base_url_tag()}.{fmt}"
    if not path.exists():
        stamp = c.Stamp(prepared.record.code, verify.verify_url(base_url(), prepared.record.code))
        if (prepared.kind, fmt) in PAGED:  # each page carries its own code: keep its text
            pages: list[str] = []
            data = render(prepared.content, stamp, pages_out=pages)
            keep_pages(prepared.record, pages)
        else:
            data = render(prepared.content, stamp)
        if fmt == "pdf":  # every PDF the platform generates carries its signature
            data = signing.sign(data, prepared.record.code)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # atomic: a reader never sees half a file
    return path


def safe_name(text: str, limit: int = 40) -> str:
    """A file-name part that Windows, macOS and Linux all accept, without direction overrides
    (which would show "fdp.exe" as "exe.pdf")."""
    out = "".join("_" if ch in '\\/:*?"<>|\t\r\n' or ord(ch) < 32 else ch
                  for ch in clean_text(text))
    return out.strip(" .")[:limit] or "未命名"


# --- who may download what -----------------------------------------------------------------

def can_download_letter(user, org: Organisation, lst: NominationList, domain) -> bool:
    if user.role == "unit":
        return user.organisation_id == org.id
    if user.role == "secretariat":
        return True
    if user.role == "review":
        return permissions.is_body_of(user, (domain or lst).review_body)
    return False


def attachments_of(nominations: list[Nomination]) -> list[Attachment]:
    ids = [n.id for n in nominations]
    return list(Attachment.select().where(Attachment.nomination.in_(ids))
                .order_by(Attachment.id)) if ids else []



def send(prepared: Prepared, fmt: str):
    """The download response for a prepared document; callers have checked who may see it."""
    try:
        path = rendered(prepared, fmt)
    except LookupError:
        abort(404)
    return send_download(path, FORMATS[fmt], f"{prepared.download_name}.{fmt}",
                         f"kczg-{prepared.record.kind.replace('_', '-')}-"
                         f"{prepared.record.code}.{fmt}")


def prepare_publication(pub) -> Prepared:
    """A published list as PDF and XLSX (the entries as they were published)."""
    lst = pub.list
    title = f"{lst.campaign.title.removesuffix('榜单')}{lst.name}"
    rows = [[i, e["domain"], e["title"], e.get("nominee", ""), e["unit"]]
            for i, e in enumerate(pub.entries, 1)]
    content = c.Summary(title, f"共{len(rows)}项 · 发布于{_local(pub.published_at)[:10]}",
                        ["序号", "领域", "名称", "完成单位/主体", "推荐单位"], rows,
                        [4, 6, 30, 20, 18])
    record = issue("published", f"published:{lst.id}", content.digest(), title,
                   facts=content.facts(), list=lst)
    return Prepared(record, content, "summary", safe_name(title))


def unit_materials(org: Organisation) -> list[tuple[str, Path]]:
    """(name in the ZIP, file) of everything a unit keeps of the scope's year: each letter
    (PDF, Word), each 申报书 (PDF, Word), the 推荐汇总表 (PDF, XLSX) and its current stamped
    scans; rendered where not yet (each document once per content)."""
    nominations = submitted_for_unit(org)
    out: list[tuple[str, Path]] = []
    letters = []
    for n in nominations:
        key = (n.list_id, n.domain_id)
        if key not in [(lst.id, d.id if d else None) for lst, d in letters]:
            letters.append((n.list, n.domain if n.domain_id else None))
    for lst, domain in letters:
        prepared = prepare_letter(org, lst, domain)
        out += [(f"推荐函/{prepared.download_name}.{fmt}", rendered(prepared, fmt))
                for fmt in ("pdf", "docx")]
    forms = prepare_forms(nominations)
    for n in nominations:
        prepared = forms[n.id]
        out += [(f"申报书/{prepared.download_name}.{fmt}", rendered(prepared, fmt))
                for fmt in ("pdf", "docx")]
    if nominations:
        summary = prepare_unit_summary(org)
        out += [(f"{summary.download_name}.{fmt}", rendered(summary, fmt))
                for fmt in ("pdf", "xlsx")]
    for a in (Attachment.select().where(Attachment.organisation == org,
                                        Attachment.kind == "stamped_scan",
                                        Attachment.retired_at.is_null())
              .order_by(Attachment.id)):
        where = a.list.name + (f"-{a.domain.name}" if a.domain_id else "")
        out.append((f"盖章扫描件/{where}-{safe_name(a.original_name)}", path_of(a)))
    return out
