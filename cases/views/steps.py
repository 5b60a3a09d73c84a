"""Intake and every step of a case, each a form that calls the service; after a save the officer lands back
on the case with a message saying what was recorded. A refusal stays on the form with nothing written."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.codes import EventKind, EventSource
from cases.forms_steps import (
    CancelEventForm,
    EventStepForm,
    IntakeForm,
    PartyEditForm,
    PayoutStepForm,
    SeizeAssetForm,
    VerificationForm,
    attach_error,
)
from cases.models import Case
from cases.selectors import case_is_writable_by, case_list_for_user, units_open_to_new_cases
from cases.services import case_event_record, party_add, payout_record
from thads.core.errors import DomainError, PermissionDeniedError
from thads.core.money import format_vnd


def _writable_case(request, pk: int) -> Case:
    """The case, if the person may record steps in it: 404 outside their scope, 403 when they only read it."""
    case = case_list_for_user(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404(_("No case with this number is in your scope."))
    if not case_is_writable_by(request.user, case):
        raise PermissionDenied(_("You may read this case but not record steps in it."))
    return case


def _render_step(request, case, form, title, *, intro="", submit=None):
    return render(request, "cases/pages/step.html", {
        "title": title, "case": case, "form": form, "intro": intro,
        "submit_label": submit or _("Save"), "cancel_url": reverse("cases:case", args=[case.pk]) if case else
        reverse("home")})


def _event_message(event) -> str:
    text = _("Recorded: %(kind)s on %(date)s") % {"kind": event.get_kind_display(),
                                                   "date": event.date.strftime("%d/%m/%Y")}
    if event.amount:
        text += f", {format_vnd(event.amount)}"
    return text + "."


@login_required
def case_new(request):
    if not units_open_to_new_cases(request.user).exists():
        raise PermissionDenied(_("You may not accept new cases."))
    form = IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case = form.save()
        except DomainError as error:  # a writer got there first (e.g. the same case number)
            attach_error(form, error, IntakeForm.FIELD_MAP)
        else:
            messages.success(request, _("Case %(case)s accepted, with %(debtors)s debtor(s) and %(creditors)s "
                                        "creditor(s).") % {
                "case": case.case_no, "debtors": case.parties.filter(role="debtor").count(),
                "creditors": case.parties.filter(role="creditor").count()})
            return redirect("cases:case", pk=case.pk)
    return render(request, "cases/pages/intake.html", {"title": _("New case"), "form": form})


@login_required
def record_event(request, pk: int, kind: str):
    case = _writable_case(request, pk)
    if kind not in EventKind.values:
        raise Http404(_("Unknown step."))
    form = EventStepForm(request.POST or None, user=request.user, case=case, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            event = case_event_record(actor=request.user, case=case, kind=kind, date=form.cleaned_data["date"],
                                      amount=form.cleaned_data.get("amount"),
                                      ground=form.cleaned_data.get("ground") or "",
                                      ground_arose_on=form.cleaned_data.get("ground_arose_on"),
                                      note=form.composed_note(), source=EventSource.WEB)
        except DomainError as error:  # another writer changed the case between the check and the save
            attach_error(form, error)
        else:
            messages.success(request, _event_message(event))
            url = reverse("cases:case", args=[case.pk])
            return redirect(url + ("?prompt=payout#actions" if kind == EventKind.THU_TIEN else ""))
    intro = _("Still to be enforced: %(remaining)s.") % {"remaining": format_vnd(case.amount_remaining)}
    return _render_step(request, case, form, EventKind(kind).label, intro=intro)


@login_required
def verify(request, pk: int):
    case = _writable_case(request, pk)
    form = VerificationForm(request.POST or None, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            event = case_event_record(actor=request.user, case=case, kind=form.kind, date=form.cleaned_data["date"],
                                      ground=form.cleaned_data.get("ground") or "",
                                      ground_arose_on=form.cleaned_data.get("ground_arose_on"),
                                      note=form.composed_note(), source=EventSource.WEB)
        except DomainError as error:
            attach_error(form, error, {"kind": "finding"})
        else:
            messages.success(request, _event_message(event))
            return redirect("cases:case", pk=case.pk)
    return _render_step(request, case, form, _("Verification of the conditions for enforcement"))


@login_required
def payout(request, pk: int):
    case = _writable_case(request, pk)
    form = PayoutStepForm(request.POST or None, user=request.user, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = payout_record(actor=request.user, case=case, paid_on=data["paid_on"], amount=data["amount"],
                                   recipient=data["recipient"], note=data.get("note", ""))
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Recorded: payout of %(amount)s to %(recipient)s on %(date)s.") % {
                "amount": format_vnd(record.amount), "recipient": record.recipient,
                "date": record.paid_on.strftime("%d/%m/%Y")})
            return redirect("cases:case", pk=case.pk)
    return _render_step(request, case, form, _("Pay out collected money"),
                        intro=_("Collected money is paid to the creditor within 10 days of its collection."))


@login_required
def cancel_latest(request, pk: int):
    """Cancel the latest event by a correcting event (docs/domain-rules.md, "Corrections")."""
    from cases.services import case_event_cancel

    case = _writable_case(request, pk)
    latest = case.events.filter(cancels__isnull=True, cancelled_by__isnull=True).order_by("-sequence").first()
    if latest is None:
        messages.warning(request, _("This case has no event that can be cancelled."))
        return redirect("cases:case", pk=case.pk)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_event_cancel(actor=request.user, case=case, event=latest, reason=form.cleaned_data["reason"])
        except DomainError as error:
            attach_error(form, error, {"note": "reason"})
        else:
            messages.success(request, _("Cancelled: %(kind)s of %(date)s. The case is as it was before it.") % {
                "kind": latest.get_kind_display(), "date": latest.date.strftime("%d/%m/%Y")})
            return redirect("cases:case", pk=case.pk)
    intro = _("The event “%(kind)s” of %(date)s%(amount)s will be cancelled by a correcting event. Both stay in "
              "the history; the state and the statistics of open periods follow the correction.") % {
        "kind": latest.get_kind_display(), "date": latest.date.strftime("%d/%m/%Y"),
        "amount": f" ({format_vnd(latest.amount)})" if latest.amount else ""}
    return _render_step(request, case, form, _("Cancel an event entered by mistake"), intro=intro,
                        submit=_("Cancel the event"))


@login_required
def party_add_view(request, pk: int):
    case = _writable_case(request, pk)
    form = PartyEditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            party = party_add(actor=request.user, case=case, role=data["role"], kind=data["kind"], name=data["name"],
                              id_number=data.get("id_number", ""), address=data.get("address", ""))
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Added: %(name)s (%(role)s).") % {"name": party.name,
                                                                        "role": party.get_role_display()})
            return redirect("cases:case", pk=case.pk)
    return _render_step(request, case, form, _("Add a party"))


@login_required
def party_correct_view(request, pk: int, party_pk: int):
    from cases.services import party_correct

    case = _writable_case(request, pk)
    party = case.parties.filter(pk=party_pk).first()
    if party is None:
        raise Http404(_("No such party in this case."))
    form = PartyEditForm(request.POST or None, party=party, initial={
        "kind": party.kind, "name": party.name, "id_number": party.id_number, "address": party.address})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            party_correct(actor=request.user, party=party, reason=data["reason"], name=data["name"],
                          kind=data["kind"], id_number=data.get("id_number", ""), address=data.get("address", ""))
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Corrected: %(name)s. The previous values are kept in the history.") % {
                "name": data["name"]})
            return redirect("cases:case", pk=case.pk)
    return _render_step(request, case, form, _("Correct a party"),
                        intro=_("The previous values and the reason are kept."))


# ---- asset steps: forms of cases.forms_assets, with the case's seizure or auction fixed ------------------------

def _asset_forms():
    from cases.forms_assets import AuctionForm, AuctionRoundForm, ValuationForm

    return {
        "valuation": (ValuationForm, "seizure", _("Record a valuation")),
        "auction": (AuctionForm, "seizure", _("Auction contract")),
        "round": (AuctionRoundForm, "auction", _("Record an auction round")),
    }


def _round_suggestion(auction) -> dict:
    """Prefill a round: the valuation's price for the first, else the previous price less 10 %."""
    from cases.selectors import effective_valuation

    rounds = list(auction.rounds.order_by("number"))
    if not rounds:
        valuation = effective_valuation(auction.seizure)
        return {"starting_price": valuation.value} if valuation else {}
    return {"starting_price": rounds[-1].starting_price - rounds[-1].starting_price // 10}


@login_required
def asset_step(request, pk: int, step: str):
    case = _writable_case(request, pk)
    if step == "seizure":
        form = SeizeAssetForm(request.POST or None, user=request.user, case=case)
        if request.method == "POST" and form.is_valid() and form.result is not None:
            messages.success(request, _("Recorded: seizure of %(asset)s on %(date)s.") % {
                "asset": form.result.asset.description, "date": form.result.seized_on.strftime("%d/%m/%Y")})
            return redirect(reverse("cases:case", args=[case.pk]) + "#assets")
        return _render_step(request, case, form, _("Seize an asset"))
    forms_by_step = _asset_forms()
    if step not in forms_by_step:
        raise Http404(_("Unknown step."))
    form_class, fixed, title = forms_by_step[step]
    source = request.POST if request.method == "POST" else request.GET
    fixed_id = source.get(fixed, "")
    if not fixed_id.isdigit():
        raise Http404(_("Choose the asset's seizure or auction from the case page."))
    initial = {fixed: int(fixed_id), "held_on": timezone.localdate(), "valued_on": timezone.localdate(),
               "contract_signed_on": timezone.localdate()}
    form = form_class(request.POST or None, user=request.user, initial=initial)
    choices = form.fields[fixed].queryset.filter(pk=int(fixed_id))
    choices = choices.filter(case=case) if fixed == "seizure" else choices.filter(seizure__case=case)
    target = choices.first()
    if target is None:
        raise Http404(_("This seizure or auction is not one you may record steps for in this case."))
    if step == "round" and request.method != "POST":
        form.initial.update(_round_suggestion(target))
    form.fields[fixed].queryset = choices
    form.fields[fixed].widget = form.fields[fixed].hidden_widget()
    if request.method == "POST":
        try:
            valid = form.is_valid()
        except PermissionDeniedError as error:
            form.add_error(None, error.message)
            valid = False
        if valid:
            messages.success(request, _("Recorded: %(step)s.") % {"step": title})
            return redirect(reverse("cases:case", args=[case.pk]) + "#assets")
    intro = _("Asset: %(asset)s") % {"asset": str(getattr(target, "asset", None) or target.seizure.asset)}
    return _render_step(request, case, form, title, intro=intro)
