"""Campaigns loaded and chosen: a campaign file loaded (created or updated, matched by its
keys so loading twice changes nothing and accounts tied to a review body keep pointing at it),
a supplementary notice applied, one campaign made the current one.

These name their campaign explicitly and run outside any one year's scope (`unscoped()`): the
rows they write say which campaign they belong to.
"""
from __future__ import annotations

from pathlib import Path

from forms import spec
from kczg.campaigns import scope
from kczg.campaigns.files import (
    DEFAULT_CAMPAIGN,
    CampaignFileError,
    campaign_year,
    notice_text,
    read_campaign_file,
    read_supplement_file,
    to_utc_naive,
)
from kczg.db import database
from kczg.models import Campaign, Contact, Domain, NominationList, Phase, ReviewBody, UnitType
from kczg.models.scoping import unscoped
from kczg.rules import earlier


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
    text = notice_text(path, c.get("notice_file"))
    with unscoped(), database.atomic():
        campaign = _upsert(Campaign, {"slug": str(c["slug"])}, {
            "title": c["title"],
            "notice_title": c["notice_title"],
            "notice_text": text,
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
        scope.forget()
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
        "notice_text": notice_text(path, lst.get("notice_file")),
        "review_body": bodies.get(lst.get("review_body")), "position": position, **when,
    })
    for j, d in enumerate(lst.get("domains", [])):
        _upsert(Domain, {"list": row, "code": d["code"]}, {
            "name": d["name"], "review_body": bodies[d["review_body"]], "position": j,
            "campaign": campaign,
        })


def load_supplement(path: Path) -> Campaign:
    """A supplementary notice (补充通知) as a file: `[supplement] campaign = "2021"` and
    [[lists]] entries as in a campaign file, e.g. opening 青年创业榜 with its form, quota,
    review body, calendar and notice text. Lists are added or updated; nothing else changes."""
    data, slug = read_supplement_file(path)
    campaign = Campaign.get_or_none(Campaign.slug == slug)
    if campaign is None:
        raise CampaignFileError(f"{path}: [supplement] campaign {slug!r} is not loaded")
    with unscoped():
        return _apply_supplement(campaign, data, path)


def _apply_supplement(campaign: Campaign, data: dict, path) -> Campaign:
    bodies = {b.short_id: b for b in ReviewBody.select().where(ReviewBody.campaign == campaign)}
    for lst in data.get("lists", []):
        for short_id in filter(None, [lst.get("review_body")] +
                               [d.get("review_body") for d in lst.get("domains", [])]):
            if short_id not in bodies:
                raise CampaignFileError(f"{path}: list {lst['code']} routes to unknown review "
                                        f"body {short_id!r}")
    positions = {x.code: x.position for x in
                 NominationList.select().where(NominationList.campaign == campaign)}
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
    scope.forget()
    return Campaign.get_by_id(campaign.id)
