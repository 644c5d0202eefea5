"""督办单: the list (office and leaders: every unit's; a liaison: its own), the A4 page with 签收 and
the reply, the Word download; and the 考核 pages (scores.py)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tasks import permissions
from tasks.models import Unit
from tasks.workbooks.bulletin_docx import DOCX_CONTENT_TYPE
from tasks.workbooks.cells import XLSX_CONTENT_TYPE

from . import exports, scores, selectors, services
from .documents import order_docx
from .forms import OrderReplyForm
from .models import SupervisionOrder

LIST_LIMIT = 500


def visible_order(request: HttpRequest, pk: int) -> SupervisionOrder:
    """The order `pk` if the user may read it; 404 otherwise (another unit's order does not exist for it)."""
    orders = selectors.orders_visible_to(request.user).select_related("acknowledged_by", "replied_by")
    return get_object_or_404(orders, pk=pk)


@require_http_methods(["GET"])
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders the user may read, newest first; ?overdue=1: only those whose reply is overdue."""
    if (
        not permissions.may(request.user, permissions.Action.READ_ORDERS)
        and permissions.liaison_unit(request.user) is None
    ):
        raise PermissionDenied(_("只有督查室、领导和单位联络员可以查看督办单。"))
    today = timezone.localdate()
    orders = selectors.orders_visible_to(request.user).prefetch_related("tasks__document")
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        orders = orders.filter(reply_due_on__lt=today, replied_at__isnull=True)
    # The newest LIST_LIMIT: a year's orders are a few dozen; the page says when there are more.
    shown = list(orders[: LIST_LIMIT + 1])
    rows = [(order, selectors.order_status(order, today), order.reply_overdue(today)) for order in shown[:LIST_LIMIT]]
    context = {"rows": rows, "overdue_only": overdue_only, "today": today, "more": len(shown) > LIST_LIMIT}
    return render(request, "chasing/order_list.html", context)


@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The 督办单 as it prints on A4; POST action=acknowledge (签收) or a reply (落实情况), by the unit's liaison."""
    order = visible_order(request, pk)
    can_answer = services.may_answer(request.user, order)
    form = OrderReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied(_("只有%(unit)s的联络员可以签收和答复这份督办单。") % {"unit": order.unit})
        try:
            if request.POST.get("action") == "acknowledge":
                services.order_acknowledge(order=order, actor=request.user)
                messages.success(request, _("已签收%(label)s。") % {"label": order.label})
                return redirect(order.get_absolute_url())
            if request.POST.get("action") == "reply" and form.is_valid():
                services.order_answer(order=order, actor=request.user, reply=form.cleaned_data["reply"])
                messages.success(request, _("落实情况已答复。"))
                return redirect(order.get_absolute_url())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(order.get_absolute_url())
    today = timezone.localdate()
    context = {
        "order": order,
        "items": selectors.order_items(order),
        "status": selectors.order_status(order, today),
        "overdue": order.reply_overdue(today),
        "can_answer": can_answer,
        "form": form,
        "office_name": settings.GOVTASKS_OFFICE_NAME,
    }
    return render(request, "chasing/order_detail.html", context)


@require_http_methods(["GET"])
def order_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The order as a Word document."""
    order = visible_order(request, pk)
    content = order_docx(order, selectors.order_items(order))
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    filename = f"{order.label}（{order.unit.name}）.docx"
    response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
    return response


def scoring_year(request: HttpRequest) -> int:
    """?year=YYYY (default this year); anything else is this year, with a message."""
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    if value.isdigit() and len(value) == 4 and 2000 <= int(value) <= this_year:
        return int(value)
    if value:
        messages.warning(request, _("年度“%(value)s”无效，显示%(year)s年。") % {"value": value[:20], "year": this_year})
    return this_year


@require_http_methods(["GET"])
def score_ranking(request: HttpRequest) -> HttpResponse:
    """The units ranked by their 考核 score for ?year=; ?export=xlsx downloads the same table."""
    if not permissions.may(request.user, permissions.Action.VIEW_SCORES):
        raise PermissionDenied(_("只有督查室和领导可以查看考核得分。"))
    year = scoring_year(request)
    scoring = scores.score_units(year)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exports.scores_xlsx(scoring), content_type=XLSX_CONTENT_TYPE)
        filename = _("%(year)s年度单位考核得分.xlsx") % {"year": year}
        response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
        return response
    return render(request, "chasing/score_ranking.html", {"scoring": scoring, "year": year})


@require_http_methods(["GET"])
def score_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's score for ?year=, with every record behind a lost point."""
    if not permissions.may(request.user, permissions.Action.VIEW_SCORES):
        raise PermissionDenied(_("只有督查室和领导可以查看考核得分。"))
    unit = get_object_or_404(Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE), pk=pk)
    year = scoring_year(request)
    scoring = scores.score_units(year, units=[unit])
    return render(request, "chasing/score_unit.html", {"scoring": scoring, "score": scoring.units[0], "year": year})
