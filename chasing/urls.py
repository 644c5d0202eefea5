from django.urls import path

from . import views

app_name = "chasing"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/docx/", views.order_download, name="order_download"),
    path("scores/", views.score_ranking, name="score_ranking"),
    path("scores/units/<int:pk>/", views.score_unit, name="score_unit"),
]
