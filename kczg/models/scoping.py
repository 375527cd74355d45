"""What a year owns, and the scope every query of it goes through.

A campaign (one year of 科创中国) owns its lists, domains, review bodies, calendar, nominations
and everything made from them. Such a table is a `YearOwned` model with a `campaign` column,
and it can only be reached inside a scope:

- a campaign scope: every select, update and delete of a year-owned table is restricted to that
  campaign's rows, and a new row belongs to it (requests run in the current campaign's scope,
  a job or a page about another year in that year's);
- `unscoped()`: an explicit read across years (archives, earlier winners, backups, the CLI);
- neither: a query of a year-owned table raises ScopeError, so a page that forgot to say which
  year it is about fails loudly instead of showing another year.

This module is the mechanism; the rest of the code asks kczg.campaigns.scope.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Callable


class ScopeError(RuntimeError):
    """A year-owned table was queried, or a row written, outside its campaign's scope."""


class Scope:
    """One campaign's scope: a given campaign, or the one `resolve` names whenever asked (the
    current campaign: a request reads it once, when first needed, so a request that never
    touches a year-owned table spends no query on it; a command or a test follows it as it
    changes)."""

    __slots__ = ("_resolve", "_campaign")

    def __init__(self, resolve: Callable[[], object | None] | None = None, campaign=None):
        self._resolve, self._campaign = resolve, campaign

    @property
    def campaign(self):
        return self._resolve() if self._resolve is not None else self._campaign

    @property
    def campaign_id(self) -> int:
        campaign = self.campaign
        return campaign.id if campaign is not None else 0  # no campaign: nothing matches


class _Unscoped:
    def __repr__(self):
        return "UNSCOPED"


UNSCOPED = _Unscoped()
_state: contextvars.ContextVar = contextvars.ContextVar("kczg_campaign_scope", default=None)


def active():
    """The scope in force: a Scope, UNSCOPED, or None (no scope: year-owned queries raise)."""
    return _state.get()


def enter(state):
    """Put `state` in force until `leave(token)` (a request's scope, set and reset around it)."""
    return _state.set(state)


def leave(token) -> None:
    _state.reset(token)


@contextmanager
def using(state):
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def unscoped():
    """An explicit read across years: nothing is restricted to one campaign."""
    return using(UNSCOPED)


class Compiling:
    """The scope while kczg.models.compiled.Compiled builds a query once: the campaign is a
    parameter filled in on every run."""

    def __init__(self, marker):
        self.marker = marker


def condition(model):
    """The restriction a query of `model` gets in the scope in force (None: no restriction)."""
    state = _state.get()
    if state is None:
        raise ScopeError(f"{model.__name__} is owned by a campaign: query it inside a campaign "
                         "scope (kczg.campaigns.scope) or say unscoped() for a read across years")
    if state is UNSCOPED:
        return None
    if isinstance(state, Compiling):
        return model.campaign == state.marker
    return model.campaign == state.campaign_id


def default_campaign():
    """A new year-owned row belongs to the campaign of the scope in force (None otherwise:
    saving it then needs the campaign said explicitly)."""
    state = _state.get()
    if isinstance(state, Scope):
        return state.campaign_id or None
    return None


class YearOwned:
    """Mixin for a model whose rows belong to one campaign (a `campaign` foreign key): every
    select, update and delete is restricted to the scope's campaign, and a row is written only
    in its own campaign's scope (or explicitly unscoped)."""

    @classmethod
    def select(cls, *fields):
        query = super().select(*fields)
        restriction = condition(cls)
        return query if restriction is None else query.where(restriction)

    @classmethod
    def update(cls, __data=None, **update):
        query = super().update(__data, **update)
        restriction = condition(cls)
        return query if restriction is None else query.where(restriction)

    @classmethod
    def delete(cls):
        query = super().delete()
        restriction = condition(cls)
        return query if restriction is None else query.where(restriction)

    def _check_scope(self) -> None:
        state = _state.get()
        if state is None:
            raise ScopeError(f"{type(self).__name__} written outside a campaign scope")
        if self.campaign_id is None:
            if isinstance(state, Scope) and state.campaign_id:
                self.campaign = state.campaign_id
            else:
                raise ScopeError(f"a new {type(self).__name__} needs its campaign")
        if isinstance(state, Scope) and self.campaign_id != state.campaign_id:
            raise ScopeError(f"{type(self).__name__} of campaign {self.campaign_id} written in "
                             f"the scope of campaign {state.campaign_id}")

    def save(self, *args, **kwargs):
        self._check_scope()
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        self._check_scope()
        return super().delete_instance(*args, **kwargs)

