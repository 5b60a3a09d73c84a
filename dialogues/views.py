"""The dialogue pages: the sessions, planning one (with the banks the figures propose), a session with its
agenda, minutes and commitments, the printable minutes, the effect, and the xlsx export. Thin: selectors
read, services write; a refusal is shown with nothing written."""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banks.models import Bank
from cases.forms_steps import attach_error
from cases.selectors import case_list_for_user
from dialogues import effect as effect_module
from dialogues import services
from dialogues.agenda import propose
from dialogues.forms import (
    AgendaAddForm,
    AgendaItemForm,
    AgendaRemoveForm,
    CommitmentForm,
    FollowUpForm,
    SessionPlanForm,
)
from dialogues.models import (
    AgendaItem,
    Commitment,
    CommitmentStatus,
    IssueCategory,
    ParticipantKind,
    SessionStatus,
)
from dialogues.selectors import (
    agenda_of,
    bank_proposal,
    commitments_of,
    is_overdue,
    organiser_units_for,
    session_banks,
    session_is_writable_by,
    session_list_for_user,
)
from thads.core.errors import DomainError
from thads.org.models import Unit
from thads.org.selectors import jurisdiction_unit_ids

PAGE_SIZE = 25


def _session_for(request, pk: int):
    session = session_list_for_user(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such dialogue in your scope."))
    return session


def _writable_session(request, pk: int):
    session = _session_for(request, pk)
    if not session_is_writable_by(request.user, session):
        raise PermissionDenied(_("Only the organising unit's heads may change this dialogue."))
    return session


@login_required
def session_list(request):
    today = timezone.localdate()
    sessions = session_list_for_user(request.user).annotate(
        n_items=Count("agenda_items", filter=Q(agenda_items__removed=False), distinct=True),
        n_open=Count("commitments", filter=Q(commitments__status=CommitmentStatus.OPEN), distinct=True),
        n_overdue=Count("commitments", filter=Q(commitments__status=CommitmentStatus.OPEN,
                                                commitments__due_on__lt=today), distinct=True),
    ).prefetch_related("banks__bank").order_by("-held_on", "-id")
    status = request.GET.get("status", "")
    if status in SessionStatus.values:
        sessions = sessions.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        sessions = sessions.filter(held_on__year=int(year))
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dialogues/list.html", {
        "title": _("Dialogues with the banks"), "page": page, "today": today, "status": status, "year": year,
        "status_choices": SessionStatus.choices, "can_plan": organiser_units_for(request.user).exists()})


def _other_participants(form) -> list[services.OtherParticipant]:
    others = []
    if form.cleaned_data.get("state_bank", "").strip():
        others.append(services.OtherParticipant(kind=ParticipantKind.STATE_BANK,
                                                name=form.cleaned_data["state_bank"].strip(),
                                                organisation=_("State Bank branch")))
    for line in form.cleaned_data.get("other_bodies", "").splitlines():
        if line.strip():
            others.append(services.OtherParticipant(kind=ParticipantKind.OTHER, name=line.strip()))
    return others


@login_required
def session_plan(request):
    organisers = organiser_units_for(request.user)
    if not organisers.exists():
        raise PermissionDenied(_("You may not organise dialogues."))
    today = timezone.localdate()
    unit = organisers.filter(code=request.GET.get("unit")).first() or organisers.order_by("level", "code").first()
    proposal = bank_proposal(unit, on=today)
    initial = {"organiser": unit, "banks": [row["bank"] for row in proposal[:1]]}
    form = SessionPlanForm(request.POST or None, organisers=organisers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        representatives = data["representatives"].strip()
        try:
            session = services.session_create(
                actor=request.user, organiser=data["organiser"], held_on=data["held_on"], place=data["place"],
                title=data["title"], banks=[services.BankData(bank, representatives) for bank in data["banks"]],
                agency_people=[request.user], others=_other_participants(form),
                failed_rounds_threshold=data["failed_rounds_threshold"], idle_months=data["idle_months"],
                large_amount=data["large_amount"])
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The dialogue is planned. Review the proposed agenda."))
            return redirect("dialogues:session", session.pk)
    return render(request, "dialogues/plan.html", {"title": _("Plan a dialogue"), "form": form, "unit": unit,
                                                   "organisers": organisers, "proposal": proposal, "today": today})


def _officers_for(session):
    unit_ids = jurisdiction_unit_ids(session.organiser, on=session.held_on)
    return (get_user_model().objects.filter(officer_profile__unit_id__in=unit_ids, is_active=True)
            .select_related("officer_profile").order_by("officer_profile__full_name"))


def _commitment_form(session, data=None):
    return CommitmentForm(
        data, items=AgendaItem.objects.filter(session=session, removed=False).select_related("case").order_by("rank"),
        banks=Bank.objects.filter(dialogue_sessions__session=session),
        officers=_officers_for(session),
        units=Unit.objects.filter(pk__in=jurisdiction_unit_ids(session.organiser, on=session.held_on)),
        prefix="c")


@login_required
def session_detail(request, pk: int):
    session = _session_for(request, pk)
    today = timezone.localdate()
    writable = session_is_writable_by(request.user, session)
    items = list(agenda_of(session, include_removed=True))
    commitments = list(commitments_of(session))
    by_item: dict[int, list[Commitment]] = {}
    for commitment in commitments:
        commitment.overdue = is_overdue(commitment, today=today)
        by_item.setdefault(commitment.agenda_item_id, []).append(commitment)
    for item in items:
        item.commitment_rows = by_item.get(item.pk, [])
        item.reason_labels = [_reason_label(code) for code in item.reasons]
    on_agenda = {item.case_id for item in items}
    proposed = []
    if writable and session.status in (SessionStatus.PLANNED, SessionStatus.HELD):
        proposed = [row for row in propose(session) if row.case.pk not in on_agenda]
    context = {
        "title": str(session), "session": session, "today": today, "writable": writable,
        "banks": session_banks(session),
        "participants": list(session.participants.select_related("user__officer_profile")),
        "items": [item for item in items if not item.removed],
        "removed_items": [item for item in items if item.removed],
        "proposed": proposed,
        "commitments": commitments,
        "overdue_count": sum(1 for c in commitments if c.overdue),
        "add_form": AgendaAddForm(prefix="a"),
        "commitment_form": _commitment_form(session) if writable and session.status == SessionStatus.HELD else None,
        "can_follow_up": writable,
        "issue_choices": IssueCategory.choices,
    }
    return render(request, "dialogues/session.html", context)


def _reason_label(code: str) -> str:
    from dialogues.models import Reason

    try:
        return str(Reason(code).label)
    except ValueError:
        return code


def _done(request, session, message: str):
    messages.success(request, message)
    return redirect("dialogues:session", session.pk)


def _refused(request, session, error: DomainError):
    messages.error(request, error.message)
    return redirect("dialogues:session", session.pk)


@login_required
@require_POST
def agenda_accept_view(request, pk: int):
    session = _writable_session(request, pk)
    case_ids = [int(value) for value in request.POST.getlist("case") if value.isdigit()]
    try:
        created = services.agenda_accept(actor=request.user, session=session, case_ids=case_ids or None)
    except DomainError as error:
        return _refused(request, session, error)
    return _done(request, session, _("%(count)s cases put on the agenda.") % {"count": len(created)})


@login_required
@require_POST
def agenda_add_view(request, pk: int):
    session = _writable_session(request, pk)
    form = AgendaAddForm(request.POST, prefix="a")
    if not form.is_valid():
        messages.error(request, _("Give the case number."))
        return redirect("dialogues:session", session.pk)
    case = case_list_for_user(request.user).filter(case_no=form.cleaned_data["case_no"].strip()).first()
    if case is None:
        messages.error(request, _("No case with this number is in your scope."))
        return redirect("dialogues:session", session.pk)
    try:
        services.agenda_add(actor=request.user, session=session, case=case,
                            issue_category=form.cleaned_data["issue_category"])
    except DomainError as error:
        return _refused(request, session, error)
    return _done(request, session, _("Case %(case)s added to the agenda.") % {"case": case.case_no})


def _item_of(session, item_pk: int) -> AgendaItem:
    item = AgendaItem.objects.filter(session=session, pk=item_pk).select_related("session").first()
    if item is None:
        raise Http404(_("No such agenda item."))
    return item


@login_required
@require_POST
def agenda_item_view(request, pk: int, item_pk: int):
    session = _writable_session(request, pk)
    item = _item_of(session, item_pk)
    form = AgendaItemForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.agenda_item_update(actor=request.user, item=item, issue_category=form.cleaned_data[
                "issue_category"], discussion=form.cleaned_data["discussion"])
        except DomainError as error:
            return _refused(request, session, error)
    return _done(request, session, _("Saved."))


@login_required
@require_POST
def agenda_remove_view(request, pk: int, item_pk: int):
    session = _writable_session(request, pk)
    item = _item_of(session, item_pk)
    form = AgendaRemoveForm(request.POST, prefix=f"r{item.pk}")
    try:
        services.agenda_remove(actor=request.user, item=item,
                               reason=form.data.get(f"r{item.pk}-reason", ""))
    except DomainError as error:
        return _refused(request, session, error)
    return _done(request, session, _("Case %(case)s removed from the agenda.") % {"case": item.case.case_no})


@login_required
@require_POST
def session_status_view(request, pk: int, action: str):
    session = _writable_session(request, pk)
    notes = request.POST.get("notes")
    try:
        if action == "hold":
            services.session_hold(actor=request.user, session=session, notes=notes)
            message = _("The dialogue is recorded as held: record the minutes and the commitments.")
        elif action == "close":
            services.session_close(actor=request.user, session=session, notes=notes)
            message = _("The minutes are closed; the commitments are followed up.")
        else:
            raise Http404
    except DomainError as error:
        return _refused(request, session, error)
    return _done(request, session, message)


@login_required
def commitment_new(request, pk: int):
    session = _writable_session(request, pk)
    form = _commitment_form(session, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_record(
                actor=request.user, item=data["item"], party=data["party"], kind=data["kind"], text=data["text"],
                due_on=data["due_on"], due_in_working_days=data["due_in_working_days"],
                owner_user=data["owner_user"], owner_bank=data["owner_bank"], owner_unit=data["owner_unit"],
                owner_other=data["owner_other"], price=data["price"])
        except DomainError as error:
            attach_error(form, error)
        else:
            return _done(request, session, _("Commitment recorded."))
    return render(request, "cases/pages/step.html", {
        "title": _("Record a commitment"), "form": form, "submit_label": _("Save the commitment"),
        "intro": _("Name who is responsible according to who commits: the bank, an officer, a unit or another body. "
                   "The due date must be a working day; or count it in working days from the dialogue."),
        "cancel_url": reverse("dialogues:session", args=[session.pk])})


@login_required
@require_POST
def commitment_follow_up(request, commitment_pk: int, action: str):
    commitment = Commitment.objects.select_related("session").filter(
        pk=commitment_pk, session__in=session_list_for_user(request.user)).first()
    if commitment is None:
        raise Http404(_("No such commitment in your scope."))
    session = commitment.session
    form = FollowUpForm(request.POST, prefix=f"f{commitment.pk}")
    if not form.is_valid():
        messages.error(request, _("Enter the date as day/month/year, for example 06/05/2025."))
        return redirect("dialogues:session", session.pk)
    try:
        if action == "done":
            services.commitment_complete(actor=request.user, commitment=commitment, done_on=form.cleaned_data["on"],
                                         note=form.cleaned_data["note"])
        elif action == "missed":
            services.commitment_mark_missed(actor=request.user, commitment=commitment, on=form.cleaned_data["on"],
                                            note=form.cleaned_data["note"])
        else:
            raise Http404
    except DomainError as error:
        return _refused(request, session, error)
    return _done(request, session, _("Commitment updated."))


@login_required
def minutes(request, pk: int):
    """The minutes (biên bản) as a printable page."""
    session = _session_for(request, pk)
    items = list(agenda_of(session))
    commitments = list(commitments_of(session))
    by_item: dict[int, list] = {}
    for commitment in commitments:
        by_item.setdefault(commitment.agenda_item_id, []).append(commitment)
    for item in items:
        item.commitment_rows = by_item.get(item.pk, [])
    return render(request, "dialogues/minutes.html", {
        "title": _("Minutes of the dialogue"), "session": session, "banks": session_banks(session),
        "participants": list(session.participants.select_related("user__officer_profile")), "items": items})


@login_required
def export(request, pk: int):
    from dialogues.exports import session_xlsx

    session = _session_for(request, pk)
    today = timezone.localdate()
    return session_xlsx(session, items=list(agenda_of(session)), commitments=list(commitments_of(session)),
                        effect=effect_module.session_effect(session, today=today), today=today)


@login_required
def effect(request):
    """The effect of one unit's dialogues in one year, session by session."""
    today = timezone.localdate()
    sessions = session_list_for_user(request.user).filter(status__in=[SessionStatus.HELD, SessionStatus.CLOSED])
    units = Unit.objects.filter(pk__in=sessions.values("organiser_id")).order_by("code")
    unit = units.filter(code=request.GET.get("unit")).first() or units.first()
    years = sorted({day.year for day in sessions.filter(organiser=unit).values_list("held_on", flat=True)},
                   reverse=True) if unit else []
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else (years[0] if years else None)
    result, per_session = None, []
    if unit is not None and year is not None:
        year_sessions = sessions.filter(organiser=unit, held_on__year=year)
        result = effect_module.year_effect(unit, year, sessions=year_sessions, today=today)
        per_session = [(session, effect_module.session_effect(session, today=today)) for session in result.sessions]
    if request.GET.get("format") == "xlsx" and result is not None:
        from dialogues.exports import effect_xlsx

        return effect_xlsx(unit, result, per_session)
    return render(request, "dialogues/effect.html", {
        "title": _("Effect of the dialogues"), "units": units, "unit": unit, "years": years, "year": year,
        "result": result, "per_session": per_session, "today": today,
        "export_url": (f"{reverse('dialogues:effect')}?unit={unit.code}&year={year}&format=xlsx"
                       if result is not None else "")})
