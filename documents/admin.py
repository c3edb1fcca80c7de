from django.contrib import admin

from documents.models import Document, DocumentLine, ExpenseReport


class DocumentLineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "company",
        "type",
        "status",
        "supplier_name",
        "invoice_number",
        "total",
        "received_at",
    )
    list_filter = ("company", "type", "status")
    search_fields = ("supplier_name", "invoice_number", "filename")
    inlines = [DocumentLineInline]
    # Status moves only through documents/state.py (with its audit row), never by editing it here.
    readonly_fields = ("status",)


@admin.register(ExpenseReport)
class ExpenseReportAdmin(admin.ModelAdmin):
    list_display = ("title", "company", "employee", "status", "created_at")
    readonly_fields = ("status",)  # moves only through documents/state.py
