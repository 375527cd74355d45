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
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CampaignFileError(f"cannot read {path}: {e}") from e
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
    notice_text = ""
    if c.get("notice_file"):
        notice_path = Path(path).parent / c["notice_file"]
        if notice_path.exists():
            notice_text = notice_path.read_text(encoding="utf-8")
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
        })
        Campaign.update(is_current=False).where(Campaign.id != campaign.id).execute()

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
            row = _upsert(NominationList, {"campaign": campaign, "code": lst["code"]}, {
                "name": lst["name"], "size": lst["size"], "quota": lst.get("quota"),
                "quota_scope": lst.get("quota_scope", "list"),
                "is_open": lst.get("open", True), "status_note": lst.get("status_note", ""),
                "description": lst.get("description", ""),
                "item_noun": lst.get("item_noun", "项"),
                "review_body": bodies.get(lst.get("review_body")), "position": i,
            })
            for j, d in enumerate(lst.get("domains", [])):
                _upsert(Domain, {"list": row, "code": d["code"]}, {
                    "name": d["name"], "review_body": bodies[d["review_body"]], "position": j,
                })

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
