"""Writes for possible duplicates: find a document's look-alikes, and record a person's "not a duplicate".

`duplicates_check` runs after a document's extracted values are committed (extraction calls it once
the document is in review; a correction of its supplier, number, total or date queues it on commit).
It compares the document with the rest of its company and keeps one `DuplicatePair` per look-alike.

Whichever document arrives first, and when both are read at the same moment: each check reads only
committed documents and starts after its own document was committed, so of two checks the later one
always sees both documents and links them — the pair row is the same from either side (lower id
first). Checks of one company take a transaction-level advisory lock before they read, so two checks
never write the same pair at once, and a check never removes a pair that a concurrent one has just
found. The check holds no lock on a document row while it waits for that lock (no deadlock with a
document being saved).
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from core.errors import ValidationFailed
from documents.choices import DocumentStatus, DocumentType
from documents.duplicates.rules import (
    PHASH_MAX_DISTANCE,
    Facts,
    hash_distance,
    image_hash,
    match_reasons,
    reason_text,
)
from documents.models import Document, DuplicatePair
from documents.previews import first_page_image

log = logging.getLogger(__name__)

# How many of the company's newest hashed documents a check compares hashes with (a Python scan of
# two integer columns: tens of milliseconds at this size), and how many look-alikes it keeps.
HASH_SCAN_LIMIT = 20_000
CANDIDATE_LIMIT = 200
# pg_advisory_xact_lock(namespace, company id): "documents.duplicates".
LOCK_NAMESPACE = 0x0D0C
NOT_READ = (DocumentStatus.RECEIVED, DocumentStatus.EXTRACTING)
FACT_COLUMNS = (
    "id", "company_id", "type", "status", "sha256", "image_hash", "supplier_id", "supplier_name",
    "invoice_number", "total", "issue_date", "fields", "confidence", "corrected_fields", "duplicate_of_id",
)  # fmt: skip


def image_hash_for(data: bytes, *, content_type: str) -> int | None:
    """The perceptual hash of the first page or photo; None for XML, or for a file that will not render."""
    try:
        image = first_page_image(data, content_type=content_type)
    except Exception as exc:  # a damaged file still gets read and reviewed; it only has no hash
        log.warning("No image hash: %s", exc)
        return None
    return None if image is None else image_hash(image)


def _lock_company(company_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, company_id])
    # SQLite runs one writing transaction at a time anyway.


def _candidates(document: Document) -> list[Document]:
    """The company's read documents that may match `document`, from narrow index look-ups: the same
    file, a near hash, the same number as written, the same total, and the supplier's latest documents
    (for a number written another way, "INV-7" / "inv 7"). Each look-up is bounded."""
    others = (
        Document.objects.for_company(document.company_id).exclude(pk=document.pk).exclude(status__in=NOT_READ)
    )
    if document.type == DocumentType.SALES_INVOICE:
        others = others.filter(type=DocumentType.SALES_INVOICE)
    else:
        others = others.exclude(type=DocumentType.SALES_INVOICE)
    lookups = [Q(sha256=document.sha256)]
    if document.total is not None:
        lookups.append(Q(total=document.total))
    if document.invoice_number:
        lookups.append(Q(invoice_number__iexact=document.invoice_number))
        if document.supplier_id:
            lookups.append(Q(supplier_id=document.supplier_id))
        if document.supplier_name:
            lookups.append(Q(supplier_name__iexact=document.supplier_name))
    ids: set[int] = set()
    for lookup in lookups:
        ids.update(others.filter(lookup).order_by("-id").values_list("id", flat=True)[:CANDIDATE_LIMIT])
    if document.image_hash is not None:
        hashed = (
            others.filter(image_hash__isnull=False)
            .order_by("-id")
            .values_list("id", "image_hash")[:HASH_SCAN_LIMIT]
        )
        ids.update(pk for pk, h in hashed if hash_distance(document.image_hash, h) <= PHASH_MAX_DISTANCE)
    return list(Document.objects.filter(pk__in=ids).only(*FACT_COLUMNS).order_by("id"))


def duplicates_check(*, document_id: int) -> list[DuplicatePair]:
    """Link `document_id` with each look-alike of its company; drop its pairs that no longer hold (a
    corrected number) unless a person dismissed them. Returns its open pairs. Idempotent."""
    with transaction.atomic():
        company_id = Document.objects.filter(pk=document_id).values_list("company_id", flat=True).first()
        if company_id is None:
            return []
        _lock_company(company_id)
        document = Document.objects.only(*FACT_COLUMNS).get(pk=document_id)
        mine = Q(first_id=document.pk) | Q(second_id=document.pk)
        existing = {p.other(document.pk): p for p in DuplicatePair.objects.filter(mine)}
        found: dict[int, tuple[list[str], int | None]] = {}
        if document.status not in NOT_READ:
            facts = Facts.of(document)
            for other in _candidates(document):
                reasons, distance = match_reasons(facts, Facts.of(other))
                if reasons and len(found) < CANDIDATE_LIMIT:
                    found[other.pk] = (reasons, distance)
        for other_id, pair in existing.items():
            if other_id not in found and pair.dismissed_at is None:
                pair.delete()
        open_pairs = []
        for other_id, (reasons, distance) in sorted(found.items()):
            pair = existing.get(other_id)
            if pair is None:
                pair = DuplicatePair.objects.create(
                    company_id=company_id,
                    first_id=min(document.pk, other_id),
                    second_id=max(document.pk, other_id),
                    reasons=reasons,
                    distance=distance,
                )
                _flagged(pair, reasons)
            elif pair.dismissed_at is None and (pair.reasons, pair.distance) != (reasons, distance):
                pair.reasons, pair.distance = reasons, distance
                pair.save(update_fields=["reasons", "distance"])
            if pair.dismissed_at is None:
                open_pairs.append(pair)
        return open_pairs


def _flagged(pair: DuplicatePair, reasons: list[str]) -> None:
    """The audit row on both documents: each one's history says what it may be a copy of, and why."""
    for this, other in ((pair.second_id, pair.first_id), (pair.first_id, pair.second_id)):
        target = Document(pk=this, company_id=pair.company_id)
        audit_record(
            target=target,
            verb="flag_duplicate",
            actor_label="duplicates",
            message=f"Possible duplicate of document #{other}: {reason_text(reasons)}",
            data={"other": other, "reasons": reasons, "distance": pair.distance},
        )


def duplicates_check_on_commit(*, document: Document) -> None:
    """After a correction that may make or break a match: check again once it is committed."""
    document_id = document.pk
    transaction.on_commit(lambda: _check_quietly(document_id))


def _check_quietly(document_id: int) -> None:
    try:
        duplicates_check(document_id=document_id)
    except Exception:  # the correction is saved; the next check (or extraction) tries again
        log.exception("Duplicate check of document %s failed", document_id)


def duplicate_dismiss(*, document: Document, other_id: int, actor) -> DuplicatePair:
    """A person decides that `document` and `other_id` are two documents, not one: the pair stays, marked
    dismissed (so no later check raises it again), with an audit row on both documents."""
    first, second = sorted((document.pk, int(other_id)))
    with transaction.atomic():
        _lock_company(document.company_id)
        pair = (
            DuplicatePair.objects.select_for_update()
            .filter(company_id=document.company_id, first_id=first, second_id=second)
            .first()
        )
        if pair is None or pair.dismissed_at is not None:
            raise ValidationFailed("These two documents are not flagged as possible duplicates.")
        pair.dismissed_at = timezone.now()
        pair.dismissed_by = actor if getattr(actor, "is_authenticated", False) else None
        pair.save(update_fields=["dismissed_at", "dismissed_by"])
        # An exact copy was linked at intake; "not a duplicate" unlinks it too.
        Document.objects.filter(pk=second, duplicate_of_id=first).update(duplicate_of=None)
        Document.objects.filter(pk=first, duplicate_of_id=second).update(duplicate_of=None)
        for this, other in ((document.pk, pair.other(document.pk)), (pair.other(document.pk), document.pk)):
            audit_record(
                target=Document(pk=this, company_id=document.company_id),
                verb="not_duplicate",
                actor=actor,
                message=f"Not a duplicate of document #{other} (flagged for {reason_text(pair.reasons)})",
                data={"other": other, "reasons": pair.reasons},
            )
    return pair


def duplicates_backfill(*, batch: int = 200) -> int:
    """Hash the read documents that have none yet (read before hashing existed) and check each; returns
    how many were hashed. Reads each original outside any transaction; safe to run again."""
    done = 0
    pending = (
        Document.objects.filter(image_hash__isnull=True)
        .exclude(status__in=NOT_READ)
        .filter(Q(content_type="application/pdf") | Q(content_type__startswith="image/"))
        .order_by("id")
    )
    last_id = 0
    while True:
        rows = list(pending.filter(id__gt=last_id).only("id", "original", "content_type")[:batch])
        if not rows:
            return done
        for document in rows:
            last_id = document.pk
            try:
                with document.original.open("rb") as fh:
                    data = fh.read()
            except (OSError, ValueError) as exc:
                log.warning("Backfill: cannot read document %s: %s", document.pk, exc)
                continue
            value = image_hash_for(data, content_type=document.content_type)
            if value is None:
                continue
            Document.objects.filter(pk=document.pk, image_hash__isnull=True).update(image_hash=value)
            duplicates_check(document_id=document.pk)
            done += 1
