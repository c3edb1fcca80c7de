from django.contrib import admin

from inbound.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "recipient", "sender", "subject", "status", "company", "attachment_count")
    list_filter = ("status", "company")
    search_fields = ("recipient", "sender", "subject", "token")
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
