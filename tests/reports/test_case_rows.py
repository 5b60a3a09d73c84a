"""Every figure opens its cases: reports.engine.case_rows (through report_case_rows and `stats --cases`) gives
exactly the cases the per-case reference implementation puts in each class, for a unit, a sub-unit and an
officer, on a generated ledger; and the list's count and money total equal the report's figures."""
import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent
from cases.services import cases_assign
from cases.workflow import CaseFacts, EventInput
from reports.engine import CASE_CLASSES, CLASS_SQL
from reports.indicators import derive
from reports.reference import CaseHistory, case_figures
from reports.services import report_build, report_case_rows
from thads.core.errors import DomainError
from thads.org.models import Role, Title, Unit
from thads.org.services import officer_create

FY2019 = (date(2018, 10, 1), date(2019, 9, 30))
CLI_CLASSES = ["carried_over", "new", "transferred_out", "with_conditions", "completed", "terminated",
               "in_progress", "postponed_or_suspended", "without_conditions"]


@pytest.fixture
def generated(db, tmp_path):
    """400 generated cases in HG and its districts; a third of HG-VT's cases assigned to one officer."""
    generate_ledger(tmp_path, cases=400, events=1200, seed=11)
    import_ledger(tmp_path)
    vi_thanh = Unit.objects.get(code="HG-VT")
    officer = officer_create(username="chv", password="pw-test-123", full_name="Chấp hành viên", unit=vi_thanh,
                             title=Title.CHV_TRUNG_CAP, role=Role.OFFICER).user
    ids = list(Case.objects.filter(unit=vi_thanh).order_by("id").values_list("id", flat=True))
    cases_assign(actor=None, case_ids=ids[::3], officer=officer)  # through the service: the facts follow
    return officer


def _expected(case_filter, start, end) -> tuple[dict, dict]:
    """{class: sorted case numbers} for counts, {class: {case number: amount}} for money, per the reference."""
    events: dict[int, list] = {}
    for event in CaseEvent.objects.order_by("case_id", "sequence"):
        events.setdefault(event.case_id, []).append(
            EventInput(kind=event.kind, date=event.stat_date, amount=event.amount, ground=event.ground))
    counts: dict = {name: [] for name in CLASS_SQL}
    money: dict = {name: {} for name in CLASS_SQL}
    for case in Case.objects.filter(case_filter):
        history = CaseHistory(CaseFacts(case.case_no, case.category, case.stat_accepted_on, case.amount_due),
                              tuple(events.get(case.pk, ())))
        figures = case_figures(history, start, end)
        per_count, per_money = derive(figures.counts, money=False), derive(figures.amounts, money=True)
        for name in CLASS_SQL:
            if name in per_count and per_count[name]:
                counts[name].append(case.case_no)
            if per_money[name]:
                money[name][case.case_no] = per_money[name]
    return {k: sorted(v) for k, v in counts.items()}, money


def _scopes(generated):
    from django.db.models import Q

    province, vi_thanh = Unit.objects.get(code="HG"), Unit.objects.get(code="HG-VT")
    return [
        ("unit", province, {}, Q(unit__code__startswith="HG")),
        ("sub-unit", vi_thanh, {}, Q(unit=vi_thanh)),
        ("officer", vi_thanh, {"officer_id": generated.pk}, Q(unit=vi_thanh, officer=generated)),
        ("unassigned", vi_thanh, {"officer_id": 0}, Q(unit=vi_thanh, officer__isnull=True)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("period", [FY2019, (date(2019, 10, 1), date(2020, 3, 31))])
def test_given_a_generated_ledger_then_every_class_lists_exactly_the_reference_cases(generated, period):
    start, end = period
    for scope_name, unit, filters, case_filter in _scopes(generated):
        expected_counts, expected_money = _expected(case_filter, start, end)
        report = report_build(unit=unit, start=start, end=end, **filters)
        assert report["cases"]["accepted"] > 0, scope_name
        for name in CASE_CLASSES:
            # when
            rows = report_case_rows(unit=unit, start=start, end=end, case_class=name, **filters)
            # then
            assert [row.case_no for row in rows] == expected_counts[name], (scope_name, name)
            assert len(rows) == report["cases"][name], (scope_name, name)
        for name in CLASS_SQL:
            rows = report_case_rows(unit=unit, start=start, end=end, case_class=name, money=True, **filters)
            assert {row.case_no: row.amount for row in rows} == expected_money[name], (scope_name, name)
            assert sum(row.amount for row in rows) == report["money"][name], (scope_name, name)


def _stats_cases(*args) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("unit_code", ["HG", "HG-VT"])
def test_given_a_generated_ledger_when_stats_cases_then_it_prints_the_reference_case_numbers(generated, unit_code):
    from django.db.models import Q

    case_filter = Q(unit__code__startswith="HG") if unit_code == "HG" else Q(unit__code=unit_code)
    expected, _money = _expected(case_filter, *FY2019)
    for name in CLI_CLASSES:
        # when
        printed = _stats_cases("--unit", unit_code, "--from", "2018-10-01", "--to", "2019-09-30", "--cases", name)
        # then
        assert printed == {"class": name, "case_nos": expected[name]}


@pytest.mark.django_db
def test_given_a_category_when_stats_cases_then_only_that_category(generated):
    from django.db.models import Q

    expected, _money = _expected(Q(unit__code__startswith="HG", category="ngan_sach"), *FY2019)
    printed = _stats_cases("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30", "--category", "ngan_sach",
                           "--cases", "completed")
    assert printed["case_nos"] == expected["completed"]
    assert printed["case_nos"]


@pytest.mark.django_db
def test_given_an_unknown_class_then_a_clear_error(org):
    with pytest.raises(CommandError, match="«finished»"):
        _stats_cases("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30", "--cases", "finished")
    with pytest.raises(DomainError):
        report_case_rows(unit=org["HG"], start=FY2019[0], end=FY2019[1], case_class="collected")


@pytest.mark.django_db
def test_given_a_generated_ledger_the_dashboard_lists_and_exports_exactly_the_reference_cases(client, generated):
    """The drill-down page (all its rows, through the xlsx export) for a unit, a sub-unit and an officer, and its
    count against the figure on the unit's page."""
    from io import BytesIO

    from django.db.models import Q
    from openpyxl import load_workbook

    statistician = officer_create(username="tk", password="pw-test-123", full_name="Thẩm tra viên",
                                  unit=Unit.objects.get(code="HG"), title=Title.THAM_TRA_VIEN,
                                  role=Role.STATISTICIAN).user
    client.force_login(statistician)
    vi_thanh = Unit.objects.get(code="HG-VT")
    scopes = [("HG", "", Q(unit__code__startswith="HG")), ("HG-VT", "", Q(unit=vi_thanh)),
              ("HG-VT", f"&officer={generated.pk}", Q(unit=vi_thanh, officer=generated))]
    with time_machine.travel(date(2020, 11, 20), tick=False):
        for code, extra, case_filter in scopes:
            expected, _money = _expected(case_filter, *FY2019)
            unit_page = client.get(f"/dashboard/{code}/?year=2019{extra}").content.decode()
            for name in CLI_CLASSES:
                response = client.get(f"/dashboard/{code}/cases/?year=2019{extra}&class={name}&format=xlsx")
                rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(
                    values_only=True))
                header = next(index for index, row in enumerate(rows) if row and row[0] == "Hồ sơ")
                assert [row[0] for row in rows[header + 1:]] == expected[name], (code, extra, name)
                assert rows[3][:2] == ("Số việc", len(expected[name]))
                shown = f'class={name}" id="cases-{name}">{len(expected[name]):,}<'.replace(",", ".")
                assert shown in unit_page, (code, extra, name)


@pytest.mark.django_db
def test_given_a_whole_year_the_lists_from_the_facts_equal_the_lists_from_the_events_page_by_page(generated):
    """The drill-down reads a fiscal year from the per-case facts (and the states before the period, which the
    facts do not keep, from the events for the page's cases only): the same rows, totals and pages as the
    events give."""
    from reports.engine import case_rows, case_rows_totals, facts_answer
    from thads.org.hierarchy import Hierarchy

    start, end = FY2019
    assert facts_answer(start, end)  # the facts answer this period, so "facts" is what the pages read
    for code, filters in (("HG", {}), ("HG-VT", {"officer_id": generated.pk}), ("HG-VT", {"officer_id": 0})):
        scope = {"start": start, "end": end, "unit_ids": Hierarchy(end).subtree_of(Unit.objects.get(code=code).pk),
                 **filters}
        for name, money in [(name, False) for name in CASE_CLASSES] + [(name, True) for name in CLASS_SQL]:
            # when
            by_events = case_rows(case_class=name, money=money, source="events", **scope)
            by_facts = case_rows(case_class=name, money=money, source="facts", **scope)
            # then
            assert by_facts == by_events, (code, filters, name, money)
            expected_totals = (len(by_events), sum(row.amount for row in by_events))
            for source in ("facts", "events"):
                assert case_rows_totals(case_class=name, money=money, source=source, **scope) == expected_totals
                assert case_rows(case_class=name, money=money, source=source, offset=3, limit=4,
                                 **scope) == by_events[3:7], (code, filters, name, money, source)
    some = case_rows(case_class="carried_over", source="facts", **scope)
    assert any(row.status_before for row in some)  # the states before were read, not left empty


@pytest.mark.django_db
@pytest.mark.parametrize("period", [FY2019, (date(2019, 10, 1), date(2020, 3, 31))])
def test_given_a_listing_then_its_count_total_and_pages_are_the_figure_and_its_cases(generated, period):
    from django.core.paginator import Paginator

    from reports.services import report_case_listing

    start, end = period
    province = Unit.objects.get(code="HG")
    report = report_build(unit=province, start=start, end=end)
    for name, money in (("with_conditions", False), ("carried_over", False), ("with_conditions", True),
                        ("collected", True)):
        every = report_case_rows(unit=province, start=start, end=end, case_class=name, money=money)
        # when
        listing = report_case_listing(unit=province, start=start, end=end, case_class=name, money=money)
        paginator = Paginator(listing, 7)
        # then
        assert paginator.count == len(every) and listing.total == sum(row.amount for row in every)
        assert (listing.total if money else listing.count()) == report["money" if money else "cases"][name]
        pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
        assert [row for rows in pages for row in rows] == every
    with pytest.raises(DomainError):
        report_case_listing(unit=province, start=start, end=end, case_class="reduced")


@pytest.mark.django_db
def test_given_a_past_month_of_a_complete_year_the_split_source_equals_the_events_figures_and_lists(generated):
    """A period from 1 October ending before the year's facts end (a month of the year, last year's same period)
    is read from the fact rows that reflect nothing after its end and from the events of the other cases: the
    same figures for every unit × category and the same lists as the events alone give."""
    from django.db.models import Q

    from reports.engine import case_rows, case_rows_totals, group_rows, roll_up, source_for
    from reports.filters import month_end
    from reports.models import CaseYearFact
    from thads.org.hierarchy import Hierarchy

    start = FY2019[0]
    province, vi_thanh = Unit.objects.get(code="HG"), Unit.objects.get(code="HG-VT")
    parts_seen = [0, 0, 0]
    for months in (1, 2, 6, 11, date(2018, 11, 17), date(2019, 4, 3)):
        end = month_end(2019, months) if isinstance(months, int) else months  # month ends and any day
        assert source_for(start, end) == "split", months  # what the pages read for this period
        # (rows answering at their end, rows answering at their start, cases read from their events)
        year = CaseYearFact.objects.filter(fiscal_year=2019)
        parts = (year.filter(last_stat_date__lte=end).count(),
                 year.filter(Q(first_stat_date__isnull=True) | Q(first_stat_date__gt=end), last_stat_date__gt=end,
                             accepted_on__lte=end).count(),
                 year.filter(last_stat_date__gt=end, first_stat_date__lte=end).count())
        parts_seen = [seen + part for seen, part in zip(parts_seen, parts, strict=True)]
        hierarchy = Hierarchy(end)
        # when
        by_split = group_rows(start=start, end=end, source="split")
        by_events = group_rows(start=start, end=end, source="events")
        # then
        for key in (lambda row: None, lambda row: row.category, lambda row: row.officer_id):
            split_totals, event_totals = roll_up(by_split, hierarchy, key=key), roll_up(by_events, hierarchy, key=key)
            assert {k: (v.counts, v.amounts) for k, v in split_totals.items()} == {
                k: (v.counts, v.amounts) for k, v in event_totals.items()}, months
        assert len({(r.unit_id, r.category, r.origin, r.officer_id) for r in by_split}) == len(by_split)
        for unit, filters in ((province, {}), (vi_thanh, {"officer_id": generated.pk}), (vi_thanh, {"officer_id": 0})):
            scope = {"start": start, "end": end, "unit_ids": hierarchy.subtree_of(unit.pk), **filters}
            for name, money in [(name, False) for name in CASE_CLASSES] + [("with_conditions", True),
                                                                            ("collected", True)]:
                expected = case_rows(case_class=name, money=money, source="events", **scope)
                assert case_rows(case_class=name, money=money, source="split", **scope) == expected, (months, name)
                assert case_rows(case_class=name, money=money, source="split", offset=2, limit=3,
                                 **scope) == expected[2:5]
                assert case_rows_totals(case_class=name, money=money, source="split", **scope) == (
                    len(expected), sum(row.amount for row in expected))
    assert all(parts_seen), parts_seen  # every part of the split source was exercised


@pytest.mark.django_db
def test_within_shared_reads_a_page_reads_each_period_once_and_narrower_cuts_from_it(generated,
                                                                                      django_assert_num_queries):
    from reports.engine import shared_reads, unit_figures

    province = Unit.objects.get(code="HG")
    start, end = FY2019
    whole = unit_figures(province, start=start, end=end)
    bank = unit_figures(province, start=start, end=end, category="tin_dung_ngan_hang")
    officer = unit_figures(Unit.objects.get(code="HG-VT"), start=start, end=end, officer_id=generated.pk)
    with shared_reads():
        unit_figures(province, start=start, end=end)  # the hierarchy, the source, the rows
        # when
        with django_assert_num_queries(0):
            again = unit_figures(province, start=start, end=end)
            narrower = unit_figures(province, start=start, end=end, category="tin_dung_ngan_hang")
    # then
    assert (again.counts, again.amounts) == (whole.counts, whole.amounts)
    assert (narrower.counts, narrower.amounts) == (bank.counts, bank.amounts) and bank.counts["new"] > 0
    with shared_reads():
        other = unit_figures(Unit.objects.get(code="HG-VT"), start=start, end=end, officer_id=generated.pk)
    assert (other.counts, other.amounts) == (officer.counts, officer.amounts)


def _list_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "classified" in query["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["facts", "split", "events"])
def test_given_the_count_a_page_read_from_a_window_of_case_numbers_is_the_page_of_the_whole_list(
        generated, source, monkeypatch):
    """With the list's count known (a Paginator counts first), a page of a dense list is read among the first
    cases by case number: the same rows as the page of the whole list, for every class and scope; when the
    window does not hold the page (a sparse list, or a stale count) the page still comes out whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import engine
    from thads.org.hierarchy import Hierarchy

    start, end = FY2019 if source != "split" else (FY2019[0], date(2019, 4, 3))
    hierarchy = Hierarchy(end)
    windowed = fallen_back = 0
    for _name, unit, filters, _q in _scopes(generated):
        scope = {"start": start, "end": end, "unit_ids": hierarchy.subtree_of(unit.pk), "source": source, **filters}
        for name, money in [(name, False) for name in CASE_CLASSES] + [(name, True) for name in CLASS_SQL]:
            every = engine.case_rows(case_class=name, money=money, **scope)
            count, _total, cases = engine.case_rows_totals(case_class=name, money=money, with_cases=True, **scope)
            assert count == len(every) and cases > 0  # (PostgreSQL: its estimate of the cases)
            for offset, limit, listed in ((0, 5, count), (4, 3, count), (0, 5, count * 50), (count - 2, 5, count)):
                # when
                with CaptureQueriesContext(connection) as captured:
                    page = engine.case_rows(case_class=name, money=money, offset=max(offset, 0), limit=limit,
                                            listed=(listed, cases), **scope)
                # then
                assert page == every[max(offset, 0):max(offset, 0) + limit], (name, money, offset, listed)
                queries = _list_queries(captured)
                if any("ORDER BY case_no, id LIMIT" in query["sql"] for query in captured.captured_queries):
                    windowed += 1
                    fallen_back += len(queries) == 2
    assert windowed and fallen_back  # both ways were taken
    # a window wider than the limit: never used
    monkeypatch.setattr(engine, "_WINDOW_MAX", 0)
    with CaptureQueriesContext(connection) as captured:
        engine.case_rows(case_class="accepted", offset=0, limit=5, listed=(10, 400), **scope)
    assert len(_list_queries(captured)) == 1
    assert not any("ORDER BY case_no, id LIMIT" in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["facts", "events"])
def test_a_stale_or_absent_estimate_of_the_cases_never_changes_a_page_of_the_list(generated, source):
    """The estimate of the cases (PostgreSQL's reltuples: stale, a fresh table, never analysed) and the count only
    size the window: every page, first or later, is the page of the whole list, whatever they say."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import engine
    from thads.org.hierarchy import Hierarchy

    start, end = FY2019
    province = Unit.objects.get(code="HG")
    scope = {"start": start, "end": end, "unit_ids": Hierarchy(end).subtree_of(province.pk), "source": source}
    every = engine.case_rows(case_class="accepted", **scope)
    count, cases = len(every), Case.objects.count()
    assert count > 40
    answered_by_window = 0
    for estimate in (1, count, cases // 10, cases, cases * 3, 10 ** 9):
        for listed_count in (count, count // 2, count * 3):
            for offset in range(0, count + 10, 17):
                # when
                with CaptureQueriesContext(connection) as captured:
                    page = engine.case_rows(case_class="accepted", offset=offset, limit=20,
                                            listed=(listed_count, estimate), **scope)
                # then
                assert page == every[offset:offset + 20], (estimate, listed_count, offset)
                answered_by_window += len(_list_queries(captured)) == 1 and any(
                    "ORDER BY case_no, id LIMIT" in query["sql"] for query in captured.captured_queries)
    assert answered_by_window  # (some pages came from a window alone)


@pytest.mark.django_db
def test_given_a_count_list_of_a_year_the_facts_answer_then_its_count_is_read_from_the_kept_sums_and_is_its_length(
        generated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.services import report_case_listing

    start, end = FY2019
    officer = Case.objects.filter(officer__isnull=False).values_list("officer_id", flat=True).first()
    for code, filters in (("HG", {}), ("HG", {"origin": "theo_yeu_cau"}), ("HG-VT", {"category": "ngan_sach"}),
                          ("HG", {"officer_id": 0}), ("HG", {"officer_id": officer})):
        unit = Unit.objects.get(code=code)
        report = report_build(unit=unit, start=start, end=end, **filters)
        for name in CASE_CLASSES:
            # when
            listing = report_case_listing(unit=unit, start=start, end=end, case_class=name, **filters)
            with CaptureQueriesContext(connection) as captured:
                count = listing.count()
            # then the count comes from the kept sums (no aggregate of the fact rows) ...
            assert listing._count_from_sums() is not None
            assert any("reports_factgroupsum" in query["sql"] for query in captured.captured_queries)
            assert not any("reports_caseyearfact f" in query["sql"] for query in captured.captured_queries)
            # ... and is the figure and the number of cases the list gives, whose amounts make its total
            every = listing.all()
            assert count == len(every) == report["cases"][name], (code, filters, name)
            assert listing.total == sum(row.amount for row in every)
    # and a money list, or a period the facts do not answer alone, counts its rows
    unit = Unit.objects.get(code="HG")
    assert report_case_listing(unit=unit, start=start, end=end, case_class="completed",
                               money=True)._count_from_sums() is None
    assert report_case_listing(unit=unit, start=start, end=date(2019, 3, 31),
                               case_class="completed")._count_from_sums() is None
