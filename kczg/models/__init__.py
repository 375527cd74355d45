"""What the data is. Import models from here."""
from .accounts import ROLES, AccountApplication, LoginAttempt, Organisation, User
from .base import BaseModel, utcnow
from .campaign import Campaign, Contact, Domain, NominationList, Phase, ReviewBody, UnitType

ALL_MODELS = [
    Campaign, ReviewBody, NominationList, Domain, Phase, Contact, UnitType,
    Organisation, User, AccountApplication, LoginAttempt,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "BaseModel", "ROLES", "utcnow"]
