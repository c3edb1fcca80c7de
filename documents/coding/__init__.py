"""Review and coding of documents: corrections, coding, recording, bulk actions, deletion.

Every write to a document's extracted values or coding goes through `document_update` (`values`); every
move to "ready" through `document_record` (`recording`); `bulk` holds deletion and bulk
actions. What a document needs before recording or publishing lives in `documents.readiness`. Views and
the API only translate requests into these calls.
"""

from documents.coding.bulk import (
    BULK_ACTIONS,
    BulkResult,
    document_delete,
    document_supplier_create,
    documents_bulk,
)
from documents.coding.recording import document_record, recording_required_for
from documents.coding.values import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    DELETABLE_STATUSES,
    EDITABLE_FIELDS,
    HEADER_CODING,
    LINE_CODING,
    LINE_VALUES,
    LOCKED_STATUSES,
    RECORDABLE_STATUSES,
    TEXT_FIELDS,
    TEXT_LIMITS,
    USER_SOURCE,
    check_version,
    clean_date,
    document_update,
)
from documents.readiness import (
    TOLERANCE,
    line_label,
    line_problem,
    line_problems,
    missing_coding,
    recording_problems,
    totals_problem,
)

__all__ = [
    "AMOUNT_FIELDS",
    "BULK_ACTIONS",
    "DATE_FIELDS",
    "DELETABLE_STATUSES",
    "EDITABLE_FIELDS",
    "HEADER_CODING",
    "LINE_CODING",
    "LINE_VALUES",
    "LOCKED_STATUSES",
    "RECORDABLE_STATUSES",
    "TEXT_FIELDS",
    "TEXT_LIMITS",
    "TOLERANCE",
    "USER_SOURCE",
    "BulkResult",
    "check_version",
    "clean_date",
    "document_delete",
    "document_record",
    "document_supplier_create",
    "document_update",
    "documents_bulk",
    "line_label",
    "line_problem",
    "line_problems",
    "missing_coding",
    "recording_problems",
    "recording_required_for",
    "totals_problem",
]
