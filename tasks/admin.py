from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import admin_tiers
from .models import (
    Document,
    ExtensionRequest,
    LeaderPortfolio,
    ProgressReport,
    Reminder,
    Section,
    Subsection,
    Task,
    TaskEvent,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitLiaison,
    UnitPlan,
)
from .progress import services


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    filter_horizontal = ["members"]
    inlines = [UnitAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).in_office_order()

    def get_form(self, request, obj=None, **kwargs):
        request._unit_being_edited = obj  # for formfield_for_manytomany: a unit is not its own member
        return super().get_form(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            # Members are the organisations a collective stands for: never a collective, never itself.
            members = Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order()
            editing = getattr(request, "_unit_being_edited", None)
            kwargs["queryset"] = members.exclude(pk=editing.pk) if editing else members
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TaskUnitInline(admin.TabularInline):
    model = TaskUnit
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "section", "deadline", "is_livelihood", "source"]
    list_filter = ["source", "is_livelihood", "section", "deadline"]
    search_fields = ["text", "task_units__unit__name", "task_units__unit__aliases__name"]
    list_select_related = ["section"]
    inlines = [TaskUnitInline]
    readonly_fields = ["source_text", "source_line"]

    @admin.display(description=_("任务"))
    def short_text(self, obj):
        return obj.text[:60]

    def save_model(self, request, obj, form, change):
        """An administrator's edit goes on the task's timeline like every other change."""
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            services.task_edited_in_admin(
                task=obj,
                actor=request.user,
                changes=[(name, form.initial.get(name), form.cleaned_data.get(name)) for name in form.changed_data],
            )


class SubsectionInline(admin.TabularInline):
    model = Subsection
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["number", "numbering", "title", "declared_count", "document"]
    inlines = [SubsectionInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "issuer", "issued_on", "source_file"]
    list_filter = ["kind"]
    readonly_fields = ["source_file", "source_sha256", "first_line", "text"]


class WorkflowRecordAdmin(admin.ModelAdmin):
    """Workflow records are written only by services.py (with their timeline rows): read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(WorkflowRecordAdmin):
    list_display = ["task", "unit", "period", "percent", "claims_complete", "state", "reviewed_at"]
    list_filter = ["state", "period"]
    list_select_related = ["task", "unit"]


@admin.register(UnitPlan)
class UnitPlanAdmin(WorkflowRecordAdmin):
    list_display = ["task", "unit", "responsible_name", "version", "updated_at"]
    list_select_related = ["task", "unit"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(WorkflowRecordAdmin):
    list_display = [
        "task",
        "unit",
        "old_deadline",
        "new_deadline",
        "granted_deadline",
        "leader_opinion",
        "state",
        "decided_at",
    ]
    list_filter = ["state", "leader_opinion"]
    list_select_related = ["task", "unit"]


@admin.register(Reminder)
class ReminderAdmin(WorkflowRecordAdmin):
    list_display = ["unit", "period", "sent_at", "emailed_to", "email_error"]
    list_select_related = ["unit"]


@admin.register(TaskEvent)
class TaskEventAdmin(WorkflowRecordAdmin):
    list_display = ["at", "task", "kind", "unit", "actor"]
    list_filter = ["kind"]
    list_select_related = ["task", "unit", "actor"]


class UnitLiaisonInline(admin.StackedInline):
    """Creating a unit's user in the admin: add the user, then pick its unit here."""

    model = UnitLiaison
    can_delete = True
    autocomplete_fields = ["unit"]
    verbose_name = _("联络员所属单位")


class LeaderPortfolioInline(admin.StackedInline):
    """A leader's 分管单位: their extension requests wait for this leader's opinion
    (GOVTASKS_EXTENSION_LEADER_APPROVAL). A unit no leader supervises goes to every leader."""

    model = LeaderPortfolio
    can_delete = True
    filter_horizontal = ["units"]
    verbose_name = _("分管单位")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "units":
            kwargs["queryset"] = Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).in_office_order()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class GovtasksUserAdmin(UserAdmin):
    inlines = [UnitLiaisonInline, LeaderPortfolioInline]
    list_display = ["username", "first_name", "email", "roles", "liaison_unit", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["liaison__unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def roles(self, obj):
        names = [group.name for group in obj.groups.all()]
        if obj.is_superuser:
            names.insert(0, gettext("超级用户"))
        return "、".join(names)

    # The tiers (admin_tiers.py): a non-superuser sees is_superuser read-only, hands out only
    # groups and permissions within their own rights, and cannot change a superuser (nor open
    # the superuser's password page: Django's view asks has_change_permission).
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if obj is not None and not admin_tiers.may_manage_user(request.user, obj):
                fields += ["groups", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or admin_tiers.may_manage_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or admin_tiers.may_manage_user(request.user, obj))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.name == "groups":
                kwargs["queryset"] = admin_tiers.groups_within(request.user)
            elif db_field.name == "user_permissions":
                kwargs["queryset"] = admin_tiers.permissions_of(request.user).select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """A user linked to a unit here becomes a liaison: in the liaison group too."""
        super().save_related(request, form, formsets, change)
        liaison = UnitLiaison.objects.filter(user=form.instance).select_related("unit").first()
        if liaison is not None:
            services.liaison_create(user=form.instance, unit=liaison.unit)

    @admin.display(description=_("单位"))
    def liaison_unit(self, obj):
        liaison = getattr(obj, "liaison", None)
        return liaison.unit if liaison else ""


admin.site.unregister(Group)


@admin.register(Group)
class GovtasksGroupAdmin(GroupAdmin):
    """Groups, with the tiers kept (admin_tiers.py): a non-superuser grants only permissions they hold."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or admin_tiers.may_manage_group(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or admin_tiers.may_manage_group(request.user, obj))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions" and not request.user.is_superuser:
            kwargs["queryset"] = admin_tiers.permissions_of(request.user).select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
