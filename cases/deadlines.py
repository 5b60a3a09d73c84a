"""Legal deadlines of a case, computed from its facts and events (domain.md §3). Pure: no ORM.

Every period is tagged with the legal regime in force on the day it starts to run, so a 2025 case and a
2027 case are each judged by their own law. The calendar (weekends, public holidays, make-up working days)
is data passed in as a WorkingCalendar.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from cases.codes import EventKind, JudgmentType, NoConditionsGround, Origin
from thads.core.dates import WorkingCalendar, add_months


@dataclass(frozen=True)
class Regime:
    """The deadline parameters of one legal regime. Values are data; a regime has a validity window."""

    code: str
    name: str
    valid_from: date
    valid_to: date | None
    decision_working_days: int = 5             # Điều 36: QĐ THA within 5 working days of request / judgment
    bankruptcy_decision_working_days: int = 3  # Luật Phá sản: 3 working days
    voluntary_days: int = 10                   # Điều 45: 10 days from notice
    verification_days: int = 10                # after the voluntary period ends
    reverification_months: int = 6             # Điều 44a: every 6 months …
    reverification_months_long: int = 12       # … yearly for prisoners with ≥ 2 years left, unknown address
    ground_decision_working_days: int = 5      # chưa có điều kiện / hoãn / tạm đình chỉ / đình chỉ decisions
    payout_days: int = 10                      # Điều 47: pay collected money within 10 days


REGIMES: tuple[Regime, ...] = (
    Regime("luat_2008", _("Law on Civil Judgment Enforcement 2008 (amended 2014, 2022)"), date(2009, 7, 1),
           date(2026, 6, 30)),
    # Luật THADS 106/2025/QH15. Same periods as far as this table tracks them; kept as its own entry so that
    # a change is one line of data, and a case is judged by the law of the day each period starts.
    Regime("luat_106_2025", _("Law on Civil Judgment Enforcement 106/2025/QH15"), date(2026, 7, 1), None),
)


def regime_on(day: date) -> Regime:
    for regime in REGIMES:
        if regime.valid_from <= day and (regime.valid_to is None or day <= regime.valid_to):
            return regime
    return REGIMES[0]  # before 2009: judged by the oldest regime the app knows


class DeadlineKind:
    DECISION = "decision"
    VOLUNTARY = "voluntary_period"
    VERIFICATION = "verification"
    REVERIFICATION = "reverification"
    GROUND_DECISION = "ground_decision"
    PAYOUT = "payout"
    # Assets (domain.md §4); parameters in cases.auction_rules.AUCTION_REGIMES
    VALUATION_CONTRACT = "valuation_contract"
    AUCTION = "auction"
    BUYER_PAYMENT = "buyer_payment"
    CREDITOR_OFFER = "creditor_offer"
    CREDITOR_ANSWER = "creditor_answer"
    REDEMPTION = "redemption"

    LABELS = {
        DECISION: _("Issue the enforcement decision"),
        VOLUNTARY: _("End of the voluntary compliance period"),
        VERIFICATION: _("Verify the conditions for enforcement"),
        REVERIFICATION: _("Re-verify a case without conditions"),
        GROUND_DECISION: _("Issue the decision once a ground arises"),
        PAYOUT: _("Pay out the money collected"),
        VALUATION_CONTRACT: _("Contract the valuation of the seized asset"),
        AUCTION: _("Hold the auction under the auction contract"),
        BUYER_PAYMENT: _("The buyer pays for the asset"),
        CREDITOR_OFFER: _("Offer the asset to the creditor against the debt"),
        CREDITOR_ANSWER: _("Get the creditor's answer to the offer of the asset"),
        REDEMPTION: _("End of the debtor's window to pay and keep the asset"),
    }


class DeadlineStatus:
    MET = "met"          # done on time
    LATE = "late"        # done after the deadline
    OPEN = "open"        # not done, deadline not passed
    OVERDUE = "overdue"  # not done, deadline passed


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_on: date
    met_on: date | None
    regime: str
    duty: bool = True          # an officer's obligation (the voluntary period is the debtor's)
    reference: str = ""        # which event or collection it belongs to

    @property
    def label(self) -> str:
        return str(DeadlineKind.LABELS[self.kind])

    def status(self, today: date) -> str:
        if self.met_on is not None:
            return DeadlineStatus.MET if self.met_on <= self.due_on else DeadlineStatus.LATE
        return DeadlineStatus.OPEN if today <= self.due_on else DeadlineStatus.OVERDUE


@dataclass(frozen=True)
class DeadlineCase:
    accepted_on: date
    origin: str
    judgment_type: str
    received_on: date | None = None
    notified_on: date | None = None


@dataclass(frozen=True)
class DeadlineEvent:
    sequence: int
    kind: str
    date: date
    amount: int | None = None
    ground: str = ""
    ground_arose_on: date | None = None


VERIFICATION_KINDS = frozenset({EventKind.CO_DIEU_KIEN, EventKind.CHUA_CO_DIEU_KIEN})
ENDING_KINDS = frozenset({EventKind.XONG, EventKind.DINH_CHI, EventKind.UY_THAC_DI})
LONG_REVERIFICATION_GROUNDS = frozenset({NoConditionsGround.DANG_CHAP_HANH_AN_TU, NoConditionsGround.KHONG_RO_DIA_CHI})
GROUND_DECISION_KINDS = frozenset({EventKind.CHUA_CO_DIEU_KIEN, EventKind.HOAN, EventKind.TAM_DINH_CHI,
                                   EventKind.DINH_CHI})


def compute_deadlines(case: DeadlineCase, events: Sequence[DeadlineEvent], payouts: Iterable[tuple[date, int]],
                      calendar: WorkingCalendar) -> list[Deadline]:
    """All deadlines of one case, met or not, in order of due date.

    Calendar-day periods ending on a day off move to the next working day; working-day periods count only
    working days. ``payouts`` are (paid_on, amount) pairs; they settle collections first in, first out."""
    deadlines: list[Deadline] = []
    ended_on = next((e.date for e in events if e.kind in ENDING_KINDS), None)

    if case.received_on is not None:
        regime = regime_on(case.received_on)
        days = (regime.bankruptcy_decision_working_days if case.judgment_type == JudgmentType.PHA_SAN
                else regime.decision_working_days)
        deadlines.append(Deadline(DeadlineKind.DECISION, calendar.add_working_days(case.received_on, days),
                                  case.accepted_on, regime.code))

    notice = case.notified_on or case.accepted_on
    regime = regime_on(notice)
    voluntary_end = calendar.next_working_day(notice + timedelta(days=regime.voluntary_days))
    deadlines.append(Deadline(DeadlineKind.VOLUNTARY, voluntary_end, None, regime.code, duty=False))

    first_verification = next((e for e in events if e.kind in VERIFICATION_KINDS), None)
    # Proactive cases are verified from the decision itself, not after a voluntary period. The period is
    # judged by the law in force on the day it starts to run.
    verification_start = case.accepted_on if case.origin == Origin.CHU_DONG else voluntary_end
    verification_regime = regime_on(verification_start)
    verification_due = calendar.next_working_day(
        verification_start + timedelta(days=verification_regime.verification_days))
    if first_verification is not None or ended_on is None or ended_on > verification_due:
        deadlines.append(Deadline(DeadlineKind.VERIFICATION, verification_due,
                                  first_verification.date if first_verification else None,
                                  verification_regime.code))

    deadlines.extend(_reverification_deadlines(events, calendar))
    deadlines.extend(_ground_decision_deadlines(events, calendar))
    deadlines.extend(_payout_deadlines(events, payouts, calendar))
    return sorted(deadlines, key=lambda d: (d.due_on, d.kind))


def _reverification_deadlines(events: Sequence[DeadlineEvent], calendar: WorkingCalendar) -> list[Deadline]:
    """A case without conditions is verified again every 6 months (12 for prisoners with ≥ 2 years left
    and unknown addresses) for as long as it stays without conditions. A case that left the bucket after
    the due date without a re-verification keeps the missed deadline in its record."""
    result = []
    for index, event in enumerate(events):
        if event.kind != EventKind.CHUA_CO_DIEU_KIEN:
            continue
        regime = regime_on(event.date)
        months = (regime.reverification_months_long if event.ground in LONG_REVERIFICATION_GROUNDS
                  else regime.reverification_months)
        due = calendar.next_working_day(add_months(event.date, months))
        later = events[index + 1:]
        next_verification = next((e for e in later if e.kind in VERIFICATION_KINDS), None)
        left_bucket = next((e for e in later if e.kind not in VERIFICATION_KINDS
                            and e.kind not in (EventKind.THU_TIEN, EventKind.GIAM)), None)
        if next_verification is not None and (left_bucket is None or next_verification.sequence < left_bucket.sequence):
            result.append(Deadline(DeadlineKind.REVERIFICATION, due, next_verification.date, regime.code,
                                   reference=f"#{event.sequence}"))
        elif left_bucket is None or left_bucket.date > due:
            result.append(Deadline(DeadlineKind.REVERIFICATION, due, None, regime.code, reference=f"#{event.sequence}"))
        # else: the case left "without conditions" (ended, separate book, suspended) before it fell due
    return result


def _ground_decision_deadlines(events: Sequence[DeadlineEvent], calendar: WorkingCalendar) -> list[Deadline]:
    result = []
    for event in events:
        if event.kind in GROUND_DECISION_KINDS and event.ground_arose_on is not None:
            regime = regime_on(event.ground_arose_on)
            due = calendar.add_working_days(event.ground_arose_on, regime.ground_decision_working_days)
            result.append(Deadline(DeadlineKind.GROUND_DECISION, due, event.date, regime.code,
                                   reference=f"#{event.sequence}"))
    return result


def _payout_deadlines(events: Sequence[DeadlineEvent], payouts: Iterable[tuple[date, int]],
                      calendar: WorkingCalendar) -> list[Deadline]:
    """Each collection must be paid out within 10 days; payouts settle collections in order."""
    remaining_payouts = sorted(payouts)
    payout_index, payout_left = 0, remaining_payouts[0][1] if remaining_payouts else 0
    result = []
    for event in events:
        if event.kind != EventKind.THU_TIEN:
            continue
        regime = regime_on(event.date)
        due = calendar.next_working_day(event.date + timedelta(days=regime.payout_days))
        owed, met_on = event.amount or 0, None
        while owed > 0 and payout_index < len(remaining_payouts):
            used = min(owed, payout_left)
            owed -= used
            payout_left -= used
            if owed == 0:
                met_on = remaining_payouts[payout_index][0]
            if payout_left == 0:
                payout_index += 1
                payout_left = remaining_payouts[payout_index][1] if payout_index < len(remaining_payouts) else 0
        result.append(Deadline(DeadlineKind.PAYOUT, due, met_on, regime.code, reference=f"#{event.sequence}"))
    return result


# ---- assets: seizure, valuation, auction --------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineRound:
    held_on: date
    outcome: str
    payment_due_on: date | None = None
    settled_on: date | None = None     # the buyer paid, or defaulted
    reductions_before: int = 0         # how many reductions the auction had made up to this round (included)


@dataclass(frozen=True)
class AssetTimeline:
    """One seizure's steps, as the asset deadlines need them (built by cases.selectors.seizure_timeline)."""

    reference: str
    seized_on: date
    real_estate: bool
    released_on: date | None = None
    valuation_started_on: date | None = None   # the valuation contract, or the valuation itself if none
    auction_contract_on: date | None = None
    rounds: tuple[TimelineRound, ...] = ()
    offered_on: date | None = None
    answered_on: date | None = None
    redemption_due_on: date | None = None
    closed_on: date | None = None


def compute_asset_deadlines(timeline: AssetTimeline, calendar: WorkingCalendar) -> list[Deadline]:
    """The deadlines of one seizure (domain.md §4), each judged by the regime in force when it starts:
    valuation contract within 5 working days of the seizure; the auction within 30 days (movables) or 45
    days (real estate) of its contract; the buyer's payment within 30 days of the sale; the offer to the
    creditor once the auction at the twice-reduced price has failed, and the creditor's answer (5 working
    days each); the debtor's redemption window (not an officer's duty). An open step of a seizure released
    or an auction closed before it fell due is dropped."""
    from cases.auction_rules import Outcome, auction_regime_on

    ended_on = timeline.closed_on or timeline.released_on
    result: list[Deadline] = []

    def add(kind, due, met_on, regime, *, duty=True):
        if met_on is None and ended_on is not None and ended_on <= due:
            return
        result.append(Deadline(kind, due, met_on, regime.code, duty=duty, reference=timeline.reference))

    regime = auction_regime_on(timeline.seized_on)
    add(DeadlineKind.VALUATION_CONTRACT,
        calendar.add_working_days(timeline.seized_on, regime.valuation_contract_working_days),
        timeline.valuation_started_on, regime)
    if timeline.auction_contract_on is not None:
        regime = auction_regime_on(timeline.auction_contract_on)
        days = regime.auction_days_real_estate if timeline.real_estate else regime.auction_days_movable
        add(DeadlineKind.AUCTION, calendar.next_working_day(timeline.auction_contract_on + timedelta(days=days)),
            timeline.rounds[0].held_on if timeline.rounds else None, regime)
    offer_deadline_set = False
    for round_ in timeline.rounds:
        if round_.payment_due_on is not None:
            add(DeadlineKind.BUYER_PAYMENT, calendar.next_working_day(round_.payment_due_on), round_.settled_on,
                auction_regime_on(round_.held_on))
        regime = auction_regime_on(round_.held_on)
        if (not offer_deadline_set and round_.outcome in Outcome.FAILED
                and round_.reductions_before >= regime.reductions_before_creditor_offer):
            offer_deadline_set = True
            add(DeadlineKind.CREDITOR_OFFER,
                calendar.add_working_days(round_.held_on, regime.creditor_offer_working_days), timeline.offered_on,
                regime)
    if timeline.offered_on is not None:
        regime = auction_regime_on(timeline.offered_on)
        add(DeadlineKind.CREDITOR_ANSWER,
            calendar.add_working_days(timeline.offered_on, regime.creditor_answer_working_days),
            timeline.answered_on, regime)
    if timeline.redemption_due_on is not None:
        closed = timeline.closed_on
        add(DeadlineKind.REDEMPTION, timeline.redemption_due_on,
            min(closed, timeline.redemption_due_on) if closed is not None else None,
            auction_regime_on(timeline.answered_on or timeline.redemption_due_on), duty=False)
    return result
