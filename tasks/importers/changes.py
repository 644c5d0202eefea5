"""Write rows by natural key and count what changed, so a second import changes nothing.

Every loader writes through one `Changes`: a row is created when its key is new, updated
(only the fields that differ) when its values changed, and left alone otherwise — the
same rows keep the same ids. The counts are what `import_documents` (and its dry run) print.
"""

from collections import Counter, defaultdict

LOOK_UP = object()  # upsert() finds the existing row itself


class Changes:
    def __init__(self):
        self.counts = defaultdict(Counter)

    def upsert(self, model, lookup, values, existing=LOOK_UP):
        """Create or update the row of `model` matching `lookup`; returns it.

        A caller that loaded the rows beforehand (one query instead of one per row)
        passes the matching row, or None, as `existing`.
        """
        label = model._meta.verbose_name
        instance = model.objects.filter(**lookup).first() if existing is LOOK_UP else existing
        if instance is None:
            self.counts[label]["created"] += 1
            return model.objects.create(**lookup, **values)
        changed = [name for name, value in values.items() if _current(instance, name) != _comparable(value)]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            instance.save(update_fields=changed)
            self.counts[label]["updated"] += 1
        else:
            self.counts[label]["unchanged"] += 1
        return instance

    def delete(self, queryset):
        """Delete rows the source no longer has (PROTECT relations stop this with an error)."""
        _, per_model = queryset.delete()
        for label, count in per_model.items():
            if count:
                model = queryset.model._meta.apps.get_model(label)
                self.counts[model._meta.verbose_name]["deleted"] += count

    def note(self, model, what, count=1):
        self.counts[model._meta.verbose_name][what] += count

    @property
    def changed(self):
        return any(counter[key] for counter in self.counts.values() for key in ("created", "updated", "deleted"))

    def lines(self):
        """One line per model, e.g. "任务：新增 84，修改 0，未变 0，删除 0"."""
        words = [("created", "新增"), ("updated", "修改"), ("unchanged", "未变"), ("deleted", "删除")]
        return [
            f"{label}：" + "，".join(f"{word} {counter[key]}" for key, word in words)
            for label, counter in sorted(self.counts.items(), key=lambda item: str(item[0]))
        ]


def _current(instance, name):
    """A field's stored value; for a foreign key its id, so comparing loads nothing."""
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)


def _comparable(value):
    return value.pk if hasattr(value, "_meta") else value
