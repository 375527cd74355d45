"""The campaign as a scope: every "this year's …" question is answered here.

A request runs in the current campaign's scope (set before it, lazily: the campaign row is read
when first needed); a page about an earlier year switches to that year's scope; a job or a
command says which campaign it works in, or `unscoped()` for a read across years. Inside a
scope, every query of a year-owned table (kczg.models.scoping) is restricted to its campaign,
and the scope's static facts (lists, domains, review bodies, phases, contacts) come from memory
(kczg.campaigns.facts), never from a query.

    from kczg.campaigns import scope
    scope.lists()                 # this year's lists, in order, with their domains and bodies
    scope.list_by_code("xdjs")    # or None
    with scope.of(campaign): ...  # another year (an archive page, a job)
    with scope.unscoped(): ...    # across years, said explicitly
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from flask import has_request_context, request

from kczg.models import Campaign
from kczg.models.compiled import Compiled
from kczg.models.scoping import (
    UNSCOPED,
    Scope,
    ScopeError,
    active,
    enter,
    leave,
    unscoped,
    using,
)

from .facts import Facts, facts_of

__all__ = ["current_campaign", "campaign_label", "forget", "of", "following_current",
           "using_current", "unscoped", "attach", "enter_request", "leave_request", "switch", "campaign", "is_current",
           "facts", "lists", "list_by_code", "list_by_id", "domain", "bodies", "body_by_key",
           "body_by_id", "ScopeError"]

_current = Compiled(lambda: Campaign.select().where(Campaign.is_current)
                    .order_by(Campaign.loaded_at.desc()).limit(1))


def current_campaign() -> Campaign | None:
    """The current campaign row, read once per request (its facts: kczg.campaigns.facts)."""
    # kept on the request, not on `g`: an app context (and its g) can outlive many requests
    if has_request_context() and hasattr(request, "kczg_campaign"):
        return request.kczg_campaign
    campaign = _current.first()
    if has_request_context():
        request.kczg_campaign = campaign
    return campaign


def know_current(campaign: Campaign | None) -> None:
    """The current campaign, read by this request already (with its user): not read again."""
    if has_request_context() and not hasattr(request, "kczg_campaign"):
        request.kczg_campaign = campaign


_label_cache: dict = {"at": 0.0, "value": None}


def campaign_label() -> Campaign | None:
    """The current campaign for a page's footer: the row this request read already, else a copy
    at most a minute old (a page that needs no campaign spends no query on naming it)."""
    if has_request_context() and getattr(request, "kczg_campaign", None) is not None:
        return request.kczg_campaign
    now = time.monotonic()
    if _label_cache["value"] is None or now - _label_cache["at"] > 60:
        _label_cache["value"], _label_cache["at"] = _current.first(), now
    return _label_cache["value"]


def forget() -> None:
    """A campaign was loaded or made current: the footer's copy is read again."""
    _label_cache["value"] = None


# --- entering a scope ----------------------------------------------------------------------------

def following_current() -> Scope:
    """The current campaign's scope: in a request the campaign is read once, when first
    needed; outside one, whenever asked, so a command or a test follows a campaign it loads or
    makes current."""
    return Scope(current_campaign)


def using_current():
    """The current campaign's scope for a block (a command, a test)."""
    return using(following_current())


def enter_request():
    """Before a request: the current campaign's scope (reset by `leave_request`)."""
    return enter(following_current())


def leave_request(token) -> None:
    leave(token)


def switch(campaign: Campaign) -> None:
    """For the rest of this request, the scope of `campaign` (a page about an earlier year);
    the request's end puts the previous scope back."""
    enter(Scope(campaign=campaign))


@contextmanager
def of(campaign: Campaign | None):
    """The scope of one campaign (a job, a command, a page about another year)."""
    with using(Scope(campaign=campaign)) as state:
        yield state


# --- what the scope's year holds -----------------------------------------------------------------

def _scope() -> Scope:
    state = active()
    if state is None or state is UNSCOPED:
        raise ScopeError("this question is about one year: ask it inside a campaign scope")
    return state


def campaign() -> Campaign | None:
    """The scope's campaign (None when no campaign is loaded)."""
    return _scope().campaign


def is_current() -> bool:
    """The scope's campaign is the current one (not an earlier year's archive)."""
    c = campaign()
    return c is not None and c.is_current


def facts() -> Facts | None:
    c = campaign()
    return facts_of(c) if c is not None else None


def contacts(technical: bool) -> list:
    """The year's 申报系统技术咨询 lines (technical) or its 工作咨询 lines, as the notice gives
    them."""
    f = facts()
    return [c for c in f.contacts if ("技术" in c.kind) == technical] if f else []


def lists() -> list:
    """The year's lists in order, each with .domain_rows and its review body (no query)."""
    f = facts()
    return f.lists if f else []


def list_by_code(code: str):
    f = facts()
    return f.lists_by_code.get(code) if f else None


def list_by_id(list_id: int):
    f = facts()
    return f.lists_by_id.get(list_id) if f else None


def domain(lst, code: str | None):
    """A list's domain by its code, or None."""
    return next((d for d in getattr(lst, "domain_rows", []) if d.code == code), None) \
        if code else None


def bodies() -> list:
    f = facts()
    return f.bodies if f else []


def body_by_key(short_id: str):
    """The year's review body of a stable id (its short_id), or None: a body the year does not
    name."""
    f = facts()
    return f.bodies_by_key.get(short_id) if f else None


def body_by_id(body_id: int):
    f = facts()
    return f.bodies_by_id.get(body_id) if f else None


def attach(nomination, organisation=None, facts_: Facts | None = None):
    """Give a nomination its list and domain from the scope's facts (no query) and, when it is
    theirs, the organisation row the caller already holds; return it. A caller attaching many
    passes the facts it read once (`facts_`). Outside a campaign scope (a read across years)
    the list is loaded when first needed."""
    state = active()
    f = facts_ or (facts() if state is not None and state is not UNSCOPED else None)
    lst = f.lists_by_id.get(nomination.list_id) if f else None
    if lst is not None:
        nomination.list = lst
        if nomination.domain_id:
            nomination.domain = f.domains_by_id[nomination.domain_id]
    if organisation is not None and organisation.id == nomination.organisation_id:
        nomination.organisation = organisation
    return nomination
