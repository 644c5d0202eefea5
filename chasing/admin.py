"""The office changes the 考核 weights here: a rule in force is read-only, a new rule starts on a later day."""

from django.contrib import admin
from django.utils import timezone

from .models import ScoreRule, SupervisionOrder


@admin.register(ScoreRule)
class ScoreRuleAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "base", "report_points", "closed_late", "overdue", "returned", "unanswered")

    def has_change_permission(self, request, obj=None):
        # Past periods keep the rule they were scored with: a rule already in force is not edited.
        if obj is not None and obj.valid_from <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.valid_from <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(admin.ModelAdmin):
    """Read-only: orders are issued by the sweep and answered by the units."""

    list_display = ("__str__", "unit", "issued_on", "reply_due_on", "needs_phone", "acknowledged_at", "replied_at")
    list_filter = ("year", "needs_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
