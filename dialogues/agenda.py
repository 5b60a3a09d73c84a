"""The agenda proposed for a session, built from the data: the session's banks' cases in the organiser's
jurisdiction that are stuck on the eve of the session, each with the reasons the data shows, ranked by the
money still due (largest first).

Everything is read as it stood on the eve (every record dated before the session day), in the database: one
query with correlated subqueries, so a 2019 session rebuilt today sees the 2019 data.

Blocking reasons (any one puts the case on the agenda):
- ``failed_rounds``: an asset of the case, seized and not released before the session, has an auction not
  closed before it with at least N failed rounds (N = ``Session.failed_rounds_threshold``, default 3);
- ``offer_declined`` / ``offer_unanswered``: the asset was offered to the bank (Điều 104) and the bank
  declined before the session, or had not answered by then;
- ``floor_reached``: reductions reached the floor and the asset went back to the debtor (an auction closed as
  returned to the debtor, or the case postponed on ground h);
- ``idle``: no step (event, seizure, auction round) for ``Session.idle_months`` months;
- ``valuation_pending``: an asset seized but not yet valued, or a re-valuation requested and not yet done.
Aggravating reasons, shown but never enough alone: ``interest`` (late-payment interest in the debt) and
``large_amount`` (remaining ≥ ``Session.large_amount``).

A case that ended (completed, terminated, transferred out) or moved to the separate book before the session,
or accepted on or after the session day, is never on it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from cases.auction_rules import Outcome
from cases.codes import AuctionClosure, Category
from cases.models import AssetCase, Auction, Case, CaseEvent, CreditorOffer, Seizure, Valuation
from dialogues.models import Reason, Session
from thads.core.dates import add_months
from thads.core.money import format_vnd
from thads.org.selectors import jurisdiction_unit_ids

BLOCKING = (Reason.FAILED_ROUNDS, Reason.OFFER_DECLINED, Reason.OFFER_UNANSWERED, Reason.FLOOR_REACHED,
            Reason.IDLE, Reason.VALUATION_PENDING)
CLOSED_STATUSES = ("completed", "terminated", "transferred_out", "separate_book")


@dataclass
class ProposedItem:
    case: Case
    amount_remaining: int
    reasons: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    rank: int = 0

    @property
    def reason_labels(self) -> list[str]:
        return [str(Reason(code).label) for code in self.reasons]


def _asset_link(case_ref: str = "pk"):
    return Q(seizure__asset__links__case_id=OuterRef(case_ref))


def stuck_cases(*, organiser, bank_ids, held_on: date, failed_rounds: int = 3, idle_months: int = 6,
                large_amount: int = 1_000_000_000):
    """The annotated queryset behind ``propose`` — the banks' open cases in ``organiser``'s jurisdiction on
    the eve of ``held_on`` that show at least one blocking reason (``BLOCKING``), largest remaining amount
    first — and the limits it was built with (for ``_reasons``)."""
    eve = held_on - timedelta(days=1)
    idle_since = add_months(held_on, -idle_months)
    unit_ids = jurisdiction_unit_ids(organiser, on=eve)
    events_before = CaseEvent.objects.filter(case_id=OuterRef("pk"), date__lte=eve).order_by("-sequence")
    open_auctions = Auction.objects.filter(
        _asset_link(), seizure__seized_on__lte=eve, contract_signed_on__lte=eve).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=eve)).filter(
        Q(seizure__released_on__isnull=True) | Q(seizure__released_on__gt=eve))
    failed_per_auction = (open_auctions.annotate(failed=Count(
        "rounds", filter=Q(rounds__held_on__lte=eve) & (
            Q(rounds__outcome__in=sorted(Outcome.FAILED - {Outcome.WINNER_DID_NOT_PAY}))
            | Q(rounds__outcome=Outcome.WINNER_DID_NOT_PAY, rounds__defaulted_on__lte=eve))))
        .order_by("-failed").values("failed")[:1])
    latest_offer = CreditorOffer.objects.filter(case_id=OuterRef("pk"), offered_on__lte=eve).order_by(
        "-offered_on", "-id")
    floor_auction = Auction.objects.filter(_asset_link(), closed_as=AuctionClosure.RETURNED_TO_DEBTOR,
                                           closed_on__lte=eve)
    unvalued = Seizure.objects.filter(asset__links__case_id=OuterRef("pk"), seized_on__lte=eve).filter(
        Q(released_on__isnull=True) | Q(released_on__gt=eve)).exclude(
        Exists(Valuation.objects.filter(seizure_id=OuterRef("pk"), valued_on__lte=eve)))
    revaluation_pending = Valuation.objects.filter(
        seizure__asset__links__case_id=OuterRef("pk"), revaluation_of__isnull=False,
        revaluation_requested_on__lte=eve, valued_on__gt=eve)
    last_round = Auction.objects.filter(_asset_link()).annotate(
        last=Max("rounds__held_on", filter=Q(rounds__held_on__lte=eve))).order_by(
        F("last").desc(nulls_last=True)).values("last")[:1]
    last_seizure = Seizure.objects.filter(asset__links__case_id=OuterRef("pk"), seized_on__lte=eve).order_by(
        "-seized_on").values("seized_on")[:1]
    zero_date = F("accepted_on")
    cases = (Case.objects.filter(creditor_bank_id__in=list(bank_ids), unit_id__in=unit_ids,
                                 category=Category.TIN_DUNG_NGAN_HANG, accepted_on__lte=eve)
             .annotate(
                 eve_status=Coalesce(Subquery(events_before.values("status_after")[:1]), Value("with_conditions")),
                 eve_ground=Coalesce(Subquery(events_before.values("ground_after")[:1]), Value("")),
                 eve_remaining=Coalesce(Subquery(events_before.values("remaining_after")[:1]), F("amount_due")),
                 failed_rounds=Coalesce(Subquery(failed_per_auction, output_field=IntegerField()), Value(0)),
                 offer_accepted=Subquery(latest_offer.values("accepted")[:1]),
                 offer_answered_on=Subquery(latest_offer.values("answered_on")[:1]),
                 offer_on=Subquery(latest_offer.values("offered_on")[:1]),
                 floor_closed=Exists(floor_auction),
                 unvalued=Exists(unvalued),
                 revaluation_pending=Exists(revaluation_pending),
                 interest=Exists(AssetCase.objects.filter(case_id=OuterRef("pk"), interest_due__gt=0)),
                 last_step=Greatest(
                     Coalesce(Subquery(events_before.values("date")[:1]), zero_date),
                     Coalesce(Subquery(last_round, output_field=DateField()), zero_date),
                     Coalesce(Subquery(last_seizure, output_field=DateField()), zero_date),
                     output_field=DateField()),
             )
             .exclude(eve_status__in=CLOSED_STATUSES))
    offer_declined = Q(offer_accepted=False, offer_answered_on__lte=eve)
    offer_unanswered = Q(offer_on__isnull=False) & (Q(offer_answered_on__isnull=True) | Q(offer_answered_on__gt=eve))
    blocking = (Q(failed_rounds__gte=failed_rounds) | offer_declined | offer_unanswered | Q(floor_closed=True)
                | Q(eve_status="postponed", eve_ground="h") | Q(last_step__lt=idle_since) | Q(unvalued=True)
                | Q(revaluation_pending=True))
    return (cases.filter(blocking).select_related("unit", "officer__officer_profile", "creditor_bank")
            .order_by("-eve_remaining", "case_no")), {"eve": eve, "idle_since": idle_since,
                                                      "failed_rounds": failed_rounds, "large_amount": large_amount}


def _as_date(value):
    if isinstance(value, str):  # SQLite returns dates computed by subqueries / GREATEST as text
        return date.fromisoformat(value[:10])
    return value


def _reasons(case, limits: dict) -> tuple[list[str], list[str]]:
    eve, reasons, detail = limits["eve"], [], []
    if case.failed_rounds >= limits["failed_rounds"]:
        reasons.append(Reason.FAILED_ROUNDS)
        detail.append(_("%(count)s failed auction rounds") % {"count": case.failed_rounds})
    answered_on = _as_date(case.offer_answered_on)
    if case.offer_accepted is False and answered_on is not None and answered_on <= eve:
        reasons.append(Reason.OFFER_DECLINED)
        detail.append(_("asset declined by the bank on %(date)s") % {"date": answered_on.strftime("%d/%m/%Y")})
    elif case.offer_on is not None and (answered_on is None or answered_on > eve):
        reasons.append(Reason.OFFER_UNANSWERED)
        detail.append(_("asset offered to the bank on %(date)s, no answer") % {
            "date": _as_date(case.offer_on).strftime("%d/%m/%Y")})
    if case.floor_closed or (case.eve_status == "postponed" and case.eve_ground == "h"):
        reasons.append(Reason.FLOOR_REACHED)
    last_step = _as_date(case.last_step)
    if last_step is not None and last_step < limits["idle_since"]:
        reasons.append(Reason.IDLE)
        detail.append(_("no step since %(date)s") % {"date": last_step.strftime("%d/%m/%Y")})
    if case.unvalued or case.revaluation_pending:
        reasons.append(Reason.VALUATION_PENDING)
    if case.interest:
        reasons.append(Reason.INTEREST)
    if case.eve_remaining >= limits["large_amount"]:
        reasons.append(Reason.LARGE_AMOUNT)
        detail.append(_("%(amount)s remaining") % {"amount": format_vnd(case.eve_remaining)})
    return [str(code) for code in reasons], detail


def propose(session: Session, *, limit: int | None = None) -> list[ProposedItem]:
    """The proposed agenda of ``session`` (nothing written), ranked 1, 2, … by remaining money."""
    bank_ids = list(session.banks.values_list("bank_id", flat=True))
    if not bank_ids:
        return []
    queryset, limits = stuck_cases(organiser=session.organiser, bank_ids=bank_ids, held_on=session.held_on,
                                   failed_rounds=session.failed_rounds_threshold, idle_months=session.idle_months,
                                   large_amount=session.large_amount)
    if limit is not None:
        queryset = queryset[:limit]
    proposed = []
    for rank, case in enumerate(queryset, start=1):
        reasons, detail = _reasons(case, limits)
        proposed.append(ProposedItem(case=case, amount_remaining=int(case.eve_remaining), reasons=reasons,
                                     detail=detail, rank=rank))
    return proposed
