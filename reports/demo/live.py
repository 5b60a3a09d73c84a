"""The demo carried forward to the day it is loaded, so that it looks like an office's register today.

The calibrated history (history.py) stops on 30/09/2020. This module, pure Python like it:

- **carries forward** every case still open then: most end over the following years (paid and completed,
  terminated), cases without conditions are re-verified every six months (twelve for prisoners and unknown
  addresses) and, after two years, mostly moved to the separate book; postponed and suspended cases resume.
  Every added event is dated after 30/09/2020, so no figure of FY2016–FY2020 moves. Vị Thanh's oldest bank
  cases still with conditions are left as they are, for the asset and auction histories (assets.py) to
  continue up to today;
- adds the **new cases** accepted from the start of the fiscal year two years before today's until today
  (FY2025, FY2026 and FY2027 to date when loaded in November 2026), in the old Chi cục before 01/07/2025 and
  in the regional offices after (org.py), with the same kinds of histories;
- adds a few **designed cases** for the demo officer whose dates are computed from today on the working-day
  calendar, so that on the day the demo is loaded the officer has work overdue, work due on the next working
  day (today, on a working day) and work due within the next seven days — whatever the day.

Dates are relative to ``today`` (the day of the load); deterministic for a seed and a day.
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from cases.codes import Category, EventKind, Status
from cases.deadlines import DeadlineCase, DeadlineEvent, DeadlineKind, DeadlineStatus, compute_deadlines
from cases.workflow import CaseFacts, EventInput, apply, initial_state
from reports.demo.history import CATEGORY_MIX, LEDGER_END, DemoCase, _Builder
from reports.demo.org import unit_on
from thads.core.dates import WorkingCalendar, add_months, fiscal_year_bounds, fiscal_year_of

LIVE_PER_YEAR = 2400        # new cases a year in the demo's territory (a sample: Hậu Giang took ~7,000)
FROZEN_BANK_CASES = 30      # Vị Thanh's bank cases left to the asset histories
LONG_GROUNDS = frozenset({"dang_chap_hanh_an_tu", "khong_ro_dia_chi"})
VERIFICATIONS = frozenset({EventKind.CO_DIEU_KIEN, EventKind.CHUA_CO_DIEU_KIEN})
DEMO_TERRITORY = "HG-VT"    # the demo officer's old Chi cục


@dataclass
class LivePlan:
    today: date
    new_cases: list[DemoCase] = field(default_factory=list)
    officer_case_nos: list[str] = field(default_factory=list)   # designed cases, for the demo officer
    unpaid: set[tuple[str, date]] = field(default_factory=set)  # collections (case_no, date) left unpaid
    frozen: set[str] = field(default_factory=set)               # history cases left to the asset histories

    @property
    def start(self) -> date:
        return live_start(self.today)


def live_start(today: date) -> date:
    """The first day of the new cases: the start of the fiscal year two years before today's."""
    start = fiscal_year_bounds(fiscal_year_of(today) - 2)[0]
    return max(start, LEDGER_END + timedelta(days=1))


def build_live(history: list[DemoCase], *, today: date, calendar: WorkingCalendar, seed: int = 2026) -> LivePlan:
    """Carry ``history`` forward to ``today`` (in place) and return the new and designed cases."""
    plan = LivePlan(today=today)
    plan.frozen = carry_forward(history, today=today, seed=seed)
    plan.new_cases = new_cases(today=today, seed=seed + 1)
    designed, unpaid = officer_cases(today=today, calendar=calendar, seed=seed + 2)
    plan.new_cases += designed
    plan.officer_case_nos = [case.case_no for case in designed]
    plan.unpaid = unpaid
    return plan


# ---- continuing a history ---------------------------------------------------------------------------------

class _Stepper:
    """Appends events to a case, each checked by the workflow; nothing after ``today``."""

    def __init__(self, case: DemoCase, today: date):
        self.case, self.today = case, today
        self.facts = CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due)
        self.state = initial_state(self.facts)
        for event in case.events:
            self.state = apply(self.facts, self.state, event, today=today)

    @property
    def last(self) -> date:
        return self.state.last_event_on or self.case.accepted_on

    def add(self, day: date, kind: str, amount: int | None = None, ground: str = "") -> bool:
        day = max(day, self.last)
        if day > self.today:
            return False
        event = EventInput(kind=kind, date=day, amount=amount, ground=ground)
        self.state = apply(self.facts, self.state, event, today=self.today)
        self.case.events.append(event)
        return True

    def last_verification(self) -> EventInput | None:
        return next((e for e in reversed(self.case.events) if e.kind in VERIFICATIONS), None)

    def spell_start(self) -> date:
        """The day the current spell without conditions began."""
        start = self.last
        for event in reversed(self.case.events):
            if event.kind != EventKind.CHUA_CO_DIEU_KIEN and event.kind not in (EventKind.THU_TIEN, EventKind.GIAM):
                break
            if event.kind == EventKind.CHUA_CO_DIEU_KIEN:
                start = event.date
        return start


def continue_history(case: DemoCase, *, today: date, not_before: date, rng: random.Random,
                     statuses: frozenset[str] | None = None) -> None:
    """Continue an open case's history up to ``today``, each event on or after ``not_before``.

    ``statuses``: continue only a case in one of them (None: any open status)."""
    step = _Stepper(case, today)
    if statuses is not None and step.state.status not in statuses:
        return
    never_verified = step.state.status == Status.WITH_CONDITIONS and step.last_verification() is None
    if never_verified and not step.add(max(step.last, not_before) + timedelta(days=rng.randint(3, 20)),
                                       EventKind.CO_DIEU_KIEN):
        return
    for _guard in range(60):
        if step.state.ended:
            return
        status, start = step.state.status, max(step.last, not_before)
        if status == Status.WITHOUT_CONDITIONS:
            last = step.last_verification()
            months = 12 if last is not None and last.ground in LONG_GROUNDS else 6
            due = add_months(last.date if last else step.last, months)
            day = max(not_before, due - timedelta(days=rng.randint(3, 25)))
            if day > today:
                return
            roll = rng.random()
            if roll < 0.06:  # the debtor came into property or income: enforced and paid
                step.add(day, EventKind.CO_DIEU_KIEN)
            elif (day - step.spell_start()).days >= 730 and roll < 0.8:
                step.add(day, EventKind.CHUA_CO_DIEU_KIEN, ground=last.ground if last else "")
                step.add(day + timedelta(days=rng.randint(5, 40)), EventKind.CHUYEN_SO_RIENG)
                return
            elif not step.add(day, EventKind.CHUA_CO_DIEU_KIEN, ground=last.ground if last else ""):
                return
        elif status == Status.WITH_CONDITIONS:
            if case.category == Category.TIN_DUNG_NGAN_HANG:
                day = start + timedelta(days=rng.randint(200, 365))
                roll = rng.random()
                if roll < 0.17 or step.state.remaining == 0:
                    _pay_and_complete(step, day, rng)
                    return
                if roll < 0.24:
                    step.add(day, EventKind.DINH_CHI, ground="c")  # the bank and the debtor settle
                    return
                if step.state.remaining > 1_000_000 and roll < 0.85:
                    piece = step.state.remaining * rng.randint(12, 35) // 100
                    if not step.add(day, EventKind.THU_TIEN, piece):
                        return
                elif day > today:
                    return
                else:
                    not_before = day  # a year with nothing to record
            else:
                day = start + timedelta(days=rng.randint(20, 240))
                if rng.random() < 0.06:
                    step.add(day, EventKind.DINH_CHI, ground=rng.choice(["c", "e"]))
                else:
                    _pay_and_complete(step, day, rng)
                return
        elif status in (Status.POSTPONED, Status.SUSPENDED):
            if not step.add(start + timedelta(days=rng.randint(60, 500)), EventKind.TIEP_TUC):
                return
        elif status == Status.SEPARATE_BOOK and (_missed_reverification(case) or rng.random() < 0.5):
            # half the old cases of the separate book come back (the debtor inherited, found work, sold land),
            # and those whose re-verification was missed are taken up again and settled
            if not step.add(start + timedelta(days=rng.randint(60, 900)), EventKind.CO_DIEU_KIEN):
                return
        else:  # the separate book: stays there
            return


def _missed_reverification(case: DemoCase) -> bool:
    """Whether the case left "without conditions" for the separate book after a re-verification fell due."""
    facts = DeadlineCase(accepted_on=case.accepted_on, origin=case.origin, judgment_type=case.judgment_type)
    events = [DeadlineEvent(sequence=index, kind=e.kind, date=e.date, amount=e.amount, ground=e.ground)
              for index, e in enumerate(case.events, start=1)]
    return any(deadline.kind == DeadlineKind.REVERIFICATION and deadline.met_on is None
               for deadline in compute_deadlines(facts, events, [], WorkingCalendar()))


def _pay_and_complete(step: _Stepper, day: date, rng: random.Random) -> None:
    """Collect what is left (if anything) and record the case completed a few days later."""
    if step.state.remaining > 0 and not step.add(day, EventKind.THU_TIEN, step.state.remaining):
        return
    step.add(day + timedelta(days=rng.randint(0, 6)), EventKind.XONG)


def carry_forward(history: list[DemoCase], *, today: date, seed: int = 2026) -> set[str]:
    """Continue every history case open at the end of the ledger (in place). Returns the case numbers of
    the bank cases of Vị Thanh left as they are, for the asset histories."""
    rng = random.Random(seed)
    after = LEDGER_END + timedelta(days=1)
    bank_open = [case for case in history if case.unit_code == DEMO_TERRITORY
                 and case.category == Category.TIN_DUNG_NGAN_HANG
                 and _Stepper(case, LEDGER_END).state.status == Status.WITH_CONDITIONS]
    frozen = {case.case_no for case in sorted(bank_open, key=lambda c: (c.accepted_on, c.case_no))[:FROZEN_BANK_CASES]}
    for case in history:
        if case.case_no not in frozen:
            continue_history(case, today=today, not_before=after, rng=rng)
    return frozen


# ---- new cases ---------------------------------------------------------------------------------------------

def new_cases(*, today: date, seed: int = 2027) -> list[DemoCase]:
    """Cases accepted from live_start(today) to today, in the unit of their territory on that day."""
    start = live_start(today)
    builder = _Builder(seed, until=today)
    days = (today - start).days + 1
    count = LIVE_PER_YEAR * days // 365
    for _ in range(count):
        category = builder.rng.choices([c for c, _w in CATEGORY_MIX], weights=[w for _c, w in CATEGORY_MIX])[0]
        accepted_on = builder.random_day(start, today)
        case = builder.shell(category, accepted_on, builder.amount(category))
        _localise(case, builder.counter)
        builder.base_history(case)
    # histories without conditions go on being re-verified up to today
    rng = random.Random(seed)
    for case in builder.cases:
        continue_history(case, today=today, not_before=case.accepted_on, rng=rng,
                         statuses=frozenset({Status.WITHOUT_CONDITIONS}))
    return sorted(builder.cases, key=lambda c: (c.accepted_on, c.case_no))


def _localise(case: DemoCase, number: int, *, territory: str | None = None) -> None:
    """Place a new case in the unit that accepted it on its day, and number it in that unit's series."""
    case.unit_code = unit_on(territory or case.unit_code, case.accepted_on)
    prefix = case.unit_code.split("-")[0]
    case.case_no = f"{prefix}-{case.accepted_on.year}-{number:06d}"


# ---- the demo officer's designed cases ------------------------------------------------------------------

def officer_cases(*, today: date, calendar: WorkingCalendar, seed: int = 2028
                  ) -> tuple[list[DemoCase], set[tuple[str, date]]]:
    """Cases of the demo officer's territory, dated from ``today``, that give on ``today``: three duties
    overdue, two due on the next working day (today, when today is one), three due later within seven days.
    Returns the cases and the collections to leave unpaid."""
    builder = _Builder(seed, until=today)
    unpaid: set[tuple[str, date]] = set()
    target = calendar.next_working_day(today)
    soon = [today + timedelta(days=n) for n in range(1, 8) if today + timedelta(days=n) != target]

    def shell(category: str, accepted_on: date, amount: int) -> DemoCase:
        case = builder.shell(category, accepted_on, amount)
        _localise(case, 900_000 + builder.counter, territory=DEMO_TERRITORY)
        return case

    def verification_due(accepted_on: date) -> date:  # proactive cases: 10 days from the decision
        return calendar.next_working_day(accepted_on + timedelta(days=10))

    # 1. overdue: a budget case never verified
    accepted = next(today - timedelta(days=n) for n in range(17, 60) if verification_due(today - timedelta(days=n))
                    < today)
    shell(Category.NGAN_SACH, accepted, 3_500_000)
    # 2. overdue: money collected three weeks ago, not yet paid out to the creditor
    case = shell(Category.KHAC, today - timedelta(days=70), 48_000_000)
    builder.add_events(case, [(15, EventKind.CO_DIEU_KIEN, None, ""), (30, EventKind.THU_TIEN, 20_000_000, "")])
    unpaid.add((case.case_no, case.events[-1].date))
    # 3. overdue: a re-verification of a case without conditions missed by a few days
    verified = next(add_months(today, -6) - timedelta(days=n) for n in range(5, 40)
                    if calendar.next_working_day(add_months(add_months(today, -6) - timedelta(days=n), 6)) < today)
    case = shell(Category.KHAC, verified - timedelta(days=25), 15_000_000)
    builder.add_events(case, [(25, EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san")])
    # 4. due on the next working day: a budget case accepted so that its verification falls due then …
    accepted = next(today - timedelta(days=n) for n in range(10, 40) if verification_due(today - timedelta(days=n))
                    == target)
    shell(Category.NGAN_SACH, accepted, 1_200_000)
    # … and a collection to pay out by then
    collected = next(today - timedelta(days=n) for n in range(10, 40)
                     if calendar.next_working_day(today - timedelta(days=n) + timedelta(days=10)) == target)
    case = shell(Category.KHAC, collected - timedelta(days=40), 64_000_000)
    builder.add_events(case, [(18, EventKind.CO_DIEU_KIEN, None, ""),
                              ((collected - case.accepted_on).days - 18, EventKind.THU_TIEN, 64_000_000, "")])
    unpaid.add((case.case_no, collected))
    # 5. due within the week: another verification …
    accepted = next((today - timedelta(days=n) for n in range(0, 10)
                     if verification_due(today - timedelta(days=n)) in soon), None)
    if accepted is not None:
        shell(Category.THAM_NHUNG_KINH_TE, accepted, 85_000_000)
    # 6. … a collection to pay out (10 days) …
    collected = next((today - timedelta(days=n) for n in range(0, 10)
                      if calendar.next_working_day(today - timedelta(days=n) + timedelta(days=10)) in soon), None)
    if collected is not None:
        case = shell(Category.KHAC, collected - timedelta(days=55), 120_000_000)
        builder.add_events(case, [(20, EventKind.CO_DIEU_KIEN, None, ""),
                                  ((collected - case.accepted_on).days - 20, EventKind.THU_TIEN, 35_000_000, "")])
        unpaid.add((case.case_no, collected))
    # 7. … and a re-verification of a case without conditions (six months)
    verified = next((add_months(today, -6) + timedelta(days=n) for n in range(-3, 10)
                     if calendar.next_working_day(add_months(add_months(today, -6) + timedelta(days=n), 6)) in soon),
                    None)
    if verified is not None:
        case = shell(Category.NGAN_SACH, verified - timedelta(days=12), 6_400_000)
        builder.add_events(case, [(12, EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san")])
    return builder.cases, unpaid


# ---- what the officer sees ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Duties:
    overdue: int
    due_next_working_day: int
    due_within_week: int


def duties_on(cases: list[DemoCase], *, today: date, calendar: WorkingCalendar,
              unpaid: set[tuple[str, date]]) -> Duties:
    """The officer's open duties among ``cases`` on ``today``, as cases.deadlines computes them (pure): the
    collections in ``unpaid`` are unpaid, every other collection paid the next day."""
    overdue = next_day = week = 0
    target = calendar.next_working_day(today)
    for case in cases:
        facts = DeadlineCase(accepted_on=case.accepted_on, origin=case.origin, judgment_type=case.judgment_type)
        events = [DeadlineEvent(sequence=index, kind=e.kind, date=e.date, amount=e.amount, ground=e.ground)
                  for index, e in enumerate(case.events, start=1)]
        payouts = [(e.date + timedelta(days=1), e.amount) for e in case.events
                   if e.kind == EventKind.THU_TIEN and (case.case_no, e.date) not in unpaid]
        if any(e.kind in (EventKind.XONG, EventKind.DINH_CHI, EventKind.UY_THAC_DI) for e in case.events):
            continue
        for deadline in compute_deadlines(facts, events, payouts, calendar):
            if not deadline.duty or deadline.met_on is not None:
                continue
            if deadline.status(today) == DeadlineStatus.OVERDUE:
                overdue += 1
            elif deadline.due_on == target:
                next_day += 1
            elif today < deadline.due_on <= today + timedelta(days=7):
                week += 1
    return Duties(overdue, next_day, week)
