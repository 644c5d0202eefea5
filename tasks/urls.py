from django.urls import path

from . import views
from .attachments import views as attachment_views
from .closure import views as closure_views
from .importers import views as importer_views
from .instructions import views as instruction_views
from .progress import views as progress_views
from .public import views as public_views
from .workbooks import views as workbook_views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/names/", views.unit_names, name="unit_names"),
    path("manage/notices/import/", importer_views.notice_import, name="notice_import"),
    path("fillin/", workbook_views.fillin, name="fillin"),
    path("fillin/download/", workbook_views.fillin_download, name="fillin_download"),
    # The progress workflow.
    path("tasks/<int:pk>/report/", progress_views.report_submit, name="report_submit"),
    path("tasks/<int:pk>/plan/", progress_views.plan_edit, name="plan_edit"),
    path("tasks/<int:pk>/extension/", progress_views.extension_request, name="extension_request"),
    path("tasks/<int:pk>/assign/", progress_views.assign_units, name="assign_units"),
    path("reports/<int:pk>/", progress_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/resubmit/", progress_views.report_resubmit, name="report_resubmit"),
    path("extensions/<int:pk>/", progress_views.extension_detail, name="extension_detail"),
    path("reviews/", progress_views.review_queue, name="review_queue"),
    path("reminders/", progress_views.reminders, name="reminders"),
    path("todo/", progress_views.todo, name="todo"),
    # Who answers for a task, and closing it (办结销号).
    path("tasks/<int:pk>/host/", closure_views.task_host, name="task_host"),
    path("tasks/<int:pk>/members/", closure_views.task_members, name="task_members"),
    path("tasks/<int:pk>/closure/", closure_views.closure_request, name="closure_request"),
    path("tasks/<int:pk>/reopen/", closure_views.task_reopen, name="task_reopen"),
    path("closures/<int:pk>/", closure_views.closure_detail, name="closure_detail"),
    path("attachments/<int:pk>/", attachment_views.attachment_download, name="attachment_download"),
    # Leaders' instructions (领导批示).
    path("tasks/<int:pk>/instruction/", instruction_views.instruction_write, name="instruction_write"),
    path("instructions/<int:pk>/", instruction_views.instruction_detail, name="instruction_detail"),
    # Information disclosure (信息公开): open without login when GOVTASKS_PUBLIC_DISCLOSURE is on.
    path("public/", public_views.public_task_list, name="public_task_list"),
    path("public/tasks/<int:pk>/", public_views.public_task_detail, name="public_task_detail"),
    path("tasks/<int:pk>/publication/", public_views.publication_edit, name="publication_edit"),
]
