"""The case page: everything an officer needs about one case, and the actions its workflow allows now."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import workflow
from cases.codes import EventKind, Status
from cases.models import Case
from cases.selectors import case_cached_state, case_deadlines, case_is_writable_by, working_calendar
from cases.selectors_pages import DEADLINE_STATUS_LABELS, case_page, ground_label, status_in_words
from cases.views.actions import deadline_action
from cases.views.work import remember_case
from dialogues.selectors import open_commitments_of_case
from thads.audit.selectors import case_audit_trail

# The order the workflow's actions are offered in, with the button each gets. Verification (with or without
# conditions) is one form with the finding as a choice.
ACTION_ORDER = [
    ("verify", (EventKind.CO_DIEU_KIEN, EventKind.CHUA_CO_DIEU_KIEN), _("Record a verification")),
    (EventKind.THU_TIEN, (EventKind.THU_TIEN,), _("Record a collection")),
    (EventKind.HOAN, (EventKind.HOAN,), _("Postpone")),
    (EventKind.TAM_DINH_CHI, (EventKind.TAM_DINH_CHI,), _("Suspend")),
    (EventKind.TIEP_TUC, (EventKind.TIEP_TUC,), _("Resume enforcement")),
    (EventKind.GIAM, (EventKind.GIAM,), _("Reduce the obligation")),
    (EventKind.XONG, (EventKind.XONG,), _("Record completion")),
    (EventKind.DINH_CHI, (EventKind.DINH_CHI,), _("Terminate")),
    (EventKind.UY_THAC_DI, (EventKind.UY_THAC_DI,), _("Entrust to another office")),
    (EventKind.CHUYEN_SO_RIENG, (EventKind.CHUYEN_SO_RIENG,), _("Move to the separate book")),
]


def allowed_actions(case: Case) -> list[dict]:
    """The buttons of the case page: each event kind the workflow admits from the case's state now.
    ``xong`` only once nothing remains (the workflow would refuse it otherwise)."""
    state = case_cached_state(case)
    allowed = workflow.allowed_kinds(state)
    actions = []
    for slug, kinds, label in ACTION_ORDER:
        if not any(kind in allowed for kind in kinds):
            continue
        if slug == EventKind.XONG and state.remaining != 0:
            continue
        if slug in (EventKind.THU_TIEN, EventKind.GIAM) and state.remaining == 0:
            continue
        url = reverse("cases:verify", args=[case.pk]) if slug == "verify" else reverse(
            "cases:record", args=[case.pk, slug])
        actions.append({"slug": slug, "label": label, "url": url})
    return actions


def asset_stage(seizure) -> str:
    """Where a seized asset stands, in words: seized, valued, under an auction contract, round N failed or
    sold, offered to the creditor, closed…"""
    if seizure.status != "in_force":
        return _("Seizure released on %(date)s") % {"date": seizure.released_on.strftime("%d/%m/%Y")}
    auction = getattr(seizure, "auction", None)  # RelatedObjectDoesNotExist is an AttributeError
    valuations = list(seizure.valuations.all())
    if auction is None:
        if valuations:
            return _("Valued; no auction contract yet")
        return _("Seized; not yet valued")
    if auction.closed_as:
        return str(auction.get_closed_as_display())
    offer = getattr(auction, "creditor_offer", None)
    if offer is not None:
        if offer.accepted is None:
            return _("Offered to the creditor on %(date)s; awaiting the answer") % {
                "date": offer.offered_on.strftime("%d/%m/%Y")}
        if offer.accepted is False:
            return _("The creditor declined the asset")
    rounds = sorted(auction.rounds.all(), key=lambda r: r.number)
    if not rounds:
        return _("Auction contract signed; no round held yet")
    last = rounds[-1]
    return _("Round %(number)s: %(outcome)s") % {"number": last.number, "outcome": last.get_outcome_display()}


@login_required
def case_detail(request, pk: int):
    try:
        case = case_page(request.user, pk)
    except Case.DoesNotExist:
        raise Http404(_("No case with this number is in your scope.")) from None
    remember_case(request, case.pk)
    today = timezone.localdate()
    events = list(case.events.all())
    payouts = list(case.payouts.all())
    seizures = list(case.seizures.all())
    deadlines = []
    for deadline in case_deadlines(case, calendar=working_calendar(), events=events, payouts=payouts,
                                   seizures=seizures):
        status = deadline.status(today)
        url, label = deadline_action(deadline, case.pk)
        if deadline.duty:
            status_label = DEADLINE_STATUS_LABELS[status]
        else:  # a period that runs for the debtor (the voluntary period): it ends, nobody is late
            status, status_label = "period", (_("Period ended") if deadline.due_on < today else _("Period running"))
        deadlines.append({"deadline": deadline, "status": status, "status_label": status_label,
                          "action_url": url, "action_label": label})
    # A correction names the event it cancels; both stay in the history, the cancelled one struck through.
    cancelled = {event.cancels_id: event for event in events if getattr(event, "cancels_id", None)}
    timeline = [{"event": event, "ground": ground_label(event.kind, event.ground),
                 "cancelled_by": cancelled.get(event.pk), "correction": bool(getattr(event, "cancels_id", None))}
                for event in events]
    writable = case_is_writable_by(request.user, case)
    seizure_rows = [{"seizure": seizure, "stage": asset_stage(seizure), "auction": getattr(seizure, "auction", None)}
                    for seizure in seizures]
    context = {
        "title": _("Case %(case)s") % {"case": case.case_no},
        "case": case,
        "today": today,
        "status_words": status_in_words(case),
        "ended": case.status in (Status.COMPLETED, Status.TERMINATED, Status.TRANSFERRED_OUT),
        "parties": list(case.parties.all()),
        "timeline": timeline,
        "deadlines": deadlines,
        "open_deadlines": [d for d in deadlines if d["status"] in ("open", "overdue") and d["deadline"].duty],
        "payouts": payouts,
        "paid_out": sum(p.amount for p in payouts),
        "seizures": seizure_rows,
        "asset_links": list(case.asset_links.all()),
        "costs": list(case.enforcement_costs.all()),
        "writable": writable,
        "commitments": open_commitments_of_case(case),
        "trail": case_audit_trail(request.user, case, events=events),
        "prompt_payout": writable and request.GET.get("prompt") == "payout"
        and case.amount_collected > sum(p.amount for p in payouts),
        "actions": allowed_actions(case) if writable else [],
        "officer_name": (case.officer.officer_profile.full_name if case.officer_id and hasattr(
            case.officer, "officer_profile") else (case.officer.get_username() if case.officer_id else "")),
    }
    return render(request, "cases/pages/case.html", context)
