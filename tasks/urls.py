from django.urls import path

from . import upload_views, views, views_public, views_workflow
from .attachments import views as attachment_views
from .closure import views as closure_views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/names/", views.unit_names, name="unit_names"),
    path("manage/notices/import/", upload_views.notice_import, name="notice_import"),
    path("fillin/", upload_views.fillin, name="fillin"),
    path("fillin/download/", upload_views.fillin_download, name="fillin_download"),
    # The progress workflow.
    path("tasks/<int:pk>/report/", views_workflow.report_submit, name="report_submit"),
    path("tasks/<int:pk>/plan/", views_workflow.plan_edit, name="plan_edit"),
    path("tasks/<int:pk>/extension/", views_workflow.extension_request, name="extension_request"),
    path("tasks/<int:pk>/assign/", views_workflow.assign_units, name="assign_units"),
    path("reports/<int:pk>/", views_workflow.report_detail, name="report_detail"),
    path("reports/<int:pk>/resubmit/", views_workflow.report_resubmit, name="report_resubmit"),
    path("extensions/<int:pk>/", views_workflow.extension_detail, name="extension_detail"),
    path("reviews/", views_workflow.review_queue, name="review_queue"),
    path("reminders/", views_workflow.reminders, name="reminders"),
    path("todo/", views_workflow.todo, name="todo"),
    # Who answers for a task, and closing it (办结销号).
    path("tasks/<int:pk>/host/", closure_views.task_host, name="task_host"),
    path("tasks/<int:pk>/closure/", closure_views.closure_request, name="closure_request"),
    path("tasks/<int:pk>/reopen/", closure_views.task_reopen, name="task_reopen"),
    path("closures/<int:pk>/", closure_views.closure_detail, name="closure_detail"),
    path("attachments/<int:pk>/", attachment_views.attachment_download, name="attachment_download"),
    # Information disclosure (信息公开): open without login when GOVTASKS_PUBLIC_DISCLOSURE is on.
    path("public/", views_public.public_task_list, name="public_task_list"),
    path("public/tasks/<int:pk>/", views_public.public_task_detail, name="public_task_detail"),
]
