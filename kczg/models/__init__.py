"""What the data is. Import models from here."""
from .accounts import (
    ROLES,
    AccountApplication,
    LetterNumber,
    Organisation,
    User,
    UserSession,
)
from .base import BaseModel, utcnow
from .campaign import Campaign, Contact, Domain, NominationList, Phase, ReviewBody, UnitType
from .documents import BundleBuild, DocumentRecord, NoticeFile
from .nominations import (
    STATUS,
    Attachment,
    DuplicateDismissal,
    Nomination,
    NominationConflict,
    NominationHistory,
    SearchEntry,
)
from .review import (
    Assignment,
    AuditEvent,
    BodyResult,
    ConflictClearance,
    Criterion,
    Decision,
    DiscussionPost,
    Extension,
    Filing,
    Message,
    PanelSummary,
    Publication,
    Score,
)
from .scoping import ScopeError, YearOwned, unscoped

ALL_MODELS = [
    Campaign, ReviewBody, NominationList, Domain, Phase, Contact, UnitType,
    Organisation, User, AccountApplication, UserSession, LetterNumber,
    Nomination, NominationHistory, NominationConflict, Attachment, DuplicateDismissal,
    SearchEntry,
    DocumentRecord, BundleBuild, NoticeFile,
    Filing, Criterion, Assignment, Score, BodyResult, ConflictClearance, DiscussionPost,
    PanelSummary, Extension, Decision, Publication, Message,
    AuditEvent,
]

# the tables a campaign owns: reached only through a campaign scope (kczg/models/scoping.py)
YEAR_OWNED = [m for m in ALL_MODELS if issubclass(m, YearOwned)]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "YEAR_OWNED", "BaseModel", "ROLES", "STATUS", "ScopeError", "YearOwned",
    "unscoped", "utcnow"]
