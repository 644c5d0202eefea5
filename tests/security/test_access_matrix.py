"""Who may open what: every URL pattern of the project, GET and POST, as every role.

The walk comes from the resolver (urlwalk.py), so a new page is in it automatically. RULES
below is the decision for each page; a page without one fails the test, so nobody adds a page
without deciding who may see it. Outcomes are the status code, or "login" for a redirect to a
login page (the site's or the admin's) and "redirect" for any other redirect.

What permissions.py says, as a table: every logged-in user reads every task, report, plan and
document (the notice and its progress are open inside the government); only the liaison of a
unit that has the task reports, plans and asks for extensions; only the office (and the
superuser) reviews, decides, reminds and assigns; only staff enters the admin.
"""

from urllib.parse import unquote, urlencode

import pytest
from django.test import Client, RequestFactory

from tasks.tests.factories import build_world
from tests.security.urlwalk import admin_model_action, fill, walk

ROLES = ("anonymous", "admin", "office", "leader", "liaison", "other_liaison")
LOGIN = "login"
REDIRECT = "redirect"


def row(*, anonymous=LOGIN, admin=200, office=200, leader=200, liaison=200, other_liaison=200):
    return {
        "anonymous": anonymous,
        "admin": admin,
        "office": office,
        "leader": leader,
        "liaison": liaison,
        "other_liaison": other_liaison,
    }


def same(outcome, anonymous=LOGIN):
    """Every logged-in role gets `outcome`."""
    return row(
        anonymous=anonymous, admin=outcome, office=outcome, leader=outcome, liaison=outcome, other_liaison=outcome
    )


READ = row()
# Class-based read-only pages answer POST with 405; function views render the page again.
READ_GET_ONLY = {"GET": READ, "POST": same(405)}
READ_ANY_METHOD = {"GET": READ, "POST": READ}
OFFICE = row(leader=403, liaison=403, other_liaison=403)
# The liaison of the unit that has the task; the superuser is no unit's liaison.
TASK_UNIT_LIAISON = row(admin=403, office=403, leader=403, other_liaison=403)
ANY_LIAISON = row(admin=403, office=403, leader=403)
# Reading a record is open; acting on it (POST) is the office's.
READ_OFFICE_ACTS = {"GET": READ, "POST": OFFICE}
STAFF = row(office=LOGIN, leader=LOGIN, liaison=LOGIN, other_liaison=LOGIN)

RULES = {
    "dashboard": READ_ANY_METHOD,
    "search": {"GET": same(REDIRECT), "POST": same(REDIRECT)},
    "tasks:task_list": READ_GET_ONLY,
    "tasks:task_list?export=xlsx": READ_GET_ONLY,
    "tasks:task_detail": READ_ANY_METHOD,
    "tasks:document_detail": READ_ANY_METHOD,
    "tasks:unit_list": READ_GET_ONLY,
    "tasks:unit_list?export=xlsx": READ_GET_ONLY,
    "tasks:unit_detail": READ_ANY_METHOD,
    "tasks:unit_names": READ_GET_ONLY,
    "commendations:decision_list": READ_GET_ONLY,
    "commendations:decision_detail": READ_GET_ONLY,
    "commendations:enterprise_detail": READ_GET_ONLY,
    "meetings:meeting_list": READ_GET_ONLY,
    "meetings:meeting_list?export=xlsx": READ_GET_ONLY,
    "meetings:meeting_detail": READ_GET_ONLY,
    "commendations:decision_list?export=xlsx": READ_GET_ONLY,
    # Uploads and downloads.
    "tasks:notice_import": {"GET": STAFF, "POST": STAFF},
    # The sheet page: the office downloads any unit's sheet, a liaison its own and uploads it back.
    "tasks:fillin": {"GET": row(leader=403), "POST": row(admin=403, office=403, leader=403)},
    # ?unit= names the task's unit: the office gets it, a liaison always gets its own unit's sheet.
    "tasks:fillin_download": {"GET": row(leader=403), "POST": row(leader=403)},
    # The workflow.
    "tasks:report_submit": {"GET": TASK_UNIT_LIAISON, "POST": TASK_UNIT_LIAISON},
    # ?unit= names the task's unit: its liaison and the office may edit that unit's plan.
    "tasks:plan_edit": {"GET": row(leader=403, other_liaison=403), "POST": row(leader=403, other_liaison=403)},
    "tasks:extension_request": {"GET": TASK_UNIT_LIAISON, "POST": TASK_UNIT_LIAISON},
    "tasks:assign_units": {"GET": OFFICE, "POST": OFFICE},
    "tasks:report_detail": READ_OFFICE_ACTS,
    "tasks:report_resubmit": {"GET": TASK_UNIT_LIAISON, "POST": TASK_UNIT_LIAISON},
    "tasks:extension_detail": READ_OFFICE_ACTS,
    "tasks:review_queue": {"GET": OFFICE, "POST": OFFICE},
    # What waits for a 分管领导 (GOVTASKS_EXTENSION_LEADER_APPROVAL): leaders only (and the superuser).
    "tasks:leader_queue": {
        "GET": row(office=403, liaison=403, other_liaison=403),
        "POST": row(office=403, liaison=403, other_liaison=403),
    },
    # Who answers for a task, and closing it: the office names the 主办 and checks, the 主办 unit's
    # liaison asks (the world's liaison is of task 1's first lead unit).
    "tasks:task_host": {"GET": OFFICE, "POST": OFFICE},
    "tasks:task_members": {"GET": OFFICE, "POST": OFFICE},
    "tasks:closure_request": {"GET": TASK_UNIT_LIAISON, "POST": TASK_UNIT_LIAISON},
    "tasks:task_reopen": {"GET": OFFICE, "POST": OFFICE},
    "tasks:closure_detail": READ_OFFICE_ACTS,
    # Evidence files: the office, leaders and the units holding the task; another unit's liaison is
    # told the file does not exist.
    "tasks:attachment_download": {"GET": row(other_liaison=404), "POST": same(405)},
    # Leaders write instructions (the superuser may too); the 主办 unit's liaison answers them.
    "tasks:instruction_write": {
        "GET": row(office=403, liaison=403, other_liaison=403),
        "POST": row(office=403, liaison=403, other_liaison=403),
    },
    "tasks:instruction_detail": {"GET": READ, "POST": TASK_UNIT_LIAISON},
    # Only the office decides what the public page says.
    "tasks:publication_edit": {"GET": OFFICE, "POST": OFFICE},
    # POST records a reminder and goes back to the list (here: no unit chosen, nothing recorded).
    "tasks:reminders": {
        "GET": OFFICE,
        "POST": row(admin=REDIRECT, office=REDIRECT, leader=403, liaison=403, other_liaison=403),
    },
    "tasks:todo": {"GET": ANY_LIAISON, "POST": ANY_LIAISON},
    # 签收: a liaison acknowledges its unit's tasks (POST: nothing ticked, told so, back to the page);
    # the office sees who has not acknowledged; leaders have nothing to do there.
    "tasks:handovers": {
        "GET": row(leader=403),
        "POST": row(leader=403, liaison=REDIRECT, other_liaison=REDIRECT),
    },
    # A background export's page and file: the user who asked only (the office here); others are told
    # it does not exist.
    "tasks:export_detail": {
        "GET": row(leader=404, liaison=404, other_liaison=404, admin=404),
        "POST": row(leader=404, liaison=404, other_liaison=404, admin=404),
    },
    "tasks:export_download": {
        "GET": row(leader=404, liaison=404, other_liaison=404, admin=404),
        "POST": row(leader=404, liaison=404, other_liaison=404, admin=404),
    },
    # Notices: everyone's own inbox; one's own notice only (another's does not exist for you).
    "notices:inbox": READ_ANY_METHOD,
    "notices:notice_detail": {
        "GET": row(admin=404, office=404, leader=404, other_liaison=404),
        "POST": row(admin=404, office=404, leader=404, other_liaison=404),
    },
    "notices:notice_read": {
        "GET": same(405),
        "POST": row(admin=404, office=404, leader=404, other_liaison=404, liaison=REDIRECT),
    },
    "notices:read_all": {"GET": same(405), "POST": same(REDIRECT)},
    # The units to phone: the office's.
    "notices:phone_list": {"GET": OFFICE, "POST": OFFICE},
    # The public disclosure pages do not exist unless GOVTASKS_PUBLIC_DISCLOSURE is on (see below).
    "tasks:public_task_list": {"GET": same(404, anonymous=404), "POST": same(404, anonymous=404)},
    "tasks:public_task_detail": {"GET": same(404, anonymous=404), "POST": same(404, anonymous=404)},
    # 督办单: the office, leaders and the unit read them (another unit's liaison is told it does not
    # exist); only the unit's liaison acknowledges and answers (an empty POST shows the page again).
    "chasing:order_list": {"GET": READ, "POST": same(405)},
    "chasing:order_detail": {
        "GET": row(other_liaison=404),
        "POST": row(admin=403, office=403, leader=403, liaison=200, other_liaison=404),
    },
    "chasing:order_download": {"GET": row(other_liaison=404), "POST": same(405)},
    # 考核 scores: the office and leaders.
    "chasing:score_ranking": {"GET": row(liaison=403, other_liaison=403), "POST": same(405)},
    "chasing:score_unit": {"GET": row(liaison=403, other_liaison=403), "POST": same(405)},
    # Accounts and language.
    "login": {"GET": same(REDIRECT, anonymous=200), "POST": same(REDIRECT, anonymous=200)},
    "logout": {"GET": same(405), "POST": same(LOGIN, anonymous=LOGIN)},
    "set_language": {"GET": same(REDIRECT, anonymous=REDIRECT), "POST": same(REDIRECT, anonymous=REDIRECT)},
    # The admin site's own pages (its pages per model follow from the ModelAdmins, see admin_rule).
    "admin:index": {"GET": STAFF, "POST": STAFF},
    "admin:app_list": {"GET": STAFF, "POST": STAFF},
    # A logged-in non-staff user sees the admin's login form with "not authorised for this page".
    "admin:login": {"GET": same(200, anonymous=200) | {"admin": REDIRECT}, "POST": same(200, anonymous=200)},
    "admin:logout": {
        "GET": row(admin=405, office=REDIRECT, leader=REDIRECT, liaison=REDIRECT, other_liaison=REDIRECT),
        "POST": row(admin=LOGIN, office=REDIRECT, leader=REDIRECT, liaison=REDIRECT, other_liaison=REDIRECT),
    },
    "admin:password_change": {"GET": STAFF, "POST": STAFF},
    "admin:password_change_done": {"GET": STAFF, "POST": STAFF | {"admin": 405}},
    # Without the query an autocomplete widget sends, the admin refuses to say anything.
    "admin:autocomplete": {"GET": STAFF | {"admin": 403}, "POST": STAFF | {"admin": 405}},
    "admin:jsi18n": {"GET": STAFF, "POST": STAFF | {"admin": 405}},
    "admin:auth_user_password_change": {"GET": STAFF, "POST": STAFF},
    "admin:view_on_site": {"GET": STAFF | {"admin": REDIRECT}, "POST": STAFF | {"admin": REDIRECT}},
    "<unnamed admin/(?P<url>.*)$>": {"GET": STAFF | {"admin": 404}, "POST": STAFF | {"admin": 404}},
}

# Query strings that make a page name a particular record of the world.
QUERIES = {
    "tasks:plan_edit": lambda world: {"unit": world.unit.pk},
    "tasks:fillin_download": lambda world: {"unit": world.unit.name, "period": "2021-09"},
}


def admin_rule(model, action, world):
    """Staff only; for the superuser what the ModelAdmin allows: 403 where it refuses the action,
    a redirect where the record does not exist, and any answer but an error to an empty POST."""
    model_admin = admin_site_registry()[model]
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    obj = model._default_manager.order_by("pk").first()
    if action == "old-style link":
        return {"GET": STAFF | {"admin": REDIRECT}, "POST": STAFF | {"admin": REDIRECT}}
    if action in ("change", "delete", "history") and obj is None:
        # Where the ModelAdmin refuses the action outright (the task queue's admin, django_tasks_db,
        # lets nobody change or delete a result), it says so before it looks for the record.
        if action == "delete" and not model_admin.has_delete_permission(request):
            return {"GET": STAFF | {"admin": 403}, "POST": STAFF | {"admin": 403}}
        if action == "change" and not model_admin.has_change_permission(request):
            return {"GET": STAFF | {"admin": REDIRECT}, "POST": STAFF | {"admin": 403}}
        return {"GET": STAFF | {"admin": REDIRECT}, "POST": STAFF | {"admin": REDIRECT}}
    allowed = {
        "changelist": model_admin.has_view_or_change_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_view_or_change_permission(request, obj),
        "delete": model_admin.has_delete_permission(request, obj),
        "history": model_admin.has_view_or_change_permission(request, obj),
    }[action]
    if action == "change":  # a view-only ModelAdmin shows the record but refuses a save
        post_allowed = model_admin.has_change_permission(request, obj)
    else:
        post_allowed = allowed
    return {
        "GET": STAFF | {"admin": 200 if allowed else 403},
        "POST": STAFF | {"admin": "any" if post_allowed else 403},
    }


def admin_site_registry():
    from django.contrib import admin  # noqa: PLC0415 — the registry is filled once the URLconf has loaded

    return admin.site._registry


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        return LOGIN if location.startswith(("/accounts/login/", "/admin/login/")) else REDIRECT
    return response.status_code


def pages(world):
    """(key, path, rule) for every URL pattern, list pages once more with ?export=xlsx."""
    for route in walk():
        path = fill(route, world)
        if route.name in QUERIES:
            path += "?" + urlencode(QUERIES[route.name](world))
        model, action = admin_model_action(route)
        rule = admin_rule(model, action, world) if model is not None else RULES.get(route.name)
        yield route.name, path, rule
        if route.is_list:
            key = f"{route.name}?export=xlsx"
            yield key, f"{path}?export=xlsx", RULES.get(key)


def client_for(role, world):
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


@pytest.fixture
def world(db):
    return build_world()


def test_every_url_has_a_rule(world):
    undecided = [f"{key} ({path})" for key, path, rule in pages(world) if rule is None]

    assert undecided == [], (
        "These URLs have no access rule: decide who may see them in tests/security/test_access_matrix.py RULES"
    )


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    client = client_for(role, world)
    wrong = []
    walked = 0
    for key, path, rule in pages(world):
        if rule is None:
            continue  # reported by test_every_url_has_a_rule
        for method in ("GET", "POST"):
            expected = rule[method][role]
            got = outcome(getattr(client, method.lower())(path))
            walked += 1
            if expected == "any" and got in (200, REDIRECT):
                continue
            if got != expected:
                wrong.append(f"{method} {path} [{key}]: expected {expected}, got {got}")
            if role == "anonymous" or (method == "POST" and key in ("logout", "admin:logout")):
                client = client_for(role, world)  # logging out ends the session for the next request
    assert walked > 250
    assert wrong == [], f"{role}: " + "\n".join(wrong)


def test_public_disclosure_is_open_to_everyone_once_switched_on(world, settings):
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True

    for role in ROLES:
        client = client_for(role, world)
        assert client.get("/public/").status_code == 200, role
        assert client.get(f"/public/tasks/{world.task.pk}/").status_code == 200, role


def test_a_liaison_asking_for_another_units_sheet_gets_its_own(world):
    client = client_for("other_liaison", world)

    response = client.get("/fillin/download/", {"unit": world.unit.name, "period": "2021-09"})

    assert response.status_code == 200
    filename = unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])
    assert filename.startswith(world.other_unit.name)


def test_another_units_liaison_cannot_edit_a_plan_through_the_unit_parameter(world):
    client = client_for("other_liaison", world)

    for unit in (world.unit, world.other_unit):
        response = client.post(f"/tasks/{world.task.pk}/plan/?unit={unit.pk}", {"version": "1", "plan": "篡改"})
        assert response.status_code == 403
    world.plan.refresh_from_db()
    assert world.plan.plan != "篡改"
