from django.contrib import admin

from accounts.models import Company, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "company"
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "currency", "created_at")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "company", "role", "expires_at", "accepted_at")
