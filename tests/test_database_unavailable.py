"""While the database cannot be reached, pages answer 503 with a page that needs no database;
the next request after it is back works again without a restart.

The outage here is real: the connection is closed and pointed at a port where no PostgreSQL
listens, so Django's own connect fails exactly as it does while PostgreSQL restarts (the
fault test in loadtest/faults.py restarts a real PostgreSQL under load). SQLite has no
server to lose — and closing its in-memory test database would drop it — so these run on
PostgreSQL.
"""

import pytest
from django.db import connection
from django.urls import path, reverse

needs_a_server = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to lose")


@pytest.fixture
def client(client):
    # The test client re-raises a view's exception by default; a browser gets the response.
    client.raise_request_exception = False
    return client


@pytest.fixture
def logged_in(client, admin_user):
    client.force_login(admin_user)  # before the outage: logging in needs the database
    return client


@pytest.fixture
def outage(transactional_db, logged_in):
    """Takes the database away; call the returned function to bring it back."""
    port = connection.settings_dict["PORT"]

    def back():
        connection.close()
        connection.settings_dict["PORT"] = port

    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    yield back
    back()


@needs_a_server
def test_pages_answer_503_while_the_database_is_down(logged_in, outage):
    response = logged_in.get(reverse("tasks:task_list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "数据库暂时无法连接" in page
    assert "Traceback" not in page


@needs_a_server
def test_a_post_answers_503_too(client, outage):
    response = client.post(reverse("login"), {"username": "zhang", "password": "x"})

    assert response.status_code == 503


@needs_a_server
def test_pages_work_again_once_it_is_back(logged_in, outage):
    assert logged_in.get(reverse("tasks:task_list")).status_code == 503

    outage()

    assert logged_in.get(reverse("tasks:task_list")).status_code == 200


def broken(request):
    raise ValueError("a bug in a view")


urlpatterns = [path("broken/", broken)]


def test_other_errors_stay_500(client, db, settings):
    # Only an unreachable database is a 503: a bug in a view is still a server error.
    settings.ROOT_URLCONF = __name__

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "数据库暂时无法连接" not in response.content.decode()
