from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices are written by the services; the admin shows what happened to their mail."""

    list_display = ["created_at", "kind", "title", "recipient", "unit", "mail", "mail_attempts", "read_at"]
    list_filter = ["kind", "mail"]
    search_fields = ["title", "recipient__username", "unit__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
