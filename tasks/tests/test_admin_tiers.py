"""The two administrator tiers through the admin itself (test client): a 管理员 who is not a
superuser cannot make anyone a superuser, cannot touch a superuser's password, groups or
account, cannot join or hand out a group with more rights, and cannot give their own group
permissions they lack. The fields they may not change are shown read-only.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission

from tasks import roles
from tasks.tests.factories import PASSWORD, make_user


class FormValues(HTMLParser):
    """What a browser would post from the page's main form: inputs, checked boxes, selected options."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_values(response):
    parser = FormValues()
    parser.feed(response.content.decode())
    return parser.values


@pytest.fixture
def people(db):
    groups = roles.ensure_roles()
    root = make_user("root", email="root@example.org", is_staff=True, is_superuser=True)
    clerk = make_user("clerk", is_staff=True)
    clerk.groups.add(groups[roles.ADMINISTRATORS])
    wang = make_user("wang")
    # A group with a right the administrators do not hold (here: the login-throttle records).
    auditors = Group.objects.create(name="审计")
    auditors.permissions.add(Permission.objects.get(codename="delete_accessattempt"))
    return {
        "root": root,
        "clerk": clerk,
        "wang": wang,
        "auditors": auditors,
        "administrators": groups[roles.ADMINISTRATORS],
    }


@pytest.fixture
def clerk_client(client, people):
    client.force_login(people["clerk"])
    return client


def change_url(user):
    return f"/admin/auth/user/{user.pk}/change/"


def test_is_superuser_is_read_only_to_a_non_superuser(clerk_client, people):
    page = clerk_client.get(change_url(people["clerk"]))

    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="is_staff"' in page.content.decode()


def test_ticking_is_superuser_on_oneself_changes_nothing(clerk_client, people):
    clerk = people["clerk"]
    data = form_values(clerk_client.get(change_url(clerk)))
    data["is_superuser"] = ["on"]
    data["first_name"] = ["小张"]

    response = clerk_client.post(change_url(clerk), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.first_name == "小张"  # the form was accepted …
    assert not clerk.is_superuser  # … without the field it may not set


def test_a_superusers_password_page_is_refused(clerk_client, people):
    root = people["root"]
    url = f"/admin/auth/user/{root.pk}/password/"

    assert clerk_client.get(url).status_code == 403
    response = clerk_client.post(url, {"password1": "another-long-password", "password2": "another-long-password"})

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_a_superuser_cannot_be_changed_or_deleted(clerk_client, people):
    root = people["root"]
    page = clerk_client.get(change_url(root))

    assert page.status_code == 200  # shown, read-only
    assert 'name="groups"' not in page.content.decode()
    assert 'name="username"' not in page.content.decode()
    response = clerk_client.post(change_url(root), {"username": "root", "is_active": ""})
    assert response.status_code == 403
    assert clerk_client.post(f"/admin/auth/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_joining_a_group_with_more_rights_is_refused(clerk_client, people):
    clerk, auditors = people["clerk"], people["auditors"]
    page = clerk_client.get(change_url(clerk))
    data = form_values(page)
    offered = re.search(r'<select name="groups".*?</select>', page.content.decode(), re.DOTALL)[0]
    assert f'value="{people["administrators"].pk}"' in offered
    assert f'value="{auditors.pk}"' not in offered
    data["groups"] = [str(people["administrators"].pk), str(auditors.pk)]

    response = clerk_client.post(change_url(clerk), data)

    assert response.status_code == 200  # the form comes back with an error
    assert not clerk.groups.filter(pk=auditors.pk).exists()


def test_a_user_may_be_given_the_administrators_group_and_no_more(clerk_client, people):
    wang = people["wang"]
    data = form_values(clerk_client.get(change_url(wang)))
    data["groups"] = [str(people["administrators"].pk)]

    assert clerk_client.post(change_url(wang), data).status_code == 302
    assert list(wang.groups.all()) == [people["administrators"]]

    data["groups"] = [str(people["auditors"].pk)]
    assert clerk_client.post(change_url(wang), data).status_code == 200
    assert not wang.groups.filter(pk=people["auditors"].pk).exists()


def test_a_permission_beyond_ones_own_cannot_be_given_to_oneself(clerk_client, people):
    clerk = people["clerk"]
    data = form_values(clerk_client.get(change_url(clerk)))
    data["user_permissions"] = [str(Permission.objects.get(codename="delete_accessattempt").pk)]

    assert clerk_client.post(change_url(clerk), data).status_code == 200
    assert "axes.delete_accessattempt" not in clerk.get_all_permissions()


def test_ones_own_group_cannot_be_given_more_rights(clerk_client, people):
    administrators = people["administrators"]
    url = f"/admin/auth/group/{administrators.pk}/change/"
    held = {str(pk) for pk in administrators.permissions.values_list("pk", flat=True)}
    extra = str(Permission.objects.get(codename="delete_accessattempt").pk)

    response = clerk_client.post(url, {"name": administrators.name, "permissions": [*held, extra]})

    assert response.status_code == 200
    assert not administrators.permissions.filter(codename="delete_accessattempt").exists()


def test_a_group_with_more_rights_cannot_be_edited(clerk_client, people):
    auditors = people["auditors"]

    response = clerk_client.post(f"/admin/auth/group/{auditors.pk}/change/", {"name": "审计", "permissions": []})

    assert response.status_code == 403
    assert auditors.permissions.count() == 1


def test_a_superuser_is_not_limited(client, people):
    client.force_login(people["root"])
    wang = people["wang"]
    data = form_values(client.get(change_url(wang)))
    data["is_superuser"] = ["on"]
    data["groups"] = [str(people["auditors"].pk)]

    assert client.post(change_url(wang), data).status_code == 302
    wang.refresh_from_db()
    assert wang.is_superuser
    assert wang.groups.filter(pk=people["auditors"].pk).exists()
