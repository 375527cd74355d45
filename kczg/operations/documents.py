"""What a unit sets for its paper copies, and the step it takes with them: a letter's 发文字号
and the letterhead room of its letters; a letter downloaded for the first time (the step
guide's 下载推荐函)."""
from __future__ import annotations

from kczg.db import database
from kczg.models import DocumentRecord, LetterNumber, NominationList, Organisation, utcnow
from kczg.parsing import clean_text
from kczg.rules import years

from . import refuse_if


def save_letter_settings(org: Organisation, lst: NominationList, key: str, number: str,
                         letterhead_mm: int) -> None:
    """The unit's 发文字号 for one letter (blank removes it) and its letterhead room."""
    refuse_if(years.unit_write_refusal(lst.campaign, org))
    number = clean_text(number).strip()
    with database.atomic():
        LetterNumber.delete().where(LetterNumber.organisation == org,
                                    LetterNumber.letter == key).execute()
        if number:
            LetterNumber.create(organisation=org, letter=key, number=number,
                                campaign=lst.campaign_id)
        if org.letterhead_mm != letterhead_mm:
            org.letterhead_mm = letterhead_mm
            org.save(only=[Organisation.letterhead_mm])


def letter_downloaded(record: DocumentRecord) -> None:
    """The unit took its letter: the step guide moves on to 盖章 (first download only)."""
    if record.downloaded_at is None:
        DocumentRecord.update(downloaded_at=utcnow()).where(
            DocumentRecord.id == record.id, DocumentRecord.downloaded_at.is_null()).execute()
