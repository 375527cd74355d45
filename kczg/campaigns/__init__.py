"""Loads a campaign data file (one TOML file per campaign) into the database.

`load_campaign(path)` creates or updates the campaign named by the file's slug: lists, domains,
review bodies, calendar and contacts. Rows are matched by their keys, so loading the same file
twice changes nothing and accounts tied to a review body keep pointing at it.
"""
from __future__ import annotations

import tomllib
from datetime import datetime, timezone
from pathlib import Path

from kczg.db import Compiled, database
from kczg.models import Campaign, Contact, Domain, NominationList, Phase, ReviewBody, UnitType

CAMPAIGN_DIR = Path(__file__).resolve().parent
DEFAULT_CAMPAIGN = CAMPAIGN_DIR / "kczg-2021.toml"


class CampaignFileError(ValueError):
    pass


def read_campaign_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CampaignFileError(f"cannot read {path}: {e}") from e
    check_lists(data.get("lists", []), path, text)
    for key in ("campaign", "phases", "review_bodies", "lists", "unit_types", "contacts"):
        if key not in data:
            raise CampaignFileError(f"{path}: missing [{key}]")
    bodies = {b["short_id"] for b in data["review_bodies"]}
    for lst in data["lists"]:
        routed = [lst.get("review_body")] + [d["review_body"] for d in lst.get("domains", [])]
        for short_id in filter(None, routed):
            if short_id not in bodies:
                raise CampaignFileError(f"{path}: list {lst['code']} routes to unknown "
                                        f"review body {short_id!r}")
        if lst.get("open", True) and lst.get("quota_scope") == "domain" and not lst.get("domains"):
            raise CampaignFileError(f"{path}: list {lst['code']} has a per-domain quota "
                                    "but no domains")
    return data


def _notice_text(path, name: str | None) -> str:
    """The notice's text: beside the campaign file, else among the shipped campaign files; a
    named file found nowhere is an error (the notice page would be silently empty)."""
    if not name:
        return ""
    for folder in (Path(path).parent, CAMPAIGN_DIR):
        candidate = folder / name
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise CampaignFileError(f"{path}: notice_file {name!r} not found beside the campaign file "
                            f"or in {CAMPAIGN_DIR}")


def campaign_year(c: dict) -> int:
    """The campaign's year: `year` in the file, else the slug's or the title's first digits."""
    import re

    if c.get("year"):
        return int(c["year"])
    for text in (str(c.get("slug", "")), str(c.get("title", ""))):
        m = re.match(r"(\d{4})", text)
        if m:
            return int(m.group(1))
    return 0


def check_lists(lists: list[dict], path, text: str | None = None) -> None:
    """Each open list has a form (a class in forms/ or a [lists.form] table, checked here, every
    problem with its line) and a calendar of its own only with both ends."""
    from forms import spec
    from forms.registry import FORMS

    problems = []
    for lst in lists:
        code = lst.get("code", "?")
        if "form" in lst:
            found = spec.check(lst["form"], f"list {code}", text)
            problems += found
            if not found:  # built once here too, so a form that loads is a form that works
                try:
                    spec.build(code, lst.get("name", code), lst["form"])
                except Exception as e:  # noqa: BLE001 - any failure is the file's to fix
                    problems.append(f"list {code}: the form cannot be built: {e}")
        elif lst.get("open", True) and code not in FORMS:
            problems.append(f"list {code}: open, but no form (add [lists.form] or a class in "
                            "forms/)")
        if lst.get("deadline") is not None and not lst.get("deadline_label"):
            problems.append(f"list {code}: deadline needs deadline_label (the notice's wording)")
    if problems:
        raise CampaignFileError(f"{path}: " + "; ".join(problems))


def to_utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise CampaignFileError(f"datetime {value} needs an explicit offset, e.g. +08:00")
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _upsert(model, match: dict, values: dict):
    row = model.get_or_none(**match)
    if row is None:
        return model.create(**match, **values)
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return row


def load_campaign(path: Path = DEFAULT_CAMPAIGN, data: dict | None = None) -> Campaign:
    """Create or update the campaign described by the file at `path` (or by `data`)."""
    data = data or read_campaign_file(path)
    c = data["campaign"]
    notice_text = _notice_text(path, c.get("notice_file"))
    with database.atomic():
        campaign = _upsert(Campaign, {"slug": str(c["slug"])}, {
            "title": c["title"],
            "notice_title": c["notice_title"],
            "notice_text": notice_text,
            "issuer": c.get("issuer", ""),
            "platform_url": c.get("platform_url", ""),
            "timezone": c.get("timezone", "Asia/Shanghai"),
            "submission_deadline": to_utc_naive(c["submission_deadline"]),
            "submission_deadline_label": c["submission_deadline_label"],
            "initial_results_deadline": to_utc_naive(c["initial_results_deadline"]),
            "initial_results_deadline_label": c["initial_results_deadline_label"],
            "is_current": True,
            "letterhead_mm": c.get("letterhead_mm", 0),
            "year": campaign_year(c),
        })
        Campaign.update(is_current=False).where(Campaign.id != campaign.id).execute()
        _label_cache["value"] = None
        from kczg.rules import earlier

        earlier.forget()

        for i, t in enumerate(data["unit_types"]):
            _upsert(UnitType, {"code": t["code"]}, {"name": t["name"], "position": i})

        bodies = {}
        for i, b in enumerate(data["review_bodies"]):
            bodies[b["short_id"]] = _upsert(
                ReviewBody, {"campaign": campaign, "short_id": b["short_id"]}, {
                    "name": b["name"], "scope": b.get("scope", ""),
                    "contact": b.get("contact", ""), "phones": "/".join(b.get("phones", [])),
                    "email": b.get("email", ""), "address": b.get("address", ""),
                    "position": i,
                })

        for i, lst in enumerate(data["lists"]):
            upsert_list(campaign, lst, bodies, i, path)

        for i, p in enumerate(data["phases"]):
            _upsert(Phase, {"campaign": campaign, "key": p["key"]}, {
                "name": p["name"], "start": p["start"], "end": p["end"],
                "label": p.get("label", ""), "description": p.get("description", ""),
                "position": i,
            })

        Contact.delete().where(Contact.campaign == campaign).execute()
        for i, ct in enumerate(data["contacts"]):
            Contact.create(campaign=campaign, kind=ct["kind"],
                           organisation=ct.get("organisation", ""), person=ct.get("person", ""),
                           phones="/".join(ct.get("phones", [])), position=i)
    return campaign


def upsert_list(campaign: Campaign, lst: dict, bodies: dict, position: int, path) -> None:
    """One [[lists]] entry of a campaign file or a supplementary notice, with its domains."""
    from forms import spec

    when = {k: to_utc_naive(lst[k]) if lst.get(k) is not None else None
            for k in ("opens_at", "deadline")}
    row = _upsert(NominationList, {"campaign": campaign, "code": lst["code"]}, {
        "name": lst["name"], "size": lst["size"], "quota": lst.get("quota"),
        "quota_scope": lst.get("quota_scope", "list"),
        "is_open": lst.get("open", True), "status_note": lst.get("status_note", ""),
        "description": lst.get("description", ""),
        "item_noun": lst.get("item_noun", "项"),
        "quota_per_channel": bool(lst.get("quota_per_channel", False)),
        "form_spec": spec.to_json(lst["form"]) if "form" in lst else "",
        "deadline_label": lst.get("deadline_label", ""),
        "notice_title": lst.get("notice_title", ""),
        "notice_text": _notice_text(path, lst.get("notice_file")),
        "review_body": bodies.get(lst.get("review_body")), "position": position, **when,
    })
    for j, d in enumerate(lst.get("domains", [])):
        _upsert(Domain, {"list": row, "code": d["code"]}, {
            "name": d["name"], "review_body": bodies[d["review_body"]], "position": j,
        })


def load_supplement(path: Path) -> Campaign:
    """A supplementary notice (补充通知) as a file: `[supplement] campaign = "2021"` and
    [[lists]] entries as in a campaign file, e.g. opening 青年创业榜 with its form, quota,
    review body, calendar and notice text. Lists are added or updated; nothing else changes."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CampaignFileError(f"cannot read {path}: {e}") from e
    slug = str((data.get("supplement") or {}).get("campaign", ""))
    campaign = Campaign.get_or_none(Campaign.slug == slug)
    if campaign is None:
        raise CampaignFileError(f"{path}: [supplement] campaign {slug!r} is not loaded")
    check_lists(data.get("lists", []), path, text)
    bodies = {b.short_id: b for b in ReviewBody.select().where(ReviewBody.campaign == campaign)}
    for lst in data.get("lists", []):
        for short_id in filter(None, [lst.get("review_body")] +
                               [d.get("review_body") for d in lst.get("domains", [])]):
            if short_id not in bodies:
                raise CampaignFileError(f"{path}: list {lst['code']} routes to unknown review "
                                        f"body {short_id!r}")
    positions = {x.code: x.position for x in campaign.lists}
    with database.atomic():
        for lst in data.get("lists", []):
            upsert_list(campaign, lst, bodies,
                        positions.get(lst["code"], len(positions) + 1), path)
        Campaign.update(facts_version=Campaign.facts_version + 1) \
            .where(Campaign.id == campaign.id).execute()
    return Campaign.get_by_id(campaign.id)


def use_campaign(slug: str) -> Campaign:
    """Make one loaded campaign the current one."""
    campaign = Campaign.get_or_none(Campaign.slug == str(slug))
    if campaign is None:
        raise CampaignFileError(f"campaign {slug!r} is not loaded")
    with database.atomic():
        Campaign.update(is_current=False).where(Campaign.id != campaign.id).execute()
        Campaign.update(is_current=True).where(Campaign.id == campaign.id).execute()
    _label_cache["value"] = None
    return Campaign.get_by_id(campaign.id)


def describe_file(path) -> str:
    """A campaign or supplement file checked and told in Chinese: lists, quotas, routing,
    calendar."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CampaignFileError(f"cannot read {path}: {e}") from e
    lines = []
    if "supplement" in data:
        check_lists(data.get("lists", []), path, text)
        lines.append(f"补充通知：适用于 {data['supplement'].get('campaign')} 年度征集")
        bodies = {}
    else:
        data = read_campaign_file(path)
        c = data["campaign"]
        _notice_text(path, c.get("notice_file"))
        lines.append(f"{c['title']}（{campaign_year(c)}年度，标识 {c['slug']}）")
        lines.append(f"申报截止：{c['submission_deadline_label']}；"
                     f"初评结果报送截止：{c['initial_results_deadline_label']}")
        for p in data["phases"]:
            lines.append(f"  {p['name']}：{p.get('label') or (str(p['start']) + '—' + str(p['end']))}")
        bodies = {b["short_id"]: b["name"] for b in data["review_bodies"]}
    for lst in data.get("lists", []):
        if not lst.get("open", True):
            lines.append(f"{lst['name']}（{lst['code']}）：暂不征集（{lst.get('status_note', '')}）")
            continue
        scope = "每个领域" if lst.get("quota_scope") == "domain" else "每个推荐单位"
        quota = f"{scope}限报{lst.get('quota')}项" if lst.get("quota") else "不限名额"
        form = "表单由本文件定义" if "form" in lst else "表单为平台内置"
        lines.append(f"{lst['name']}（{lst['code']}）：共{lst['size']}项，{quota}，{form}")
        if lst.get("deadline"):
            lines.append(f"  单独截止：{lst.get('deadline_label')}")
        if lst.get("review_body"):
            lines.append(f"  初评机构：{bodies.get(lst['review_body'], lst['review_body'])}")
        for d in lst.get("domains", []):
            lines.append(f"  {d['name']}领域 → {bodies.get(d['review_body'], d['review_body'])}")
    return "\n".join(lines)


def copy_campaign_file(src: Path, slug: str) -> str:
    """The text of `src` for the campaign `slug`: its year in slug, title, labels and dates
    moved on by the difference (the secretariat then edits it against the new notice)."""
    import re

    text = Path(src).read_text(encoding="utf-8")
    old = read_campaign_file(src)["campaign"]
    old_year, new_year = campaign_year(old), campaign_year({"slug": slug})
    if not old_year or not new_year:
        raise CampaignFileError("both slugs must start with a year, e.g. 2022")
    shift = new_year - old_year

    def year(m):
        return str(int(m.group(0)) + shift)

    # every four-digit year from the old campaign year on moves (dates, labels, titles)
    text = re.sub(r"(?<!\d)(20\d\d)(?!\d)",
                  lambda m: year(m) if int(m.group(0)) >= old_year - 3 else m.group(0), text)
    text = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', text, count=1, flags=re.M)
    return text


_current = Compiled(lambda: Campaign.select().where(Campaign.is_current)
                    .order_by(Campaign.loaded_at.desc()).limit(1))


def current_campaign() -> Campaign | None:
    """The current campaign row, read once per request (its facts: kczg.campaigns.facts)."""
    from flask import has_request_context, request

    # kept on the request, not on `g`: an app context (and its g) can outlive many requests
    if has_request_context() and hasattr(request, "kczg_campaign"):
        return request.kczg_campaign
    campaign = _current.first()
    if has_request_context():
        request.kczg_campaign = campaign
    return campaign


_label_cache: dict = {"at": 0.0, "value": None}


def campaign_label():
    """The current campaign for a page's footer: the row this request read already, else a copy
    at most a minute old (a page that needs no campaign spends no query on naming it)."""
    import time

    from flask import has_request_context, request

    if has_request_context() and getattr(request, "kczg_campaign", None) is not None:
        return request.kczg_campaign
    now = time.monotonic()
    if _label_cache["value"] is None or now - _label_cache["at"] > 60:
        _label_cache["value"], _label_cache["at"] = _current.first(), now
    return _label_cache["value"]
