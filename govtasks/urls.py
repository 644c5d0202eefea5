from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from tasks import views as task_views

from .search import search

urlpatterns = [
    path("", task_views.dashboard, name="dashboard"),
    path("search/", search, name="search"),
    path("", include("tasks.urls")),
    path("commendations/", include("commendations.urls")),
    path("meetings/", include("meetings.urls")),
    path("chasing/", include("chasing.urls")),
    path("notices/", include("notices.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The login page offers the language switch, so switching must work before logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
