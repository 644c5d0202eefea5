from django.contrib import admin

from .models import Document, ProgressReport, Section, Subsection, Task, TaskUnit, Unit, UnitAlias


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

    @admin.display(description="任务")
    def short_text(self, obj):
        return obj.text[:60]


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


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "period", "percent", "claims_complete", "state", "reviewed_at"]
    list_filter = ["state", "period"]
    raw_id_fields = ["task"]
