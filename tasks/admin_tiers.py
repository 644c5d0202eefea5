"""The two administrator tiers: a superuser, and the 管理员 group, which manages accounts below it.

A member of 管理员 holds the auth permissions on users and groups, which Django's admin
would let them use to climb: tick is_superuser on themselves, set a superuser's password,
join a group with more rights, or give their own group every permission. These rules keep
the tiers apart; tasks/admin.py applies them (read-only fields, narrowed choices, refused
pages). A superuser is never limited by them.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q, QuerySet


def permissions_of(user) -> QuerySet:
    """Every permission `user` holds, directly or through a group (a superuser: all of them)."""
    if user.is_superuser:
        return Permission.objects.all()
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def holds_more_than(permissions: QuerySet, editor) -> bool:
    """Whether `permissions` include one the editor does not hold."""
    if editor.is_superuser:
        return False
    return permissions.exclude(pk__in=permissions_of(editor).values("pk")).exists()


def groups_within(editor) -> QuerySet:
    """The groups the editor may hand out: those holding no permission the editor lacks."""
    groups = Group.objects.all()
    if editor.is_superuser:
        return groups
    beyond = Permission.objects.exclude(pk__in=permissions_of(editor).values("pk"))
    return groups.annotate(beyond=Count("permissions", filter=Q(permissions__in=beyond))).filter(beyond=0)


def may_manage_user(editor, user) -> bool:
    """Whether the editor may change or delete `user`: not a superuser, and no more rights than the editor."""
    if editor.is_superuser:
        return True
    if user.is_superuser:
        return False
    return not holds_more_than(permissions_of(user), editor)


def may_manage_group(editor, group) -> bool:
    """Whether the editor may change or delete `group`: it holds nothing the editor lacks."""
    return editor.is_superuser or not holds_more_than(group.permissions.all(), editor)
