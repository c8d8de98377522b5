from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from crm.models import ApiToken, ReportNarrative, User, UserInvitation


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("EPOCH", {"fields": ["role"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, ("EPOCH", {"fields": ["email", "role"]})]


@admin.register(UserInvitation)
class UserInvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    readonly_fields = ["token_hash", "accepted_user", "accepted_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "key_hint", "last_used_at"]


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(SimpleHistoryAdmin):
    list_display = ["year", "financial_year", "published_at"]
