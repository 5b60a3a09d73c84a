"""URLs for benchmarks/api_bench.py: the real API plus bare Django views returning the same JSON (baseline)."""
from django.http import Http404, JsonResponse
from django.urls import include, path
from django.utils import timezone

from banks.filters import API_STATUS_OF
from banks.models import ApiKey
from banks.selectors import bank_case_get, bank_case_rows, bank_changes
from cases.codes import EventKind
from cases.selectors import case_deadlines, working_calendar


def _bank(request):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return ApiKey.objects.select_related("bank").get(prefix=token.split("_", 2)[1]).bank


def _case(case):
    return {"case_no": case.case_no, "decision_no": case.decision_no, "unit": case.unit.code,
            "unit_name": case.unit.name, "accepted_on": case.accepted_on.isoformat(), "origin": case.origin,
            "category": case.category, "status": API_STATUS_OF[case.status], "amount_due": case.amount_due,
            "amount_collected": case.amount_collected, "amount_reduced": case.amount_reduced,
            "amount_terminated": case.amount_terminated, "amount_remaining": case.amount_remaining,
            "updated_at": timezone.localtime(case.updated_at).isoformat()}


def _row(row):
    return {"case_no": row["case_no"], "decision_no": row["decision_no"], "unit": row["unit__code"],
            "unit_name": row["unit__name"], "accepted_on": row["accepted_on"].isoformat(), "origin": row["origin"],
            "category": row["category"], "status": API_STATUS_OF[row["status"]], "amount_due": row["amount_due"],
            "amount_collected": row["amount_collected"], "amount_reduced": row["amount_reduced"],
            "amount_terminated": row["amount_terminated"], "amount_remaining": row["amount_remaining"],
            "updated_at": timezone.localtime(row["updated_at"]).isoformat()}


def bare_list(request):
    """The first page of the case list over the same selector as /api/v1/cases/ (the columns it shows, newest
    first), with no authentication check, rate limit, filter, cursor or ETag."""
    rows = list(bank_case_rows(_bank(request)).order_by("-id")[:50])
    return JsonResponse({"next": None, "previous": None, "results": [_row(row) for row in rows]})


def bare_detail(request, case_no):
    case = bank_case_get(_bank(request), case_no)
    if case is None:
        raise Http404
    data = _case(case)
    data["events"] = [{"sequence": e.sequence, "date": e.date.isoformat(), "code": e.kind,
                       "label": str(EventKind(e.kind).label), "amount": e.amount, "ground": e.ground}
                      for e in case.events.all()]
    data["debtors"] = [{"name": p.name, "kind": p.kind} for p in case.debtors]
    upcoming = [d for d in case_deadlines(case, calendar=working_calendar(), events=case.events.all(),
                                          payouts=case.payouts.all()) if d.duty and d.met_on is None]
    data["next_deadline"] = None if not upcoming else {
        "kind": upcoming[0].kind, "label": upcoming[0].label, "due_on": upcoming[0].due_on.isoformat(),
        "status": upcoming[0].status(timezone.localdate())}
    data["payouts"] = [{"paid_on": p.paid_on.isoformat(), "amount": p.amount, "recipient": p.recipient}
                       for p in case.payouts.all()]
    return JsonResponse(data)


def _event(event):
    return {"sequence": event.sequence, "date": event.date.isoformat(), "code": event.kind, "amount": event.amount,
            "ground": event.ground, "cancels": event.cancels.sequence if event.cancels_id is not None else None}


def _change(change):
    payload = change.payload
    if change.kind == "case_created":
        payload = {"decision_no": change.case.decision_no, "accepted_on": change.case.accepted_on.isoformat(),
                   "amount_due": change.case.amount_due}
    elif change.kind == "event_recorded":
        payload = _event(change.event)
    status = change.case_status or (change.event.status_after if change.event_id else "with_conditions")
    return {"id": change.pk, "cursor": str(change.position), "kind": change.kind, "case_no": change.case.case_no,
            "status": API_STATUS_OF[status], "recorded_at": timezone.localtime(change.recorded_at).isoformat(),
            "event": _event(change.event) if change.event_id else None, "payload": payload}


def bare_changes(request):
    """The same page of the change feed as /api/v1/changes/ (the same selector, so the same rows and queries),
    written with plain dicts and JsonResponse."""
    after, limit = int(request.GET.get("after", "0")), int(request.GET.get("limit", "100"))
    changes = bank_changes(_bank(request), after=after, limit=limit + 1)
    page = changes[:limit]
    return JsonResponse({"results": [_change(c) for c in page],
                         "next_after": str(page[-1].position if page else after), "has_more": len(changes) > limit})


urlpatterns = [
    path("api/v1/", include("banks.api.urls")),
    path("bare/cases/", bare_list),
    path("bare/cases/<str:case_no>/", bare_detail),
    path("bare/changes/", bare_changes),
]
