from django.contrib import admin

from rules.models import Rule


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "position", "is_active", "applied_count")
    list_filter = ("company", "is_active")
    raw_id_fields = (
        "supplier",
        "project",
        "finance_account",
        "tax_rate",
        "product",
        "approver",
        "created_by",
    )
