"""Every state change of the platform, one function each (Indico's operations.py): it checks
(who may, the year, the phase, the rules in kczg.rules), writes, records the nomination's
history or the audit log, and queues its messages and jobs to run once the transaction has
committed (kczg.queue.after_commit). Views parse the request, call one operation and render;
a refusal is `Refused` with a Chinese message the view shows next to what the user typed.

    nominations   drafts, saves, submission, withdrawal, reopening, conflict copies, Word import
    attachments   supporting material, stamped scans, the blind-review mark
    review        备案, criteria, experts, assignments, pledges, scores, blind review
    results       shortlists, reporting and returning initial results, returning a nomination
    final         终审 decisions, publishing and withdrawing a publication
    calendar      extensions, a year's dates moved, an earlier year reopened for a unit
    campaigns     loading a campaign or a supplementary notice, choosing the current one
    accounts      unit accounts, applications, passwords, logins, channels, contacts, experts
    documents     letter settings, a letter's first download
    notices       files published with the notice
    bundles       bundle requests and their delivery when collection closes
    duplicates    groups marked as not duplicates
"""
from __future__ import annotations


class Refused(Exception):
    """The action is not allowed now; the message says why, in Chinese."""


class Stale(Refused):
    """The nomination changed since the user loaded it; what they sent was kept aside."""

    def __init__(self, message: str, stored_version: int, conflict_id: int):
        super().__init__(message)
        self.stored_version, self.conflict_id = stored_version, conflict_id


def refuse_if(message: str | None) -> None:
    """Raise the refusal a rule returned, if any."""
    if message:
        raise Refused(message)
