"""Reads for possible duplicates: a document's open look-alikes, and whether a list row has any."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from documents.duplicates.rules import reason_text
from documents.models import Document, DuplicatePair


@dataclass(frozen=True)
class Suspicion:
    """One open pair seen from one of its documents: the other document and why they look alike."""

    pair: DuplicatePair
    other: Document

    @property
    def reasons(self) -> list[str]:
        return list(self.pair.reasons)

    @property
    def reason(self) -> str:
        """ "The same image; the same supplier, amount and date" """
        text = reason_text(self.pair.reasons)
        return text[:1].upper() + text[1:]


def _open_pairs_of(document_id) -> Q:
    return Q(dismissed_at__isnull=True) & (Q(first_id=document_id) | Q(second_id=document_id))


def duplicate_suspicions_for(document: Document, *, limit: int = 5) -> list[Suspicion]:
    """The open pairs of `document`, earliest other document first, with that document and its pages."""
    pairs = list(
        DuplicatePair.objects.filter(company_id=document.company_id)
        .filter(_open_pairs_of(document.pk))
        .order_by("first_id", "second_id")[:limit]
    )
    ids = [p.other(document.pk) for p in pairs]
    others = (
        Document.objects.for_company(document.company_id)
        .select_related("supplier")
        .prefetch_related("pages")
        .in_bulk(ids)
    )
    found = [
        Suspicion(pair=p, other=others[p.other(document.pk)]) for p in pairs if p.other(document.pk) in others
    ]
    return sorted(found, key=lambda s: (s.other.received_at, s.other.pk))


def duplicate_suspected() -> Exists:
    """An annotation for lists: the row's document has an open pair."""
    return Exists(DuplicatePair.objects.filter(_open_pairs_of(OuterRef("pk"))))


def has_open_duplicate(document: Document) -> bool:
    """From the list annotation when the row has it, else one query."""
    known = getattr(document, "duplicate_suspected", None)
    if known is not None:
        return bool(known)
    return DuplicatePair.objects.filter(_open_pairs_of(document.pk)).exists()
