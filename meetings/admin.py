from django.contrib import admin

from .models import AgendaItem, EnterpriseMention, Meeting, MeetingOrder


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "held_on", "part_of_day", "chair"]
    inlines = [AgendaItemInline]


@admin.register(MeetingOrder)
class MeetingOrderAdmin(admin.ModelAdmin):
    list_display = ["meeting", "task", "due_text"]


@admin.register(EnterpriseMention)
class EnterpriseMentionAdmin(admin.ModelAdmin):
    list_display = ["agenda_item", "enterprise", "name_as_written"]
