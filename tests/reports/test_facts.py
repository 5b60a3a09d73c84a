"""The per-case facts (reports.facts): kept by the services, rebuilt set-based, rolled over, checked; the engine
reading them gives exactly what it gives from the events and what the per-case reference gives."""
import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.utils import translation

from cases.codes import Category, EventKind, Origin
from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import _ground as ledger_ground
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent
from cases.services import EventData, case_events_record, cases_assign
from cases.workflow import CaseFacts, EventInput, allowed_kinds, apply, initial_state
from reports import facts as facts_module
from reports.engine import Hierarchy, facts_answer, group_rows, roll_up, unit_figures
from reports.facts import (
    case_facts_refresh,
    facts_check,
    facts_deferred,
    facts_invalidate,
    facts_rebuild,
    facts_rollover,
)
from reports.indicators import Figures
from reports.models import CaseYearFact, ClosedPeriod, FactsCoverage, Snapshot
from reports.reference import CaseHistory, case_figures
from reports.services import job_create, period_close, statistics_refresh
from tests.factories import make_case, record
from thads.core.dates import fiscal_year_bounds
from thads.org.models import Unit

SPLITS = [None, *Category.values]


def fact_rows() -> set[tuple]:
    return set(CaseYearFact.objects.values_list(*[c.removesuffix("_id") if c in ("case_id", "unit_id", "officer_id")
                                                  else c for c in facts_module.COLUMNS]))


def engine_totals(start: date, end: date, source: str) -> dict:
    rows = group_rows(start=start, end=end, source=source)
    hierarchy = Hierarchy(end)
    return roll_up(rows, hierarchy) | roll_up(rows, hierarchy, key=lambda row: row.category)


def reference_totals(start: date, end: date) -> dict:
    """Every unit × category from reports.reference, replaying each case's events (by statistical date)."""
    hierarchy = Hierarchy(end)
    events: dict[int, list] = defaultdict(list)
    for case_id, kind, stat_date, amount, ground in CaseEvent.objects.order_by("case_id", "sequence").values_list(
            "case_id", "kind", "stat_date", "amount", "ground"):
        events[case_id].append(EventInput(kind=kind, date=stat_date, amount=amount, ground=ground))
    totals: dict = defaultdict(Figures.zero)
    for case in Case.objects.all():
        history = CaseHistory(CaseFacts(case.case_no, case.category, case.stat_accepted_on, case.amount_due),
                              tuple(events[case.pk]))
        figures = case_figures(history, start, end)
        for unit_id in hierarchy.chain(case.unit_id):
            totals[(unit_id, None)].add(figures)
            totals[(unit_id, case.category)].add(figures)
    return totals


def group_set(start: date, end: date, source: str, **filters) -> set[tuple]:
    """The engine's group rows as comparable values."""
    return {(row.unit_id, row.category, row.origin, row.officer_id, tuple(row.figures.counts.items()),
             tuple(row.figures.amounts.items())) for row in group_rows(start=start, end=end, source=source, **filters)}


def assert_no_drift() -> None:
    """The nightly check finds neither facts nor kept group sums differing."""
    drift = facts_check()
    assert (drift.pairs, drift.groups) == ([], [])


def assert_everything_agrees(start: date, end: date, *, with_facts: bool = True) -> int:
    """The engine on facts (whole fiscal years: their kept group sums, and the fact rows aggregated), on events
    and the reference agree for every unit × category; the kept sums equal the facts' aggregate group by group.
    Returns how many (unit, split) pairs had cases."""
    by_events = engine_totals(start, end, "events")
    by_reference = reference_totals(start, end)
    by_facts = engine_totals(start, end, "facts") if with_facts else by_events
    by_scan = engine_totals(start, end, "facts_scan") if with_facts else by_events
    if with_facts:
        assert group_set(start, end, "facts") == group_set(start, end, "facts_scan")
    checked = 0
    for unit_id in Unit.objects.active_on(end).values_list("id", flat=True):
        for split in SPLITS:
            reference = by_reference.get((unit_id, split), Figures.zero())
            for name, got in (("events", by_events), ("facts", by_facts), ("facts_scan", by_scan)):
                figures = got.get((unit_id, split), Figures.zero())
                assert (figures.counts, figures.amounts) == (reference.counts, reference.amounts), (
                    name, unit_id, split, start, end)
            checked += reference.counts["carried_over"] + reference.counts["new"] > 0
    return checked


# ---- the engine's choice of source -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_engine_reads_facts_for_whole_fiscal_years_and_years_to_date_and_events_otherwise(org):
    # Given a case accepted on 10/1/2019 with an event on 1/3/2019, facts complete through the current year
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 10))
    record(case, EventKind.CHUA_CO_DIEU_KIEN, date(2019, 3, 1))
    assert FactsCoverage.objects.get(pk=1).complete_through >= 2019
    # Then a whole fiscal year and a year to date after the latest statistical date read the facts
    assert facts_answer(date(2018, 10, 1), date(2019, 9, 30))
    assert facts_answer(date(2018, 10, 1), date(2019, 3, 1))
    # And a year to date before it, a month, or a period not starting on 1 October read the events
    assert not facts_answer(date(2018, 10, 1), date(2019, 2, 28))
    assert not facts_answer(date(2019, 1, 1), date(2019, 1, 31))
    assert not facts_answer(date(2018, 10, 2), date(2019, 9, 30))
    # And when the facts were invalidated (rows written around the services) every period reads the events
    facts_invalidate()
    assert not facts_answer(date(2018, 10, 1), date(2019, 9, 30))
    # And the figures are the same either way
    assert_everything_agrees(date(2018, 10, 1), date(2019, 9, 30), with_facts=False)


@pytest.mark.django_db
def test_the_services_write_one_row_per_counted_year_and_follow_events_and_officers(org, people):
    # Given a case accepted in FY2018 and moved to the separate book in FY2019
    case = make_case(unit=org["HG-VT"], accepted_on=date(2018, 5, 2), amount_due=7_000_000)
    record(case, EventKind.THU_TIEN, date(2018, 6, 1), amount=2_000_000)
    record(case, EventKind.CHUA_CO_DIEU_KIEN, date(2018, 11, 1))
    record(case, EventKind.CHUYEN_SO_RIENG, date(2018, 11, 5))
    rows = {r.fiscal_year: r for r in CaseYearFact.objects.filter(case=case)}
    # Then it has a row for FY2018 (new) and FY2019 (carried over, in the separate book at the end), none after
    assert sorted(rows) == [2018, 2019]
    assert (rows[2018].is_new, rows[2018].carried, rows[2018].base_money, rows[2018].collected,
            rows[2018].remaining_end) == (True, False, 7_000_000, 2_000_000, 5_000_000)
    assert (rows[2019].is_new, rows[2019].carried, rows[2019].base_money, rows[2019].status_end,
            rows[2019].last_stat_date) == (False, True, 5_000_000, "separate_book", date(2018, 11, 5))
    # When a verification brings it back in FY2021
    record(case, EventKind.CO_DIEU_KIEN, date(2021, 2, 1))
    # Then FY2021 counts it as new (back from the separate book) with what remained due
    row = CaseYearFact.objects.get(case=case, fiscal_year=2021)
    assert (row.is_new, row.carried, row.base_money, row.status_end) == (True, False, 5_000_000, "with_conditions")
    # And every later year up to the current one carries it
    assert set(CaseYearFact.objects.filter(case=case).values_list("fiscal_year", flat=True)) == {
        2018, 2019, 2021, *range(2022, FactsCoverage.objects.get(pk=1).complete_through + 1)}
    # When the unit head assigns it to another officer
    assert cases_assign(actor=people["head"], case_ids=[case.pk], officer=people["officer2"]) == 1
    # Then every row follows
    assert set(CaseYearFact.objects.filter(case=case).values_list("officer_id", flat=True)) == {
        people["officer2"].pk}
    assert_no_drift()


@pytest.mark.django_db
def test_a_row_keeps_the_state_before_its_year_and_its_first_date_so_a_month_before_it_reads_no_events(org):
    # Given a case accepted in FY2018 with 2,000,000 collected then, 1,000,000 collected and postponed in FY2019
    case = make_case(unit=org["HG-VT"], accepted_on=date(2018, 5, 2), amount_due=7_000_000)
    record(case, EventKind.THU_TIEN, date(2018, 6, 1), amount=2_000_000)
    record(case, EventKind.THU_TIEN, date(2019, 2, 1), amount=1_000_000)
    record(case, EventKind.HOAN, date(2019, 4, 1), ground="a")
    # And a case accepted within FY2019 without any event
    quiet = make_case(unit=org["HG-VT"], accepted_on=date(2018, 12, 3), amount_due=3_000_000)
    # Then its FY2019 row keeps its acceptance, the state before 1/10/2018 and its first date within the year
    row = CaseYearFact.objects.get(case=case, fiscal_year=2019)
    assert (row.accepted_on, row.first_stat_date, row.status_start, row.ground_start, row.remaining_start,
            row.terminated_start) == (date(2018, 5, 2), date(2019, 2, 1), "with_conditions", "", 5_000_000, 0)
    assert (row.status_end, row.remaining_end, row.collected, row.last_stat_date) == (
        "postponed", 4_000_000, 1_000_000, date(2019, 4, 1))
    assert CaseYearFact.objects.filter(case=quiet, fiscal_year=2019, first_stat_date__isnull=True,
                                       status_start="with_conditions", remaining_start=3_000_000).exists()
    # And for every end within FY2019 — before the first event, between the events, after them, before and after
    # the quiet case's acceptance — the split read equals the events and the reference, reading the events of
    # no case whose row answers (the first case's only between its two events)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for end, events_read in ((date(2018, 10, 31), 0), (date(2018, 12, 2), 0), (date(2018, 12, 3), 0),
                             (date(2019, 2, 1), 1), (date(2019, 3, 15), 1), (date(2019, 4, 1), 0)):
        start = date(2018, 10, 1)
        with CaptureQueriesContext(connection) as captured:
            split = engine_totals(start, end, "split")
        read = [q["sql"] for q in captured.captured_queries if "cases_caseevent" in q["sql"]]
        assert len(read) == 1  # the split's events part, restricted to the unanswered cases
        assert CaseYearFact.objects.filter(fiscal_year=2019, last_stat_date__gt=end,
                                           first_stat_date__lte=end).count() == events_read, end
        assert {k: (v.counts, v.amounts) for k, v in split.items()} == {
            k: (v.counts, v.amounts) for k, v in engine_totals(start, end, "events").items()}, end
        assert_everything_agrees(start, end, with_facts=False)
    assert_no_drift()


@pytest.mark.django_db
def test_a_refresh_is_five_statements_whatever_the_number_of_cases_and_two_more_when_sums_change(
        org, django_assert_num_queries):
    # Given 30 cases with a few events each
    cases = [make_case(unit=org["HG-NB"], accepted_on=date(2018, 1, 1) + timedelta(days=7 * n)) for n in range(30)]
    for case in cases[::2]:
        record(case, EventKind.THU_TIEN, date(2019, 5, 1), amount=1_000_000)
    before = fact_rows()
    # When one and then all thirty are refreshed: five statements each time (the group sums before, bounds,
    # delete, insert, the group sums after) and no upsert: nothing changed; on PostgreSQL one more, first (the
    # facts' lock, so that a bulk rebuild is waited for before the sums are read)
    lock = int(connection.vendor == "postgresql")
    with django_assert_num_queries(5 + lock):
        case_facts_refresh([cases[0].pk])
    with django_assert_num_queries(5 + lock):
        case_facts_refresh([case.pk for case in cases])
    # Then nothing changed (they were kept in step already)
    assert fact_rows() == before
    # When a row is changed around the services, a refresh puts it back and adds the difference to the group
    # sums: two more (the group's rows taken, one row of their sums put back), on PostgreSQL three (the fold's
    # lock, tried first)
    CaseYearFact.objects.filter(case=cases[1], fiscal_year=2019).update(collected=5)
    with django_assert_num_queries(7 + 2 * lock):
        case_facts_refresh([case.pk for case in cases])
    assert fact_rows() == before


@pytest.mark.django_db
def test_deferred_refreshes_run_once_at_the_end(org, django_assert_max_num_queries):
    # Given refreshes requested inside facts_deferred
    case = make_case(unit=org["HG-NB"], accepted_on=date(2019, 1, 1))
    CaseYearFact.objects.all().delete()
    with facts_deferred():
        case_facts_refresh([case.pk])
        with facts_deferred():  # nested: joins the outer one
            case_facts_refresh([case.pk])
        # Then nothing is written yet
        assert not CaseYearFact.objects.exists()
    # And on leaving, the rows are there
    assert CaseYearFact.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_drift_is_found_reported_on_the_job_and_repaired(org):
    # Given facts kept by the services, one of them then tampered with and one deleted
    first = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 10))
    second = make_case(unit=org["HG-NB"], accepted_on=date(2019, 2, 10))
    assert_no_drift()
    CaseYearFact.objects.filter(case=first, fiscal_year=2019).update(remaining_end=1)
    CaseYearFact.objects.filter(case=second, fiscal_year=2020).delete()
    # When the nightly refresh runs
    job = job_create(kind="nightly_refresh")
    with translation.override("en"):
        statistics_refresh(job=job, today=date(2019, 11, 15))
    job.refresh_from_db()
    # Then the drift is on the job's message, and repaired
    assert job.status == "succeeded"
    assert f"#{first.pk}/FY2019" in job.message and f"#{second.pk}/FY2020" in job.message
    assert job.message.startswith("Facts drift: 2 case-years")
    assert_no_drift()


# ---- the rollover -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_before_the_rollover_a_new_year_reads_the_events_and_after_it_the_facts(org):
    # Given, on 15/9/2026, facts complete through FY2026 and a case accepted in FY2026, still open
    with time_machine.travel(date(2026, 9, 15), tick=False):
        FactsCoverage.objects.filter(pk=1).update(complete_through=2026)
        case = make_case(unit=org["HG-KV1"], accepted_on=date(2026, 3, 1), today=date(2026, 9, 15))
        record(case, EventKind.THU_TIEN, date(2026, 4, 1), amount=1_000_000, today=date(2026, 9, 15))
        assert set(CaseYearFact.objects.filter(case=case).values_list("fiscal_year", flat=True)) == {2026}
    start, end = fiscal_year_bounds(2027)
    with time_machine.travel(date(2026, 10, 2), tick=False):
        # When FY2027 has begun and the rollover has not run
        # Then the engine reads FY2027 from the events, and counts the case as carried over
        assert not facts_answer(start, date(2026, 10, 2))
        figures = unit_figures(org["HG"], start=start, end=date(2026, 10, 2))
        assert (figures.counts["carried_over"], figures.amounts["carried_over"]) == (1, 9_000_000)
        # When the rollover runs (twice: it is idempotent)
        assert facts_rollover() == [2027]
        rows = fact_rows()
        assert facts_rollover() == []
        assert fact_rows() == rows
        # Then FY2027 is complete, the case has its row, and the engine reads the facts with the same figures
        assert FactsCoverage.objects.get(pk=1).complete_through == 2027
        row = CaseYearFact.objects.get(case=case, fiscal_year=2027)
        assert (row.carried, row.base_money, row.collected) == (True, 9_000_000, 0)
        assert facts_answer(start, date(2026, 10, 2))
        assert unit_figures(org["HG"], start=start, end=date(2026, 10, 2)) == figures
        assert_no_drift()


# ---- generated ledgers: facts == events == reference ---------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("batch", "chunk"), [(5000, 2000), (70, 25)], ids=["one-batch", "batches-and-chunks"])
def test_an_imported_ledger_has_the_facts_of_a_rebuild_and_all_three_agree(tmp_path, monkeypatch, batch, chunk):
    # Given a generated ledger imported (the new cases' facts written batch by batch with their rows; with small
    # batches, several are queued for the writer thread on PostgreSQL, and each is inserted in several chunks)
    monkeypatch.setattr("cases.ledger.importer.WRITE_BATCH", batch)
    monkeypatch.setattr(facts_module, "CHUNK", chunk)
    generate_ledger(tmp_path, cases=300, events=900, seed=5)
    import_ledger(tmp_path)
    kept = fact_rows()
    # When the facts are rebuilt set-based
    facts_rebuild()
    # Then they are the same rows, and nothing drifts
    assert kept == fact_rows() and len(kept) > 300
    assert_no_drift()
    # And for every fiscal year, the facts, the events and the reference agree on every unit × category
    for year in (2017, 2018, 2019, 2020):
        assert assert_everything_agrees(*fiscal_year_bounds(year)) > 10


def _random_events(rng: random.Random, cases: list[Case], clock: dict, states: dict, count: int, now: date,
                   end: date) -> tuple[Case, list[EventData]]:
    """``count`` valid events for one case, dated from its last event on, around ``now``."""
    case = rng.choice(cases)
    facts = CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due)
    state, day, batch = states[case.pk], clock[case.pk], []
    for _ in range(count):
        kinds = [k for k in allowed_kinds(state)
                 if (k not in (EventKind.THU_TIEN, EventKind.GIAM) or state.remaining > 0)
                 and (k != EventKind.GIAM or case.category == Category.NGAN_SACH)
                 and (k != EventKind.XONG or state.remaining == 0)
                 and (k not in (EventKind.DINH_CHI, EventKind.UY_THAC_DI) or rng.random() < 0.05)]
        if not kinds:
            break
        kind = rng.choice(kinds)
        day = min(end, max(day, now - timedelta(days=rng.randint(0, 90))) + timedelta(days=rng.randint(0, 20)))
        amount = None
        if kind in (EventKind.THU_TIEN, EventKind.GIAM):
            amount = state.remaining if rng.random() < 0.1 else max(1, state.remaining // rng.randint(3, 10))
        ground = ledger_ground(rng, kind)
        event = EventInput(kind=kind, date=day, amount=amount, ground=ground)
        state = apply(facts, state, event, today=end)
        batch.append(EventData(kind=kind, date=day, amount=amount, ground=ground))
    states[case.pk], clock[case.pk] = state, day
    return case, batch


@pytest.mark.django_db
def test_after_ten_thousand_random_events_through_the_services_nothing_drifts(org, people):
    """Small cases, many events, late records after closures, officers reassigned: the facts kept by the
    services equal the bulk rebuild, and the engine on facts, on events and the reference agree."""
    rng = random.Random(2019)
    end = date(2020, 9, 30)
    units = [org["HG-VT"], org["HG-NB"], org["ST-A"]]
    cases = []
    for n in range(700):
        category = rng.choice(Category.values)
        cases.append(make_case(unit=rng.choice(units), category=category, amount_due=rng.randint(1, 40) * 100_000,
                               accepted_on=date(2017, 10, 1) + timedelta(days=rng.randint(0, 900)),
                               origin=rng.choice(Origin.values), case_no=f"R-{n:04d}", today=end))
    states = {case.pk: initial_state(CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due))
              for case in cases}
    clock = {case.pk: case.accepted_on for case in cases}
    recorded, closures, iteration = 0, [], 0
    while recorded < 10_000 and iteration < 5000:
        iteration += 1
        now = min(end, date(2017, 12, 1) + timedelta(days=iteration * 1030 // 1000))
        open_cases = [case for case in cases if clock[case.pk] <= now and allowed_kinds(states[case.pk])]
        if not open_cases:
            continue
        case, batch = _random_events(rng, open_cases, clock, states, rng.randint(6, 14), now, end)
        if not batch:
            continue
        case_events_record(actor=None, case=case, events=batch, today=end)
        recorded += len(batch)
        if recorded // 700 > len(closures):  # a statistician closes the last complete month
            month_end = now.replace(day=1) - timedelta(days=1)
            if not closures or month_end > closures[-1]:
                period_close(actor=None, unit=org["HG"], end=month_end, today=end)
                closures.append(month_end)
        if recorded // 2500 > 0 and rng.random() < 0.01:
            mine = [c.pk for c in cases if c.unit_id == org["HG-VT"].pk][:rng.randint(1, 20)]
            cases_assign(actor=people["head"], case_ids=mine, officer=rng.choice([people["officer"],
                                                                                 people["officer2"]]))
    assert CaseEvent.objects.count() >= 10_000
    late = CaseEvent.objects.exclude(stat_date=F("date")).count()
    assert late > 50  # late records moved after a closure
    # Then the nightly check finds no drift, and the kept facts are the rebuild's
    drift = facts_check()
    assert (drift.count, drift.groups, drift.checked > 1000) == (0, [], True)
    kept = fact_rows()
    facts_rebuild()
    assert fact_rows() == kept
    # And every fiscal year agrees three ways on every unit × category, and a month inside a past year too
    for year in (2018, 2019, 2020):
        assert assert_everything_agrees(*fiscal_year_bounds(year)) > 5
    assert_everything_agrees(date(2019, 1, 1), date(2019, 1, 31), with_facts=False)
    # And every closed period's snapshots (HG and its districts) still give the figures the engine computes now
    assert ClosedPeriod.objects.count() >= 10
    for closed in ClosedPeriod.objects.all():
        for snapshot in Snapshot.objects.filter(period_end=closed.end, category="",
                                                unit__code__in=["HG", "HG-VT", "HG-NB"]):
            now_figures = unit_figures(snapshot.unit, start=snapshot.period_start, end=snapshot.period_end)
            assert snapshot.figures["cases"]["to_enforce"] == now_figures.cases()["to_enforce"]
            assert snapshot.figures["money"]["resolved"] == now_figures.money()["resolved"]


@pytest.mark.django_db
def test_the_national_dataset_across_the_2025_reorganisation_agrees_three_ways():
    """Units retired on 30/6/2025 count in their successors: every unit × category of FY2024–FY2026, the
    facts (rebuilt after the bulk load, which bypasses the services and invalidates them) against the events
    and the reference."""
    from reports.synthetic import generate

    # Given the national dataset loaded around the services
    generate(cases=1200, seed=7)
    assert FactsCoverage.objects.get(pk=1).complete_through is None
    assert not facts_answer(*fiscal_year_bounds(2025))
    # When the facts are rebuilt
    assert facts_rebuild() > 1200
    # Then FY2024, FY2025 and FY2026 agree three ways, and the period ending on the districts' last day too
    assert facts_answer(*fiscal_year_bounds(2025))
    for year in (2024, 2025, 2026):
        assert assert_everything_agrees(*fiscal_year_bounds(year)) > 100
    assert_everything_agrees(date(2024, 10, 1), date(2025, 6, 30), with_facts=False)
    assert_no_drift()
