"""The four roles as Django groups, and the permissions each one holds.

`ensure_roles()` makes the groups hold exactly these permissions; it runs after every
`migrate` (apps.py) and from `manage.py setup_roles`, so a fresh database has the roles
and a changed list here reaches existing databases.

What a liaison may change is narrowed further to its own unit's tasks in permissions.py;
a permission here says which actions a role has at all.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils import translation

OFFICE = "督查室"
LIAISON = "单位联络员"
LEADER = "领导"
ADMINISTRATORS = "管理员"

# Everyone with a role reads every record of these apps.
READ_APPS = ("tasks", "meetings", "commendations", "chasing")

ROLE_PERMISSIONS = {
    OFFICE: [
        "tasks.supervise_task",
        "tasks.review_progressreport",
        "tasks.decide_extensionrequest",
        "tasks.add_reminder",
        "tasks.change_unitplan",
        "tasks.add_taskunit",
        "tasks.decide_closurerequest",
        "chasing.oversee_chasing",
    ],
    LIAISON: [
        "tasks.add_progressreport",
        "tasks.change_unitplan",
        "tasks.add_extensionrequest",
        "tasks.add_closurerequest",
        "tasks.answer_leaderinstruction",
        "chasing.answer_supervisionorder",
    ],
    # Leaders read everything (every 督办单 and the 考核 scores too) and write instructions (领导批示); where
    # the setting asks for it, a 分管领导 gives an opinion on extension requests before the office decides.
    LEADER: ["tasks.add_leaderinstruction", "tasks.endorse_extensionrequest", "chasing.oversee_chasing"],
}


def _permissions(labels):
    """Permission rows for "app_label.codename" labels; a label that names nothing is an error."""
    wanted = {tuple(label.split(".", 1)) for label in labels}
    found = list(
        Permission.objects.filter(content_type__app_label__in={app for app, _ in wanted}).select_related("content_type")
    )
    rows = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in rows}
    if missing:
        raise LookupError(f"Unknown permissions: {sorted('.'.join(m) for m in missing)}")
    return rows


# Permission names as the admin lists them. Django stores English names ("Can add 任务") when it
# creates them; the office reads Chinese, so ensure_roles names ours in Chinese.
ACTION_NAMES = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
CUSTOM_NAMES = {
    "supervise_task": "督查所有任务（督查室）",
    "review_progressreport": "采纳或退回进展报告",
    "decide_extensionrequest": "同意或不同意延期申请",
    "endorse_extensionrequest": "分管领导审核延期申请",
    "decide_closurerequest": "核查办结申请并销号",
    "answer_leaderinstruction": "答复本单位的领导批示",
    "oversee_chasing": "查看所有督办单和考核得分",
    "answer_supervisionorder": "签收并答复本单位的督办单",
}


def name_permissions_in_chinese(using="default"):
    """Give every permission a Chinese name: 可以添加任务, 督查所有任务（督查室）, 可以修改用户…

    All apps', not only ours: the admin's permission pickers list Django's and django-axes' too,
    and a list half in English is one the office cannot read (model names come from the
    catalogues, locale/zh_Hans for django-axes)."""
    for permission in Permission.objects.using(using).select_related("content_type"):
        action, _sep, _model = permission.codename.partition("_")
        model = permission.content_type.model_class()
        if permission.codename in CUSTOM_NAMES:
            name = CUSTOM_NAMES[permission.codename]
        elif action in ACTION_NAMES and model is not None:
            with translation.override("zh-hans"):
                name = f"可以{ACTION_NAMES[action]}{model._meta.verbose_name}"
        else:
            continue
        if permission.name != name:
            Permission.objects.using(using).filter(pk=permission.pk).update(name=name)


def ensure_roles(using="default"):
    """Create the groups and give each exactly its permissions; returns {group name: Group}."""
    # Permissions are created after migrations app by app; make sure all of ours exist now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    readable = Permission.objects.filter(content_type__app_label__in=READ_APPS, codename__startswith="view_")
    groups = {}
    for name, labels in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([*readable, *_permissions(labels)])
        groups[name] = group
    # Administrators manage everything in our apps and the user accounts (with is_staff for the admin site).
    administrators, _created = Group.objects.using(using).get_or_create(name=ADMINISTRATORS)
    administrators.permissions.set(
        Permission.objects.filter(content_type__app_label__in=READ_APPS)
        | Permission.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"])
    )
    groups[ADMINISTRATORS] = administrators
    name_permissions_in_chinese(using)
    return groups


def ensure_roles_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: the roles exist as soon as the database does."""
    ensure_roles(using=using)
