from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEvent


def audit_record(
    *,
    target: models.Model,
    verb: str,
    actor=None,
    actor_label: str = "",
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        company_id=target.company_id,
        actor=actor,
        actor_label=actor_label or ("" if actor else "system"),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )
