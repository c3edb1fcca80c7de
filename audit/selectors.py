from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEvent


def audit_trail_for(*, target: models.Model):
    return (
        AuditEvent.objects.for_company(target.company)
        .filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
        .select_related("actor")
    )
