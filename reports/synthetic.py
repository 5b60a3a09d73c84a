"""A national synthetic dataset for scale tests: `python manage.py generate_synthetic --cases N --seed S`.

The organisation as it really changed: the pre-2025 hierarchy (Tổng cục THADS → 63 Cục THADS → Chi cục)
until 30/6/2025, and from 1/7/2025 Cục Quản lý THADS → 34 provincial agencies → 355 regional offices, each
linked to the units it replaced. Cases span three fiscal years (FY2024–FY2026), about 3.5 % of them bank
cases carrying about half of the money; every history is built with cases.workflow and carries its
after-states, exactly as the services would write them.

Rows are bulk-loaded (PostgreSQL COPY; batched inserts on SQLite): running a million cases through the
services one by one would take hours, and the point here is the read side. Everything about a row is what
the services would have written.
"""
import csv
import io
import random
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

from cases import workflow
from cases.codes import Category, EventKind, Origin
from cases.models import Case, CaseEvent
from thads.org.models import Unit, UnitLevel

REFORM = date(2025, 7, 1)
OLD_END = date(2025, 6, 30)
START, END = date(2023, 10, 1), date(2026, 9, 30)
OLD_PROVINCES, NEW_PROVINCES, REGIONAL_OFFICES = 63, 34, 355


def build_hierarchy() -> dict[str, list[int]]:
    """Create (or reuse) the national units; returns the ids of the units cases are accepted by, before and
    after the reform."""
    if Unit.objects.filter(code="SYN-TC").exists():
        old = list(Unit.objects.filter(code__startswith="SYN-CC-").values_list("id", flat=True))
        new = list(Unit.objects.filter(code__startswith="SYN-KV-").values_list("id", flat=True))
        return {"old": old, "new": new}
    rng = random.Random(63)
    with transaction.atomic():
        general = Unit.objects.create(code="SYN-TC", name="Tổng cục Thi hành án dân sự", level=UnitLevel.GENERAL,
                                      valid_from=date(2004, 1, 1), valid_to=OLD_END)
        central = Unit.objects.create(code="SYN-CQL", name="Cục Quản lý thi hành án dân sự", level=UnitLevel.GENERAL,
                                      valid_from=REFORM)
        central.predecessors.add(general)
        old_provinces = Unit.objects.bulk_create([
            Unit(code=f"SYN-P{number:02d}", name=f"Cục THADS tỉnh số {number}", level=UnitLevel.PROVINCE,
                 parent=general, valid_from=date(2004, 1, 1), valid_to=OLD_END)
            for number in range(1, OLD_PROVINCES + 1)])
        districts, counter = [], 0
        for province in old_provinces:
            for _ in range(rng.randint(8, 14)):
                counter += 1
                districts.append(Unit(code=f"SYN-CC-{counter:04d}", name=f"Chi cục THADS số {counter}",
                                      level=UnitLevel.DISTRICT, parent=province, valid_from=date(2004, 1, 1),
                                      valid_to=OLD_END))
        districts = Unit.objects.bulk_create(districts)
        new_provinces = Unit.objects.bulk_create([
            Unit(code=f"SYN-N{number:02d}", name=f"Thi hành án dân sự tỉnh số {number}", level=UnitLevel.PROVINCE,
                 parent=central, valid_from=REFORM) for number in range(1, NEW_PROVINCES + 1)])
        # each new province takes one to three old ones; each regional office some of their districts
        old_by_new = [[] for _ in new_provinces]
        for index, province in enumerate(old_provinces):
            old_by_new[index % NEW_PROVINCES].append(province)
        links = Unit.predecessors.through
        link_rows = []
        offices_per = [REGIONAL_OFFICES // NEW_PROVINCES + (1 if i < REGIONAL_OFFICES % NEW_PROVINCES else 0)
                       for i in range(NEW_PROVINCES)]
        offices, office_districts, counter = [], [], 0
        districts_of = {}
        for district in districts:
            districts_of.setdefault(district.parent_id, []).append(district)
        for new_province, old_group, count in zip(new_provinces, old_by_new, offices_per, strict=True):
            for old in old_group:
                link_rows.append(links(from_unit_id=new_province.pk, to_unit_id=old.pk))
            pool = [d for old in old_group for d in districts_of[old.pk]]
            for slot in range(count):
                counter += 1
                offices.append(Unit(code=f"SYN-KV-{counter:03d}", name=f"Phòng THADS khu vực {counter}",
                                    level=UnitLevel.REGIONAL, parent=new_province, valid_from=REFORM))
                office_districts.append(pool[slot::count])
        offices = Unit.objects.bulk_create(offices)
        for office, replaced in zip(offices, office_districts, strict=True):
            link_rows.extend(links(from_unit_id=office.pk, to_unit_id=d.pk) for d in replaced)
        links.objects.bulk_create(link_rows)
    return {"old": [d.pk for d in districts], "new": [o.pk for o in offices]}


MIX = [(Category.NGAN_SACH, 0.44, Origin.CHU_DONG, 3_000_000, 1.0),
       (Category.KHAC, 0.455, Origin.THEO_YEU_CAU, 55_000_000, 1.2),
       (Category.THAM_NHUNG_KINH_TE, 0.07, Origin.CHU_DONG, 150_000_000, 1.1),
       (Category.TIN_DUNG_NGAN_HANG, 0.035, Origin.THEO_YEU_CAU, 2_000_000_000, 0.8)]
# Outcome weights (resolved, without conditions, postponed, terminated, transferred, still in progress):
# national results run around 80 % of cases with conditions resolved in a year; bank cases far fewer.
OUTCOMES = ("resolved", "without", "postponed", "terminated", "transferred", "progress")
WEIGHTS = {"bank": (30, 6, 10, 5, 1, 48), "other": (66, 20, 3, 4, 2, 5)}


def _history(rng: random.Random, facts: workflow.CaseFacts):
    """(event, state after it) pairs for one case, drawn by outcome; events after END are cut off."""
    bank = facts.category == Category.TIN_DUNG_NGAN_HANG
    outcome = rng.choices(OUTCOMES, weights=WEIGHTS["bank" if bank else "other"])[0]
    amount = facts.amount_due
    steps = [(rng.randint(3, 20), EventKind.CO_DIEU_KIEN, None, "")]
    delay = int(rng.expovariate(1 / (300 if bank else 60))) + 1
    if outcome in ("resolved", "terminated", "progress") and amount > 1_000_000 and rng.random() < 0.4:
        part = amount * rng.randint(10, 60) // 100
        steps.append((delay // 2, EventKind.THU_TIEN, part, ""))
        amount -= part
    if outcome == "resolved":
        if amount:
            steps.append((delay, EventKind.THU_TIEN, amount, ""))
        steps.append((rng.randint(0, 5), EventKind.XONG, None, ""))
    elif outcome == "without":
        ground = rng.choice(["khong_tai_san", "khong_tai_san", "khong_ro_dia_chi", ""])
        steps.append((rng.randint(10, 60), EventKind.CHUA_CO_DIEU_KIEN, None, ground))
        for _ in range(rng.randint(0, 3)):
            steps.append((rng.randint(170, 185), EventKind.CHUA_CO_DIEU_KIEN, None, ground))
        if rng.random() < 0.15:
            steps.append((rng.randint(30, 200), EventKind.CHUYEN_SO_RIENG, None, ""))
    elif outcome == "postponed":
        steps.append((rng.randint(10, 90), EventKind.HOAN, None, rng.choice(["a", "b", "c", "d", "h"])))
        if rng.random() < 0.4:
            steps.append((rng.randint(60, 300), EventKind.TIEP_TUC, None, ""))
    elif outcome == "terminated":
        steps.append((delay, EventKind.DINH_CHI, None, rng.choice(["a", "c", "e", "g"])))
    elif outcome == "transferred":
        steps.append((rng.randint(10, 120), EventKind.UY_THAC_DI, None, ""))
    state, current = workflow.initial_state(facts), facts.accepted_on
    for offset, kind, value, ground in steps:
        current += timedelta(days=offset)
        if current > END:
            return
        event = workflow.EventInput(kind, current, value, ground)
        state = workflow.apply(facts, state, event, today=END)
        yield event, state


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in rows:
                writer.writerow(["\\N" if value is None else value for value in row])
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                               buffer)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                               rows)


def generate(*, cases: int, seed: int, batch: int = 20_000, progress=None,
             refresh_deadlines: bool = True) -> dict[str, int]:
    """Add ``cases`` synthetic cases (and their events) to the database, with their cached deadlines unless
    ``refresh_deadlines`` is False (then run ``manage.py deadlines_refresh`` afterwards). Returns counts."""
    from cases.selectors import working_calendar
    from cases.services.deadlines import case_deadlines_refresh
    from reports.facts import facts_invalidate

    calendar = working_calendar()
    rng = random.Random(seed)
    facts_invalidate()  # rows written here bypass the services: the facts wait for facts_rebuild
    units = build_hierarchy()
    banks = _banks()
    case_fields = {f.column: f for f in Case._meta.concrete_fields}
    event_fields = {f.column: f for f in CaseEvent._meta.concrete_fields}
    case_columns = [c for c in case_fields if c != "id"] + ["id"]
    event_columns = [c for c in event_fields if c != "id"]
    next_id = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    now = datetime.now(UTC)
    span = (END - START).days
    written_cases = written_events = 0
    while written_cases < cases:
        size = min(batch, cases - written_cases)
        case_rows, event_rows = [], []
        for _ in range(size):
            category, _share, origin, median, spread = rng.choices(MIX, weights=[m[1] for m in MIX])[0]
            accepted = START + timedelta(days=rng.randint(0, span - 1))
            unit_id = rng.choice(units["old"] if accepted < REFORM else units["new"])
            amount = max(100_000, int(median * rng.lognormvariate(0, spread)) // 1000 * 1000)
            case_id = next_id
            next_id += 1
            facts = workflow.CaseFacts(f"SYN-{seed}-{case_id}", category, accepted, amount)
            state = workflow.initial_state(facts)
            for sequence, (event, state) in enumerate(_history(rng, facts), start=1):  # noqa: B007 (read after)
                values = {"case_id": case_id, "sequence": sequence, "date": event.date, "stat_date": event.date,
                          "kind": event.kind, "amount": event.amount, "ground": event.ground,
                          "ground_arose_on": None, "note": "", "cancels_id": None, "status_after": state.status,
                          "ground_after": state.ground, "collected_after": state.collected,
                          "reduced_after": state.reduced, "terminated_after": state.terminated_amount,
                          "remaining_after": state.remaining, "source": "import", "recorded_by_id": None,
                          "recorded_at": now}
                event_rows.append(tuple(values[c] for c in event_columns))
            values = {"id": case_id, "case_no": facts.case_no, "decision_no": f"{case_id}/QĐ-THADS",
                      "accepted_on": accepted, "stat_accepted_on": accepted, "received_on": None,
                      "notified_on": None, "judgment_court": "", "judgment_no": "", "judgment_date": None,
                      "judgment_type": "dan_su", "unit_id": unit_id, "officer_id": None, "origin": origin,
                      "category": category, "amount_due": amount,
                      "creditor_bank_id": rng.choice(banks) if category == Category.TIN_DUNG_NGAN_HANG else None,
                      "status": state.status, "status_ground": state.ground, "amount_collected": state.collected,
                      "amount_reduced": state.reduced, "amount_terminated": state.terminated_amount,
                      "amount_remaining": state.remaining, "last_event_on": state.last_event_on,
                      "ended_on": state.ended_on, "event_count": state.event_count, "next_due_on": None,
                      "next_due_kind": "", "created_at": now,
                      "updated_at": now, "created_by_id": None}
            case_rows.append(tuple(values[c] for c in case_columns))
        with transaction.atomic():
            _copy(Case._meta.db_table, case_columns, case_rows)
            _copy(CaseEvent._meta.db_table, event_columns, event_rows)
            if refresh_deadlines:  # the cached deadlines, as the services keep them
                case_deadlines_refresh([row[-1] for row in case_rows], calendar=calendar)
        written_cases += size
        written_events += len(event_rows)
        if progress:
            progress(written_cases, cases)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM cases_case))",
                           [Case._meta.db_table])
            cursor.execute("ANALYZE cases_case")
            cursor.execute("ANALYZE cases_caseevent")
    return {"cases": written_cases, "events": written_events}


def _banks() -> list[int]:
    from banks.models import Bank

    for number in range(1, 31):
        Bank.objects.get_or_create(code=f"SYN-BANK-{number:02d}", defaults={"name": f"Ngân hàng số {number}"})
    return list(Bank.objects.filter(code__startswith="SYN-BANK-").values_list("id", flat=True))
