from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from core.generic import ObjectListView

from . import selectors
from .tables import DecisionTable


class DecisionListView(ObjectListView):
    queryset = selectors.decisions()
    table = DecisionTable
    title = _("表彰决定")


class DecisionDetailView(DetailView):
    """A decision, its source document and its lists side by side."""

    template_name = "commendations/decision_detail.html"
    context_object_name = "decision"

    def get_queryset(self):
        return selectors.decisions_with_approvals()

    def get_context_data(self, **kwargs):
        return super().get_context_data(honour_lists=selectors.honour_lists(self.object), **kwargs)


class EnterpriseDetailView(DetailView):
    """An enterprise: its short names, honours and the meeting records that mention it."""

    template_name = "commendations/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_queryset(self):
        return selectors.enterprises_with_records()
