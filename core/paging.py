"""Pages of long lists that cost the same on the first page, the last and any in between.

Django's Paginator reads a page with OFFSET: the database produces (and throws away) every
row before it, joins and subqueries included, so the last of 1,000 pages is 1,000 times the
work of the first. Two ways round that, both in a fixed number of queries:

- `keyset_page()`: the page after (or before) a given row, found from that row's own sort keys
  — an index walk that stops after a page, wherever it starts. For queues worked from one end
  (the review queue): "next", "previous" and "first", no page numbers.
- `numbered_page()`: page numbers kept, the page's primary keys read first from whichever end
  is nearer (the last page is the first read backwards), then only those rows with everything
  they show. For lists whose readers jump to a page number (the public list).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet, Subquery


@dataclass
class KeysetPage:
    """One page of a keyset-paged list.

    rows: the page's records in list order. count: every row of the list (not only this page).
    next_after / previous_before: the cursor (a primary key) of the page after / before this one,
    None at an end. is_first: this is the first page.
    """

    rows: list[Any] = field(default_factory=list)
    count: int = 0
    next_after: int | None = None
    previous_before: int | None = None
    is_first: bool = True


def parse_cursor(value: str | None) -> int | None:
    """A cursor from the query string: a positive primary key, else None (the first page)."""
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value) or None


def _beyond(queryset: QuerySet[Any, Any], keys: Sequence[str], cursor: int, *, after: bool) -> Q:
    """Rows after (or before) the row `cursor` in the order `keys` (ascending field names, pk last).

    The cursor row's keys are read in the same query (subqueries on the model's whole table, so
    a row that has left the list since — a report reviewed meanwhile — still marks the place).
    """
    model = queryset.model
    values = {name: Subquery(model._base_manager.filter(pk=cursor).values(name)[:1]) for name in keys}
    lookup = "gt" if after else "lt"
    beyond, equal = Q(), {}
    for name in keys:
        beyond |= Q(**equal, **{f"{name}__{lookup}": values[name]})
        equal[name] = values[name]
    # The first key once more on its own: the index on it can start at the cursor row.
    first = keys[0]
    return Q(**{f"{first}__{lookup}e": values[first]}) & beyond


def keyset_page(
    queryset: QuerySet[Any, Any],
    *,
    keys: Sequence[str],
    size: int,
    after: int | None = None,
    before: int | None = None,
) -> KeysetPage:
    """The page of `queryset`, ordered by `keys` (ascending; the last must be "pk"), that follows
    the row `after`, or precedes the row `before`, or else the first page.

    Two queries: the page (one row more than `size`, to know whether another follows) and the
    count of the whole list.
    """
    if keys[-1] != "pk":
        raise ValueError("the last sort key must be pk, so that the order is total")
    ordered = queryset.order_by(*keys)
    if before is not None:
        backwards = ordered.filter(_beyond(queryset, keys, before, after=False)).order_by(*(f"-{k}" for k in keys))
        rows = list(backwards[: size + 1])
        has_more_before = len(rows) > size
        rows = rows[:size][::-1]
        page = KeysetPage(rows=rows, is_first=not has_more_before)
        page.previous_before = rows[0].pk if has_more_before and rows else None
        # The row `before` came after this page: there is a next page as long as it is still listed,
        # and when it is not, whatever followed it is.
        page.next_after = rows[-1].pk if rows else None
        if not rows:
            # Nothing before the cursor: show the first page instead.
            return keyset_page(queryset, keys=keys, size=size)
    else:
        if after is not None:
            ordered = ordered.filter(_beyond(queryset, keys, after, after=True))
        rows = list(ordered[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        page = KeysetPage(rows=rows, is_first=after is None)
        page.next_after = rows[-1].pk if has_more else None
        page.previous_before = rows[0].pk if after is not None and rows else None
    page.count = queryset.order_by().count()
    return page


def numbered_page(queryset: QuerySet[Any, Any], number: Any, per_page: int) -> Page:
    """Page `number` of `queryset` (a page past the end: the last; not a number: the first).

    Three queries: the count, the page's primary keys (read backwards from the end for a page in
    the second half, so the last page costs what the first does), and those rows with everything
    the queryset selects. The rows come back in the queryset's order.
    """
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(number)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    count = paginator.count
    start = page.start_index() - 1 if count else 0
    end = min(start + per_page, count)
    if start > count - end:
        pks = list(queryset.reverse().values_list("pk", flat=True)[count - end : count - start])[::-1]
    else:
        pks = list(queryset.values_list("pk", flat=True)[start:end])
    by_pk = {record.pk: record for record in queryset.order_by().filter(pk__in=pks)}
    # A row deleted between the two queries is left out rather than failing the page.
    page.object_list = [by_pk[pk] for pk in pks if pk in by_pk]
    return page
