from django.urls import path

from . import upload_views, views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("manage/notices/import/", upload_views.notice_import, name="notice_import"),
    path("fillin/", upload_views.fillin, name="fillin"),
    path("fillin/download/", upload_views.fillin_download, name="fillin_download"),
]
