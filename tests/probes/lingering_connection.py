"""Not collected by the suite (no test_ prefix): tests/test_test_database.py runs it in a pytest of
its own. Its one test leaves a second connection to the test database open, as a forgotten cursor
or a live server's thread would, so that the run's teardown has to deal with it."""

import psycopg2
from django.db import connection

KEPT_OPEN = []


def test_leaves_a_connection_to_the_test_database_open(db):
    connection.ensure_connection()
    KEPT_OPEN.append(psycopg2.connect(**connection.get_connection_params()))

    assert KEPT_OPEN[0].closed == 0
