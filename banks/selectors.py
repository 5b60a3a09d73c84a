"""Reads for the bank API. Every function takes the bank and returns only that bank's cases: a case of
another bank, or of no bank, does not exist for it."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

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


def bank_case_list(bank: Bank) -> QuerySet[Case]:
    return Case.objects.filter(creditor_bank=bank).select_related("unit")


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


def bank_changes(bank: Bank, *, after: int, limit: int) -> list[CaseChange]:
    """The changes to ``bank``'s cases recorded after cursor ``after``, oldest first.

    Changes younger than API_CHANGES_SETTLE_SECONDS are held back: ids are allocated when a transaction
    inserts, not when it commits, so a just-committed change can carry a smaller id than one already visible.
    Waiting a few seconds (far longer than any write transaction here) lets a reader that resumes from the last
    id it saw miss nothing."""
    settle = getattr(settings, "API_CHANGES_SETTLE_SECONDS", 5)
    changes = (CaseChange.objects.filter(case__creditor_bank=bank, id__gt=after)
               .select_related("case", "event__cancels").order_by("id"))
    if settle:
        changes = changes.filter(recorded_at__lte=timezone.now() - timedelta(seconds=settle))
    return list(changes[:limit])


def bank_changes_head(bank: Bank) -> int:
    """The feed cursor after the newest change bank_changes shows now (0 when there is none): where a reader
    interested only in what happens from now on starts (a new webhook endpoint). Follows bank_changes' cursor
    and hold-back, so a change still held back comes after it."""
    settle = getattr(settings, "API_CHANGES_SETTLE_SECONDS", 5)
    changes = CaseChange.objects.filter(case__creditor_bank=bank)
    if settle:
        changes = changes.filter(recorded_at__lte=timezone.now() - timedelta(seconds=settle))
    newest = changes.order_by("-id").first()
    return 0 if newest is None else change_cursor(newest)


def change_cursor(change: CaseChange) -> int:
    """The feed cursor just after ``change`` (what BankChangeFeedView returns as next_after after it)."""
    return change.pk
