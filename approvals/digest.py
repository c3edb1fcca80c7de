"""The daily digest: each approver is e-mailed, once a day, what waits for their decision, with links.

The beat task (approvals.tasks.send_daily_digests) may run more than once a day, or be retried after a
mail failure: an ApprovalDigest row per (user, day), written in the transaction that sends the mail,
makes the second run send nothing to whoever already had theirs. Nobody with nothing waiting is mailed.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals import notifications, selectors
from approvals.models import ApprovalDigest

log = logging.getLogger(__name__)


def approval_digest_send(*, user, day: date) -> int:
    """Send `user` the digest of `day` unless they had it; returns the number of items it listed."""
    waiting = selectors.waiting_for_digest(user=user)
    count = sum(len(steps) for _, steps in waiting)
    if not count or not user.email:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                ApprovalDigest.objects.create(user=user, day=day, items=count)
        except IntegrityError:
            return 0  # already sent today
        # A mail failure raises here and takes the marker with it, so a retry sends the digest.
        notifications.send_digest(user=user, waiting=waiting, day=day)
    return count


def approval_digests_send(*, day: date | None = None) -> int:
    """Every approver's digest of `day` (default: today in the site's time zone); returns mails sent."""
    day = day or timezone.localdate()
    sent = 0
    for user in selectors.digest_recipients():
        if approval_digest_send(user=user, day=day):
            sent += 1
    log.info("approvals: sent %s daily digest(s) for %s", sent, day)
    return sent
