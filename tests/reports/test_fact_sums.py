"""The kept group sums of the per-case facts (reports_factgroupsum): the engine reads them for a covered fiscal
year; they equal the facts' aggregate after every kind of write; the nightly check finds and repairs drift.
(The three-way agreement with the events and the reference on generated ledgers and 10,000 random events is in
tests/reports/test_facts.py; concurrent writers in tests/reports/test_fact_sums_concurrency.py.)"""
import itertools
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.codes import Category, EventKind, Origin
from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.services import cases_assign
from reports.engine import group_rows, shared_reads
from reports.facts import facts_check, facts_rebuild
from reports.models import FactGroupSum
from reports.services import job_create, statistics_refresh
from tests.factories import make_case, record
from tests.reports.test_facts import assert_everything_agrees, assert_no_drift, group_set
from thads.core.dates import fiscal_year_bounds

FY2019 = fiscal_year_bounds(2019)


@pytest.fixture
def mixed_cases(org, people):
    """Cases of three units, every category and origin, with and without an officer, with events."""
    cases = []
    for index, (unit, category, origin) in enumerate(itertools.product(
            ("HG-VT", "HG-NB", "ST-A"), Category.values, Origin.values)):
        officer = (None, people["officer"], people["officer2"])[index % 3] if unit == "HG-VT" else None
        case = make_case(unit=org[unit], category=category, origin=origin, officer=officer,
                         accepted_on=date(2018, 3, 1 + index % 28), amount_due=(index + 3) * 1_000_000)
        record(case, EventKind.THU_TIEN, date(2018, 11, 2), amount=1_000_000)
        if index % 4 == 0:
            record(case, EventKind.HOAN, date(2019, 2, 1), ground="a")
        cases.append(case)
    return cases


@pytest.mark.django_db
def test_a_covered_year_is_read_from_the_sums_with_every_filter_as_the_facts_scan_gives_it(org, people, mixed_cases):
    # Given cases kept by the services, facts complete
    # When FY2019 is read from the kept sums, with each filter the engine takes
    filters = [{}, {"category": Category.KHAC}, {"origin": Origin.THEO_YEU_CAU}, {"officer_id": 0},
               {"officer_id": people["officer"].pk}, {"unit_ids": [org["HG-VT"].pk, org["ST-A"].pk]},
               {"category": Category.NGAN_SACH, "unit_ids": [org["HG-VT"].pk], "officer_id": people["officer2"].pk}]
    for chosen in filters:
        # Then the sums give exactly the group rows of the facts scan
        kept = group_set(*FY2019, "facts", **chosen)
        assert kept == group_set(*FY2019, "facts_scan", **chosen), chosen
        assert kept or chosen.get("officer_id") not in (None, 0)
    assert len(group_set(*FY2019, "facts")) == 24  # one group per case here
    # And the sums read touches no fact row (only the source decision reads the facts' latest date)
    with CaptureQueriesContext(connection) as captured:
        group_rows(start=FY2019[0], end=FY2019[1], category=Category.KHAC)
    assert [q["sql"] for q in captured.captured_queries if "reports_factgroupsum" in q["sql"]]
    assert all("reports_caseyearfact f" not in q["sql"] for q in captured.captured_queries)
    # And inside shared_reads a narrower cut is taken from the first read (no query)
    with shared_reads():
        everything = group_rows(start=FY2019[0], end=FY2019[1])
        with CaptureQueriesContext(connection) as captured:
            narrow = group_rows(start=FY2019[0], end=FY2019[1], origin=Origin.THEO_YEU_CAU)
        assert len(captured.captured_queries) == 0
        assert 0 < len(narrow) < len(everything)


@pytest.mark.django_db
def test_moving_every_case_out_of_a_group_leaves_zeros_the_engine_skips(org, people, mixed_cases):
    # Given the officer's cases in HG-VT
    mine = [case.pk for case in mixed_cases if case.officer_id == people["officer"].pk]
    assert mine
    # When they are all assigned to officer2
    cases_assign(actor=people["head"], case_ids=mine, officer=people["officer2"])
    # Then the officer's groups are kept as zeros, read as nothing, and equal the scan everywhere
    zero = FactGroupSum.objects.filter(officer_key=people["officer"].pk)
    assert zero.exists() and not zero.exclude(n_carried_over=0, n_new=0, m_new=0, m_collected=0).exists()
    assert group_set(*FY2019, "facts", officer_id=people["officer"].pk) == set()
    assert group_set(*FY2019, "facts") == group_set(*FY2019, "facts_scan")
    assert_everything_agrees(*FY2019)
    assert_no_drift()


@pytest.mark.django_db
def test_an_import_a_case_set_rebuild_and_a_year_rebuild_keep_the_sums_the_aggregate(tmp_path):
    # Given a generated ledger imported through the services (refreshes deferred: one delta per 2,000 cases)
    generate_ledger(tmp_path, cases=200, events=600, seed=11)
    import_ledger(tmp_path)
    assert FactGroupSum.objects.count() > 20
    assert_no_drift()
    kept = set(FactGroupSum.objects.exclude(n_carried_over=0, n_new=0).values_list())
    # When a few cases, then one year, then everything are rebuilt
    facts_rebuild(case_ids=list(range(1, 60)))
    assert_no_drift()
    facts_rebuild(fiscal_years=[2019])
    assert_no_drift()
    facts_rebuild()
    assert_no_drift()
    # Then the sums are the same groups and values, without ids (rebuilt rows are new rows)
    assert {row[1:] for row in kept} == {row[1:] for row in FactGroupSum.objects.exclude(
        n_carried_over=0, n_new=0).values_list()}
    for year in (2018, 2019):
        assert_everything_agrees(*fiscal_year_bounds(year))


@pytest.mark.django_db
def test_tampered_sums_are_reported_by_the_nightly_job_and_recomputed(org, mixed_cases):
    # Given the kept sums, one tampered with, one deleted and one invented
    assert_no_drift()
    tampered = FactGroupSum.objects.filter(fiscal_year=2019, n_carried_over__gt=0).order_by("id").first()
    FactGroupSum.objects.filter(pk=tampered.pk).update(m_collected=tampered.m_collected + 7)
    deleted = FactGroupSum.objects.filter(fiscal_year=2018).order_by("id").first()
    deleted.delete()
    FactGroupSum.objects.create(fiscal_year=2019, unit=org["HG"], category=Category.KHAC, origin=Origin.CHU_DONG,
                                officer_key=0, n_new=1, m_new=5)
    # Then the check (without repairing) names the three groups, and the engine on the sums is wrong now
    drift = facts_check()
    assert drift.pairs == []
    assert drift.groups == sorted([
        (2019, tampered.unit_id, tampered.category, tampered.origin, tampered.officer_key),
        (2018, deleted.unit_id, deleted.category, deleted.origin, deleted.officer_key),
        (2019, org["HG"].pk, Category.KHAC, Origin.CHU_DONG, 0)])
    assert group_set(*FY2019, "facts") != group_set(*FY2019, "facts_scan")
    # When the nightly refresh runs
    job = job_create(kind="nightly_refresh")
    with translation.override("en"):
        statistics_refresh(job=job, today=date(2019, 11, 15))
    job.refresh_from_db()
    # Then the drift is on the job's message, and repaired: the sums are the facts' aggregate again
    assert job.status == "succeeded"
    assert job.message.startswith("Group sums drift: 3 groups differed from the facts and were recomputed")
    assert f"FY2019/unit {tampered.unit_id}/{tampered.category}" in job.message
    assert_no_drift()
    assert group_set(*FY2019, "facts") == group_set(*FY2019, "facts_scan")



@pytest.mark.django_db
def test_many_units_are_kept_in_python_with_the_same_rows(org, people, mixed_cases, monkeypatch):
    from reports import engine

    # Given a unit list longer than the engine sends to the database (lowered to 1 here)
    units = [org["HG-VT"].pk, org["ST-A"].pk]
    in_sql = group_set(*FY2019, "facts", unit_ids=units, category=Category.KHAC)
    monkeypatch.setattr(engine, "UNITS_IN_SQL", 1)
    # When the kept sums are read for every unit and the units kept in Python
    # Then the rows are the same, and the facts scan's
    assert group_set(*FY2019, "facts", unit_ids=units, category=Category.KHAC) == in_sql
    assert in_sql == group_set(*FY2019, "facts_scan", unit_ids=units, category=Category.KHAC)
    assert {row[0] for row in in_sql} == set(units)


@pytest.mark.django_db
def test_the_migration_that_builds_the_sums_is_frozen_and_gives_the_sums_of_the_stored_facts(monkeypatch, mixed_cases):
    """reports/0010 sums the facts with its own SQL (as the schema stood at 0009), not with the code of the day:
    a later change to reports.facts or the engine (a figure added, with its column in a later migration) must not
    break a database migrating through 0010."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    from reports import facts

    migration = importlib.import_module("reports.migrations.0010_fact_group_sums_build")
    kept = sorted(FactGroupSum.objects.values_list("fiscal_year", "unit_id", "category", "origin", "officer_key",
                                                   "n_new", "m_collected", "m_without_conditions"))
    assert kept
    # Given the sums lost, and the current code unusable
    FactGroupSum.objects.all().delete()

    def broken(**_kwargs):
        raise AssertionError("the migration called the current code")

    monkeypatch.setattr(facts, "fact_sums_rebuild", broken)
    monkeypatch.setattr(facts, "_group_sums_select", broken)
    # When the migration's step runs
    migration.build_sums(apps, SimpleNamespace(connection=connection))
    monkeypatch.undo()
    # Then it rebuilt exactly the sums the services kept
    assert sorted(FactGroupSum.objects.values_list(
        "fiscal_year", "unit_id", "category", "origin", "officer_key", "n_new", "m_collected",
        "m_without_conditions")) == kept
    assert facts_check().groups == []


@pytest.mark.django_db
@pytest.mark.parametrize("fiscal_year", [2019, 2026])
def test_child_sums_from_the_database_equal_the_roll_up_of_the_group_rows(org, people, mixed_cases, fiscal_year):
    from reports.engine import child_sums, hierarchy_on, roll_up, source_for

    # Given cases kept by the services (FY2026: HG-VT and HG-NB count in their successor HG-KV1)
    start, end = fiscal_year_bounds(fiscal_year)
    assert source_for(start, end) == "facts"
    hierarchy = hierarchy_on(end)
    filters = [{}, {"category": Category.KHAC}, {"origin": Origin.THEO_YEU_CAU}, {"officer_id": 0},
               {"officer_id": people["officer"].pk},
               {"category": Category.NGAN_SACH, "officer_id": people["officer2"].pk}]
    for unit in ("HG", "ST", "HG-VT"):
        for chosen in filters:
            # When the sums are read per child in the database, and from the facts scan in Python
            with CaptureQueriesContext(connection) as captured:
                summed = child_sums(org[unit].pk, start=start, end=end, **chosen)
            assert [q for q in captured.captured_queries if "reports_factgroupsum" in q["sql"]]
            assert all("reports_caseyearfact f" not in q["sql"] for q in captured.captured_queries)
            # Then they equal the scan's, and each child's (and the unit's) total is the roll-up's
            assert summed == child_sums(org[unit].pk, start=start, end=end, source="facts_scan", **chosen), chosen
            rows = group_rows(start=start, end=end, unit_ids=hierarchy.subtree_of(org[unit].pk),
                              source="facts_scan", **chosen)
            rolled = roll_up(rows, hierarchy)
            totals: dict = {}
            for (into, _category), values in summed.items():
                assert into == org[unit].pk or hierarchy.by_id[into]["parent_id"] == org[unit].pk
                for target in {into, org[unit].pk}:
                    totals[target] = [a + b for a, b in zip(totals.get(target, [0] * len(values)), values,
                                                            strict=True)]
            assert {into: list(values) for into, values in totals.items()} == {
                into: [*figures.counts.values(), *figures.amounts.values()]
                for (into, _key), figures in rolled.items() if into in totals}, (unit, chosen)
            expected_units = {into for (into, _key), figures in rolled.items()
                              if (into == org[unit].pk or hierarchy.by_id[into]["parent_id"] == org[unit].pk)
                              and any(figures.counts.values())}
            assert set(totals) == expected_units, (unit, chosen)
    summed = child_sums(org["HG"].pk, start=start, end=end)
    assert {into for into, _category in summed} == (
        {org["HG-KV1"].pk} if fiscal_year == 2026 else {org["HG-VT"].pk, org["HG-NB"].pk})
    # And inside shared_reads a category is taken from the first read (no query)
    with shared_reads():
        everything = child_sums(org["HG"].pk, start=start, end=end)
        with CaptureQueriesContext(connection) as captured:
            narrow = child_sums(org["HG"].pk, start=start, end=end, category=Category.KHAC)
        assert len(captured.captured_queries) == 0
        assert narrow == {group: values for group, values in everything.items() if group[1] == Category.KHAC}
        assert 0 < len(narrow) < len(everything)
