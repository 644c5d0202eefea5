from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.generic import ObjectListView
from tasks.tables import MeetingOrderTable

from . import selectors
from .filtersets import MeetingFilterSet
from .tables import MeetingTable


class MeetingListView(ObjectListView):
    queryset = selectors.meetings()
    filterset = MeetingFilterSet
    table = MeetingTable
    title = _("常务会议")


class MeetingDetailView(DetailView):
    """A meeting record: its agenda grouped by kind, what it approved, whom it named, what it ordered."""

    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return selectors.meetings_with_document()

    def get_context_data(self, **kwargs):
        agenda_groups = selectors.agenda_by_kind(self.object)
        order_tasks = selectors.order_tasks(self.object)
        return super().get_context_data(
            agenda_groups=agenda_groups,
            mentioned_enterprises=selectors.mentioned_enterprises(agenda_groups),
            order_tasks=order_tasks,
            order_table=MeetingOrderTable(order_tasks, user=self.request.user),
            **kwargs,
        )
