"""Every verb of the audit trail, with the words a history shows for it.

Stored values never change (rows written years ago keep their meaning); the labels may. Document
status moves use the event names of documents/state.py, so those are verbs here too.
tests/audit/test_verbs.py fails when code records a verb that is not listed here.
"""

from django.db import models


class AuditVerb(models.TextChoices):
    # Intake and extraction
    RECEIVE = "receive", "Received"
    FLAG_DUPLICATE = "flag_duplicate", "Flagged as a possible duplicate"
    NOT_DUPLICATE = "not_duplicate", "Decided: not a duplicate"
    PREVIEWS = "previews", "Page previews made"
    PREVIEW_FAILED = "preview_failed", "Page previews failed"
    START_EXTRACTION = "start_extraction", "Extraction started"
    FINISH_EXTRACTION = "finish_extraction", "Extraction finished"
    EXTRACT = "extract", "Extracted"
    EXTRACTION_FAILED = "extraction_failed", "Extraction failed"
    REQUEUE = "requeue", "Queued again"
    RESUME_EXTRACTION = "resume_extraction", "Extraction resumed"
    LEARN = "learn", "Learned from a correction"
    DELETE = "delete", "Deleted"
    ATTACHMENT_ADDED = "attachment.added", "Attachment added"
    # Review and coding
    CORRECTED = "corrected", "Fields corrected"
    CODED = "coded", "Coding changed"
    RULE_APPLIED = "rule_applied", "Coding rule applied"
    AUTO_RECORD_SKIPPED = "auto_record_skipped", "Automatic recording skipped"
    RECORD = "record", "Recorded"
    SUBMIT = "submit", "Marked ready"
    REOPEN = "reopen", "Reopened"
    CONTACT_CREATED = "contact_created", "Supplier created"
    # Approval
    SEND_TO_APPROVAL = "send_to_approval", "Sent to approval"
    APPROVAL_APPROVED = "approval_approved", "Approval step approved"
    APPROVAL_REJECTED = "approval_rejected", "Approval step rejected"
    APPROVAL_FORWARDED = "approval_forwarded", "Approval step forwarded"
    APPROVAL_RESTARTED = "approval_restarted", "Approval restarted"
    APPROVAL_EMAIL_LINK = "approval_email_link", "Decided from an e-mail link"
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Rejected"
    # Expense reports
    EXPENSE_REPORT_CREATED = "expense_report_created", "Expense report created"
    EXPENSE_REPORT_CHANGED = "expense_report_changed", "Expense report changed"
    ADDED_TO_EXPENSE_REPORT = "added_to_expense_report", "Added to an expense report"
    REMOVED_FROM_EXPENSE_REPORT = "removed_from_expense_report", "Removed from an expense report"
    WAIT = "wait", "Waiting for receipts"
    CONFIRM = "confirm", "Report confirmed"
    WITHDRAW = "withdraw", "Report withdrawn"
    # Publishing
    QUEUE_PUBLISH = "queue_publish", "Queued for publishing"
    START_PUBLISH = "start_publish", "Publishing started"
    FINISH_PUBLISH = "finish_publish", "Published to Scoro"
    FAIL_PUBLISH = "fail_publish", "Publishing failed"
    PUBLISH_WAITING = "publish.waiting", "Publishing waits for Scoro"
    PUBLISH_WARNING = "publish.warning", "Published with a warning"
    PUBLISH_MISMATCH = "publish.mismatch", "Scoro's totals differ"
    PUBLISH_DRIFT = "publish.drift", "Changed in Scoro since publishing"
    PUBLISH_ADOPTED = "publish.adopted", "Found already in Scoro"
    # Rules and approval workflows
    RULE_CREATED = "rule_created", "Rule created"
    RULE_CHANGED = "rule_changed", "Rule changed"
    RULE_DELETED = "rule_deleted", "Rule deleted"
    WORKFLOW_CREATED = "workflow_created", "Approval workflow created"
    WORKFLOW_UPDATED = "workflow_updated", "Approval workflow changed"
    WORKFLOW_DELETED = "workflow_deleted", "Approval workflow deleted"
    # Company, members, Scoro connection and background data
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    ROTATE_INBOUND_ADDRESS = "rotate_inbound_address", "Forwarding address changed"
    SET_INBOUND_SENDERS = "set_inbound_senders", "Allowed senders changed"
    SET_SENDER_PROJECT = "set_sender_project", "Sender's default project set"
    DELETE_SENDER_PROJECT = "delete_sender_project", "Sender's default project removed"
    SET_INBOUND_SETTINGS = "set_inbound_settings", "Inbound e-mail settings changed"
    SCORO_CONNECTED = "scoro.connected", "Connected to Scoro"
    SCORO_ACTIVATED = "scoro.activated", "Scoro connection activated"
    SCORO_SITE_CHANGED = "scoro.site_changed", "Connected to another Scoro site (its ids forgotten)"
    SCORO_DEACTIVATED = "scoro.deactivated", "Scoro connection deactivated"
    SCORO_SETTINGS_CHANGED = "scoro.settings_changed", "Scoro settings changed"
    SCORO_SYNC_STARTED = "scoro.sync_started", "Sync with Scoro started"
    DIMENSION_GROUP_CHANGED = "dimension_group.changed", "Dimension group changed"
    CONTACT_CREATED_IN_SCORO = "contact.created_in_scoro", "Contact created in Scoro"
    CONTACT_LINKED_IN_SCORO = "contact.linked_in_scoro", "Contact linked to Scoro"
    CONTACT_UPDATED_IN_SCORO = "contact.updated_in_scoro", "Contact updated in Scoro"
    CONTACT_PUSH_FAILED = "contact.push_failed", "Contact could not be sent to Scoro"
    CONTACT_CONFLICT = "contact.conflict", "Contact changed on both sides"
    CONTACT_CONFLICT_RESOLVED = "contact.conflict_resolved", "Contact conflict resolved"
    # Suppliers' bank accounts (four eyes on a change)
    BANK_ACCOUNT_FIRST = "bank_account.first", "First bank account recorded for the supplier"
    BANK_ACCOUNT_NEW = "bank_account.new", "New bank account waits for a second admin"
    CONFIRM_BANK_ACCOUNT = "confirm_bank_account", "New bank account confirmed"
    REJECT_BANK_ACCOUNT = "reject_bank_account", "New bank account rejected"
    # Moves of the smaller state machines (approvals/state.py, publishing/state.py, scoro_sync/state.py,
    # inbound/state.py): the verb is the machine's prefix and the event. Recorded on the request, step,
    # attempt, run or message itself, so a document's history is not crowded by them.
    APPROVAL_REQUEST_APPROVE = "approval_request.approve", "Approval request approved"
    APPROVAL_REQUEST_REJECT = "approval_request.reject", "Approval request rejected"
    APPROVAL_REQUEST_CANCEL = "approval_request.cancel", "Approval request cancelled"
    APPROVAL_REQUEST_RESTART = "approval_request.restart", "Approval request restarted after an edit"
    APPROVAL_STEP_ACTIVATE = "approval_step.activate", "Approval step opened"
    APPROVAL_STEP_APPROVE = "approval_step.approve", "Approval step complete"
    APPROVAL_STEP_REJECT = "approval_step.reject", "Approval step closed by a rejection"
    APPROVAL_STEP_CANCEL = "approval_step.cancel", "Approval step cancelled"
    PUBLISH_ATTEMPT_WAIT = "publish_attempt.wait", "Publishing waits for missing coding"
    PUBLISH_ATTEMPT_QUEUE = "publish_attempt.queue", "Publishing attempt queued"
    PUBLISH_ATTEMPT_START = "publish_attempt.start", "Publishing attempt started"
    PUBLISH_ATTEMPT_FINISH = "publish_attempt.finish", "Publishing attempt succeeded"
    PUBLISH_ATTEMPT_FAIL = "publish_attempt.fail", "Publishing attempt failed"
    PUBLISH_ATTEMPT_RETRY_LATER = (
        "publish_attempt.retry_later",
        "Publishing attempt retries automatically later",
    )
    PUBLISH_ATTEMPT_RESUME = "publish_attempt.resume", "Publishing attempt resumed automatically"
    PUBLISH_ATTEMPT_DROP = "publish_attempt.drop", "Automatic retry dropped (the document moved on)"
    SYNC_RUN_SUCCEED = "sync_run.succeed", "Sync with Scoro finished"
    SYNC_RUN_FAIL = "sync_run.fail", "Sync with Scoro failed"
    SYNC_RUN_RERUN = "sync_run.rerun", "Sync with Scoro run again"
    INBOUND_MESSAGE_ACCEPT = "inbound_message.accept", "Forwarded e-mail accepted"


def verb_label(verb: str) -> str:
    """The words for a verb; one recorded before this list knew it still reads as words."""
    try:
        return AuditVerb(verb).label
    except ValueError:
        return verb.replace("_", " ").replace(".", " ").capitalize()
