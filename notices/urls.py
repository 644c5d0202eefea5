from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/read/", views.notice_read, name="notice_read"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("phone/", views.phone_list, name="phone_list"),
]
