from django.contrib import admin

from .models import Decision, Enterprise, EnterpriseAlias, Honour, HonourList


class EnterpriseAliasInline(admin.TabularInline):
    model = EnterpriseAlias
    extra = 1


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "aliases__name"]
    inlines = [EnterpriseAliasInline]


class HonourInline(admin.TabularInline):
    model = Honour
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(HonourList)
class HonourListAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "decision", "position"]
    inlines = [HonourInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["document", "year"]
