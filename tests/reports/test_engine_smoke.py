"""The database engine agrees with the per-case reference implementation on a generated ledger."""
from datetime import date

import pytest

from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent
from cases.workflow import CaseFacts, EventInput
from reports.engine import unit_figures
from reports.reference import CaseHistory, period_figures
from thads.org.models import Unit


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", [(date(2017, 10, 1), date(2018, 9, 30)), (date(2018, 10, 1), date(2019, 9, 30)),
                                       (date(2019, 1, 1), date(2019, 3, 31))])
def test_engine_matches_reference_on_a_generated_ledger(tmp_path, start, end):
    generate_ledger(tmp_path, cases=400, events=1200, seed=11)
    import_ledger(tmp_path)
    histories = []
    events_by_case: dict[int, list] = {}
    for event in CaseEvent.objects.select_related("cancels").order_by("case_id", "sequence"):
        events_by_case.setdefault(event.case_id, []).append(
            EventInput(kind=event.kind, date=event.stat_date, amount=event.amount, ground=event.ground,
                       cancels=event.cancels.sequence if event.cancels_id else None))
    for case in Case.objects.all():
        histories.append(CaseHistory(CaseFacts(case.case_no, case.category, case.stat_accepted_on, case.amount_due),
                                     tuple(events_by_case.get(case.pk, ()))))
    expected = period_figures(histories, start, end)
    got = unit_figures(Unit.objects.get(code="HG"), start=start, end=end)
    assert got.counts == expected.counts
    assert got.amounts == expected.amounts
    assert got.cases()["to_enforce"] == (got.cases()["with_conditions"] + got.cases()["without_conditions"]
                                         + got.cases()["postponed_or_suspended"])
    assert got.money()["to_enforce"] == (got.money()["with_conditions"] + got.money()["without_conditions"]
                                         + got.money()["postponed_or_suspended"])
