"""Reads for the bank API. Every function takes the bank and returns only that bank's cases: a case of
another bank, or of no bank, does not exist for it."""
from collections.abc import Iterator

from django.db.models import Max, Prefetch, QuerySet

from banks.models import Bank, Collateral
from cases.codes import PartyRole
from cases.models import (
    Asset,
    AuctionRound,
    Case,
    CaseChange,
    CaseEvent,
    DistributionShare,
    Party,
    Payout,
    Seizure,
    Valuation,
)
from cases.services.changes import case_changes_number


def bank_case_list(bank: Bank) -> QuerySet[Case]:
    return Case.objects.filter(creditor_bank=bank).select_related("unit")


# What the case list shows of a case (banks.api.serializers.BankCaseSerializer's fields, the unit's code and name
# joined), and its id: the list's order and cursor, the export's keyset. Nothing else is read.
CASE_COLUMNS = ("id", "case_no", "decision_no", "unit__code", "unit__name", "accepted_on", "origin", "category",
                "status", "amount_due", "amount_collected", "amount_reduced", "amount_terminated",
                "amount_remaining", "updated_at")


def bank_case_rows(bank: Bank) -> QuerySet[dict]:
    """``bank``'s cases as dicts of CASE_COLUMNS (the case list's page: only the columns it shows, no model
    instances). Unordered: the caller orders (the list newest first by id, over the index case_bank_id)."""
    return Case.objects.filter(creditor_bank=bank).values(*CASE_COLUMNS)


def bank_case_get(bank: Bank, case_no: str) -> Case | None:
    """One case of ``bank`` with its timeline, debtors, payouts, assets and distribution shares, in a number of
    queries that does not grow with the rows: the case; its events; debtors; payouts; assets; shares (with
    their distribution) — and, only when the level above has rows (Django skips a prefetch over nothing), the
    bank's collateral on the assets; their seizures (with auction and creditor offer); the valuations; the
    auction rounds.

    Each asset carries ``bank_collateral``: ``bank``'s own collateral on it, never another bank's."""
    seizures = (Seizure.objects.select_related("auction__creditor_offer")
                .prefetch_related(Prefetch("valuations", queryset=Valuation.objects.order_by("valued_on", "id")),
                                  Prefetch("auction__rounds", queryset=AuctionRound.objects.order_by("number")))
                .order_by("seized_on", "id"))
    assets = (Asset.objects.order_by("id")
              .prefetch_related(Prefetch("collateral", queryset=Collateral.objects.filter(bank=bank).order_by("id"),
                                         to_attr="bank_collateral"),
                                Prefetch("seizures", queryset=seizures)))
    shares = (DistributionShare.objects.select_related("distribution")
              .order_by("distribution__received_on", "distribution_id", "rank", "id"))
    return (bank_case_list(bank)
            .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.select_related("cancels", "cancelled_by")
                                       .order_by("sequence")),
                              Prefetch("parties", queryset=Party.objects.filter(role=PartyRole.DEBTOR)
                                       .order_by("id"), to_attr="debtors"),
                              Prefetch("payouts", queryset=Payout.objects.order_by("paid_on", "id")),
                              Prefetch("assets", queryset=assets),
                              Prefetch("distribution_shares", queryset=shares))
            .filter(case_no=case_no).first())


def bank_case_seizures(case: Case) -> list[Seizure]:
    """The seizures made in ``case`` (what cases.selectors.case_deadlines reads), taken from the assets
    bank_case_get prefetched instead of queried again: an asset is seized only in a case it answers for
    (cases.services.assets.seizure_record), and each seizure comes with its asset, valuations, auction,
    rounds and offer. In the order of ``case.seizures``."""
    seized = [seizure for asset in case.assets.all() for seizure in asset.seizures.all() if seizure.case_id == case.pk]
    return sorted(seized, key=lambda seizure: (seizure.asset_id, seizure.seized_on, seizure.pk))


# What an entry of the feed shows (banks.api.serializers.BankChangeSerializer): the case's number and what a
# case_created entry tells of it, the event and the sequence of the one it cancels; not the rest of the case.
CHANGE_COLUMNS = ("kind", "recorded_at", "case_status", "payload", "position", "case__case_no", "case__decision_no",
                  "case__accepted_on", "case__amount_due", "event__sequence", "event__date", "event__kind",
                  "event__amount", "event__ground", "event__status_after", "event__cancels__sequence")


def bank_changes(bank: Bank, *, after: int, limit: int) -> list[CaseChange]:
    """The changes to ``bank``'s cases after feed position ``after``, by position, at most ``limit``.

    Positions are given after commit, in commit order, by the relay (cases.services.changes), which runs here
    first (one batch) so a read never waits for the next beat run. Whatever this read's snapshot, the positions
    it sees have no hole a later commit could fill: a reader that resumes after the last position it was given
    misses nothing and reads nothing twice, however long a writer's transaction."""
    case_changes_number()
    return list(CaseChange.objects.filter(case__creditor_bank=bank, position__gt=after)
                .select_related("case", "event__cancels").only(*CHANGE_COLUMNS).order_by("position")[:limit])


def feed_end_position(bank: Bank) -> int:
    """Where a reader of the change feed who has seen everything up to now stands: the highest position given so
    far (after running the relay, as bank_changes does), 0 when there is none.

    Taken before an export streams (banks.api.export): positions are given after commit, in commit order
    (cases.services.changes), so every change at or before it is committed and the rows read afterwards include
    it, and ``?after=<it>`` misses nothing that commits later. Global, not per bank: the feed's cursor is a
    position among every change (bank_changes keeps the bank's), one index row away. The one place that says
    what "the end of the feed" is."""
    case_changes_number()
    return CaseChange.objects.aggregate(end=Max("position"))["end"] or 0


EXPORT_COLUMNS = CASE_COLUMNS


def bank_case_export(bank: Bank, *, chunk: int = 2000) -> Iterator[list[tuple]]:
    """Every case of ``bank`` as tuples of EXPORT_COLUMNS, by id, in lists of at most ``chunk`` rows read by
    keyset (``id > last ORDER BY id LIMIT chunk``): one short query per chunk, no offset, no transaction held
    open, never more than one chunk in memory, however many cases the bank has. Lazy: nothing is read before
    the first chunk is asked for. Cases recorded while it runs may or may not appear (the change feed brings
    them)."""
    rows = bank_case_list(bank).order_by("id").values_list(*EXPORT_COLUMNS)
    last = 0
    while True:
        batch = list(rows.filter(id__gt=last)[:chunk])
        if batch:
            yield batch
        if len(batch) < chunk:
            return
        last = batch[-1][0]


def change_cursor(change: CaseChange) -> int:
    """The feed cursor just after ``change`` (what BankChangeFeedView returns as next_after after it): its
    position."""
    return change.position
