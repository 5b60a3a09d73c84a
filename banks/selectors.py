"""Reads for the bank API. Every function takes the bank and returns only that bank's cases: a case of
another bank, or of no bank, does not exist for it."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from banks.models import Bank
from cases.codes import PartyRole
from cases.models import Case, CaseChange, CaseEvent, Party, Payout


def bank_case_list(bank: Bank) -> QuerySet[Case]:
    return Case.objects.filter(creditor_bank=bank).select_related("unit")


def bank_case_get(bank: Bank, case_no: str) -> Case | None:
    """One case of ``bank`` with its timeline, debtors and payouts, in a fixed number of queries."""
    return (bank_case_list(bank)
            .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("sequence")),
                              Prefetch("parties", queryset=Party.objects.filter(role=PartyRole.DEBTOR)
                                       .order_by("id"), to_attr="debtors"),
                              Prefetch("payouts", queryset=Payout.objects.order_by("paid_on", "id")))
            .filter(case_no=case_no).first())


def bank_changes(bank: Bank, *, after: int, limit: int) -> list[CaseChange]:
    """The changes to ``bank``'s cases recorded after cursor ``after``, oldest first.

    Changes younger than API_CHANGES_SETTLE_SECONDS are held back: ids are allocated when a transaction
    inserts, not when it commits, so a just-committed change can carry a smaller id than one already visible.
    Waiting a few seconds (far longer than any write transaction here) lets a reader that resumes from the last
    id it saw miss nothing."""
    settle = getattr(settings, "API_CHANGES_SETTLE_SECONDS", 5)
    changes = (CaseChange.objects.filter(case__creditor_bank=bank, id__gt=after)
               .select_related("case", "event").order_by("id"))
    if settle:
        changes = changes.filter(recorded_at__lte=timezone.now() - timedelta(seconds=settle))
    return list(changes[:limit])
