"""Operator admin on the public host (the full console comes with the billing issue)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from kernel.errors import InvalidInput

from .models import Account, AccountStatus, AccountTemplate, Domain
from .services import close_account


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("domain", "is_primary")


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "status", "language", "time_zone", "created_at", "ready_at")
    list_filter = ("kind", "status", "language")
    search_fields = ("name", "slug", "domains__domain")
    readonly_fields = ("schema_name", "created_at", "ready_at", "closed_at")
    inlines = [DomainInline]
    actions = ["close_selected"]

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are closed (and dropped after retention), never deleted by hand

    @admin.action(description=_("Close selected accounts (data kept for the retention period)"))
    def close_selected(self, request, queryset):
        for account in queryset.exclude(status=AccountStatus.CLOSED):
            try:
                close_account(account=account, reason=f"closed by operator {request.user.email}")
            except InvalidInput as exc:
                self.message_user(request, f"{account.slug}: {exc.fields}", level=messages.ERROR)


@admin.register(AccountTemplate)
class AccountTemplateAdmin(admin.ModelAdmin):
    list_display = ("fingerprint", "created_at")
    readonly_fields = ("fingerprint", "ddl", "seeded_tables", "created_at")
