"""URLs for benchmarks/pages_bench.py: the real pages, plus a bare Django view (the baseline) that reads as many
case rows with their parties as a page shows, with a plain queryset, and returns them as JSON."""
from django.http import JsonResponse
from django.urls import include, path

from cases.models import Case, Party


def bare_cases(request):
    """``?n=N&unit=ID&officer=ID``: the N newest cases of a unit (or of an officer, or anywhere) with their
    parties — no scoping rules, no template, two queries."""
    cases = Case.objects.select_related("unit").order_by("-accepted_on", "-id")
    if request.GET.get("officer"):
        cases = cases.filter(officer_id=int(request.GET["officer"]))
    elif request.GET.get("unit"):
        cases = cases.filter(unit_id=int(request.GET["unit"]))
    rows = list(cases[:int(request.GET.get("n", 25))])
    parties: dict[int, list] = {}
    for case_id, role, name in Party.objects.filter(case_id__in=[c.pk for c in rows]).values_list(
            "case_id", "role", "name"):
        parties.setdefault(case_id, []).append([role, name])
    return JsonResponse({"results": [
        {"case_no": c.case_no, "unit": c.unit.code, "status": c.status, "accepted_on": c.accepted_on.isoformat(),
         "amount_remaining": c.amount_remaining, "next_due_on": c.next_due_on and c.next_due_on.isoformat(),
         "parties": parties.get(c.pk, [])} for c in rows]})


urlpatterns = [
    path("bare/cases/", bare_cases),
    path("", include("thads.urls")),
]
