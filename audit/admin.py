from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "company",
        "who",
        "verb_label",
        "from_state",
        "to_state",
        "target_type",
        "target_id",
    )
    list_filter = ("company", "verb")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
