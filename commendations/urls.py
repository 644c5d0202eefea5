from django.urls import path

from . import views

app_name = "commendations"

urlpatterns = [
    path("", views.DecisionListView.as_view(), name="decision_list"),
    path("<int:pk>/", views.DecisionDetailView.as_view(), name="decision_detail"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
]
