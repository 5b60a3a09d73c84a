"""One search box for cases: case or decision number, debtor or creditor name, ID number — whatever the
case and diacritics typed — within the person's scope. Also the list of an officer's own open cases."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.codes import Category, Status
from cases.selectors_pages import case_search, parties_of

PAGE_SIZE = 25


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "") if request.GET.get("status", "") in Status.values else ""
    category = request.GET.get("category", "") if request.GET.get("category", "") in Category.values else ""
    mine = request.GET.get("mine") == "1"
    searched = bool(query or mine or status or category)
    page = None
    parties = {}
    if searched:
        cases = case_search(request.user, query=query, status=status, category=category, mine=mine)
        page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
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
