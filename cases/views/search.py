"""One search box for cases: case or decision number, debtor or creditor name, ID number — whatever the
case and diacritics typed — within the person's scope. Also the list of an officer's own open cases."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.codes import Category, Status
from cases.selectors_pages import case_search, parties_of

PAGE_SIZE = 25


def _counted_page(cases, number):
    """The page of ``cases`` with its total counted in the same query (COUNT(*) OVER ()): a name search runs
    its trigram scan once instead of twice (once for the count, once for the rows)."""
    try:
        number = max(1, int(number or 1))
    except ValueError:
        number = 1
    rows = list(cases.annotate(found=Window(Count("id")))[(number - 1) * PAGE_SIZE:number * PAGE_SIZE])
    paginator = Paginator(cases, PAGE_SIZE)
    if rows or number == 1:
        paginator.count = rows[0].found if rows else 0
    page = paginator.get_page(number)  # past the end: the last page, read again
    if rows and page.number == number:
        page.object_list = rows
    return page


@login_required
def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL in a string
    status = request.GET.get("status", "") if request.GET.get("status", "") in Status.values else ""
    category = request.GET.get("category", "") if request.GET.get("category", "") in Category.values else ""
    mine = request.GET.get("mine") == "1"
    searched = bool(query or mine or status or category)
    page = None
    parties = {}
    if searched:
        cases = case_search(request.user, query=query, status=status, category=category, mine=mine)
        page = _counted_page(cases, request.GET.get("page"))
        parties = parties_of([case.pk for case in page.object_list])
        for case in page.object_list:
            case.debtor_names = parties.get(case.pk, {}).get("debtor", [])
            case.creditor_names = parties.get(case.pk, {}).get("creditor", [])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/pages/search.html", {
        "title": _("Search cases"), "search_query": query, "page": page, "searched": searched,
        "filters": {"status": status, "category": category, "mine": mine},
        "status_choices": Status.choices, "category_choices": Category.choices,
        "querystring": params.urlencode(),
    })
