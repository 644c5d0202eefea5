"""Reads for the commendation pages: decisions with their lists, enterprises with their honours.

`meetings` builds on this app, so nothing here imports from it: an enterprise's meeting
mentions and the agenda items that approved a decision are reached through reverse
relations (`enterprise.mentions`, `document.approving_agenda_items`).
"""

from collections import defaultdict

from django.db.models import Count, Prefetch

from tasks.models import Document

from .models import Decision, Enterprise, Honour, HonourList


def _model_behind(model, relation):
    """The model at the other end of a reverse relation that `meetings` declares.

    `meetings` imports this app, so importing it back here would make a cycle.
    """
    return model._meta.get_field(relation).related_model


def decisions():
    """Decisions with their document and how many lists each has, newest year first."""
    return (
        Decision.objects.select_related("document")
        .annotate(list_count=Count("lists"))
        .order_by("-year", "-document__issued_on", "pk")
    )


def decisions_with_approvals():
    """Decisions with their document and the meeting agenda items that approved it."""
    agenda_item_model = _model_behind(Document, "approving_agenda_items")
    return Decision.objects.select_related("document").prefetch_related(
        Prefetch(
            "document__approving_agenda_items",
            queryset=agenda_item_model.objects.select_related("meeting").order_by("meeting__held_on", "pk"),
        )
    )


def honour_lists(decision):
    """The decision's lists in attachment order, each entry carrying `other_lists`.

    `other_lists` names the decision's other lists the same enterprise is on, so the page
    can mark an enterprise that is, say, both an industrial and a taxpaying top-10.
    """
    lists = list(
        HonourList.objects.filter(decision=decision)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("entries", queryset=Honour.objects.select_related("enterprise").order_by("rank", "pk"))
        )
    )
    lists_by_enterprise = defaultdict(list)
    for honour_list in lists:
        for entry in honour_list.entries.all():
            lists_by_enterprise[entry.enterprise_id].append(honour_list)
    for honour_list in lists:
        for entry in honour_list.entries.all():
            entry.other_lists = [other for other in lists_by_enterprise[entry.enterprise_id] if other != honour_list]
    return lists


def enterprises_with_records():
    """Enterprises with their short names, honours and meeting mentions.

    Honours come newest decision first; mentions in meeting order (date, then agenda position).
    """
    mention_model = _model_behind(Enterprise, "mentions")
    return Enterprise.objects.prefetch_related(
        "aliases",
        Prefetch(
            "honours",
            queryset=Honour.objects.select_related("honour_list__decision__document").order_by(
                "-honour_list__decision__year", "honour_list__position", "rank", "pk"
            ),
        ),
        Prefetch(
            "mentions",
            queryset=mention_model.objects.select_related("agenda_item__meeting").order_by(
                "agenda_item__meeting__held_on", "agenda_item__meeting__number", "agenda_item__position", "pk"
            ),
        ),
    )
