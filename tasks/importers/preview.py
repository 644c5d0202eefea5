"""What a dry run tells the administrator about the unit names a file uses, before anything is written.

Read-only. A name the database knows (as a unit or an alias) is "已有"; any other will
be created ("将新建"), and when it looks like an abbreviation of a unit the database
has (区市场局 ~ 区市场监督管理局) that unit is offered beside it — the import itself
reports the guess it makes, so nothing is merged silently.
"""

from django.utils.translation import gettext as _

from ..models import Unit, UnitAlias
from .unit_names import is_abbreviation


def unit_spellings_preview(names: list[str]) -> list[tuple[str, bool, str]]:
    """[(name, is new, status)] in first-seen order; status is 已有, 将新建, or 将新建 with a close match offered."""
    names = list(dict.fromkeys(names))
    known = set(Unit.objects.filter(name__in=names).values_list("name", flat=True))
    known |= set(UnitAlias.objects.filter(name__in=names).values_list("name", flat=True))
    unknown = [name for name in names if name not in known]
    existing = list(Unit.objects.values_list("name", flat=True)) if unknown else []
    preview = []
    for name in names:
        if name in known:
            preview.append((name, False, _("已有")))
            continue
        close = [other for other in existing if is_abbreviation(name, other) or is_abbreviation(other, name)]
        if close:
            status = _("将新建，接近已有单位“%(units)s”，请核对是否同一单位") % {"units": "”“".join(close[:3])}
        else:
            status = _("将新建")
        preview.append((name, True, status))
    return preview
