"""The demo's asset and auction histories (reports.demo.assets), generated on a dozen bank cases rather than the
whole demo: the histories exist, obey the auction rules, and write case events only after the periods the
published figures depend on (tests/reports/test_demo.py checks those figures on the full demo)."""
from datetime import date

import pytest

from banks.models import Collateral
from cases import auction_rules
from cases.codes import AuctionClosure, Category, EventKind, LandType, RoundOutcome, SeizureStatus, Status
from cases.deadlines import DeadlineStatus, compute_asset_deadlines
from cases.models import Asset, CaseEvent, DistributionShare, EnforcementCost, Payout, Seizure
from cases.selectors import effective_valuation, seizure_timeline, working_calendar
from cases.services.assets import reductions_exhausted
from reports.demo.assets import SCENARIOS, asset_summary, demo_asset_histories
from reports.services import report_build
from tests.factories import BankFactory, make_case, record

UNTIL = date(2020, 9, 30)           # the end of the demo ledger
EVENTS_AFTER = date(2019, 9, 30)    # the end of FY2019, the last period the published figures use
AGRICULTURAL = (LandType.RICE, LandType.OTHER_AGRICULTURAL)


@pytest.fixture
def bank_cases(org, people):
    """Twelve bank cases of Vị Thanh, half of them the officer's, accepted 2016–2019; a few with later
    collections (the returned and sold assets must write their events after those)."""
    agribank = BankFactory(code="AGRIBANK-HG", name="Agribank – Chi nhánh tỉnh Hậu Giang")
    bidv = BankFactory(code="BIDV-HG", name="BIDV – Chi nhánh Hậu Giang")
    cases = []
    for index, (accepted_on, amount) in enumerate([
            (date(2016, 3, 2), 1_200_000_000), (date(2016, 9, 14), 2_600_000_000), (date(2017, 2, 20), 900_000_000),
            (date(2017, 8, 1), 3_400_000_000), (date(2018, 1, 15), 1_800_000_000), (date(2018, 6, 5), 650_000_000),
            (date(2018, 11, 20), 4_100_000_000), (date(2019, 2, 11), 2_200_000_000),
            (date(2019, 5, 6), 1_500_000_000), (date(2019, 7, 1), 2_900_000_000),
            (date(2016, 5, 9), 1_100_000_000), (date(2017, 4, 3), 2_400_000_000)]):
        case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, amount_due=amount,
                         accepted_on=accepted_on, bank=agribank if index % 3 else bidv,
                         officer=people["officer"] if index % 2 == 0 else people["officer2"])
        record(case, EventKind.CO_DIEU_KIEN, date(accepted_on.year, accepted_on.month, 25))
        if index in (0, 3, 6):
            record(case, EventKind.THU_TIEN, date(2019, 12, 10), amount=amount // 10)
        cases.append(case)
    return cases


@pytest.fixture
def generated(bank_cases, people, org):
    before = set(CaseEvent.objects.values_list("id", flat=True))
    figures = {period: report_build(unit=org["HG"], start=period[0], end=period[1])
               for period in ((date(2017, 10, 1), date(2018, 9, 30)), (date(2018, 10, 1), date(2019, 9, 30)))}
    assets = demo_asset_histories(bank_cases, until=UNTIL, events_after=EVENTS_AFTER,
                                  preferred_officer=people["officer"])
    new_events = CaseEvent.objects.exclude(id__in=before)
    return assets, new_events, figures


def _rounds(asset):
    return list(Seizure.objects.get(asset=asset).auction.rounds.order_by("number"))


def test_every_scenario_finds_a_case_and_agricultural_land_fails_within_the_cap(generated):
    assets, _events, _figures = generated
    assert len(assets) == len(SCENARIOS)
    for asset in assets:
        (link,) = asset.links.select_related("case__creditor_bank")
        case = link.case
        # mortgaged to the bank of the case it answers for
        assert Collateral.objects.filter(asset=asset, bank=case.creditor_bank).exists()
        seizure = Seizure.objects.get(asset=asset)
        assert case.accepted_on < seizure.seized_on
        assert EnforcementCost.objects.filter(asset=asset).exists()
    agricultural = [a for a in assets if a.land_type in AGRICULTURAL]
    assert len(agricultural) >= 5
    cuts = set()
    for asset in agricultural:
        rounds = _rounds(asset)
        failed = [r for r in rounds if r.outcome in auction_rules.Outcome.FAILED]
        assert len(failed) >= 3
        seizure = Seizure.objects.get(asset=asset)
        assert rounds[0].starting_price == effective_valuation(seizure).value
        for before, after in zip(rounds, rounds[1:], strict=False):
            reduction = before.starting_price - after.starting_price
            assert 0 <= reduction <= before.starting_price // 10   # at most 10 % of the previous round
            assert after.reduction == reduction and after.held_on > before.held_on
            cuts.add("full" if reduction == before.starting_price // 10 else "less")
        # the offer to the bank: after the round at the twice-reduced price failed, before any further cut
        offer = seizure.auction.creditor_offer
        reductions = [r for prev, r in zip(rounds, rounds[1:], strict=False) if r.starting_price < prev.starting_price]
        twice_reduced = reductions[1]
        assert twice_reduced.outcome in auction_rules.Outcome.FAILED
        assert offer.offered_on >= twice_reduced.held_on and offer.case == asset.links.get().case
        assert offer.accepted is False and offer.answered_on >= offer.offered_on   # banks do not want rice land
        assert all(r.held_on > offer.answered_on for r in reductions[2:])
        assert offer.price == twice_reduced.starting_price
    assert cuts == {"full", "less"}
    # most stay open, the rounds going on after the bank declined
    still_open = [a for a in agricultural if not Seizure.objects.get(asset=a).auction.closed_as]
    assert len(still_open) >= 5
    assert all(_rounds(a)[-1].held_on > Seizure.objects.get(asset=a).auction.creditor_offer.answered_on
               for a in still_open)
    assert all(not reductions_exhausted(Seizure.objects.get(asset=a).auction) for a in still_open)


def test_a_return_and_a_sale_write_their_events_after_the_published_periods(generated, org):
    assets, new_events, figures = generated
    # one rice plot brought down to the costs, declined by the bank, returned to the debtor
    (asset,) = [a for a in assets if Seizure.objects.get(asset=a).auction.closed_as
                == AuctionClosure.RETURNED_TO_DEBTOR]
    seizure = Seizure.objects.get(asset=asset)
    assert asset.land_type == LandType.RICE and seizure.status == SeizureStatus.RELEASED
    assert reductions_exhausted(seizure.auction)
    case = asset.links.get().case
    case.refresh_from_db()
    assert case.status == Status.POSTPONED
    event = case.events.order_by("-sequence").first()
    assert (event.kind, event.ground, event.date) == (EventKind.HOAN, "h", seizure.auction.closed_on)
    # a truck sold, the money distributed to the bank's case and paid out to it
    (asset,) = [a for a in assets if Seizure.objects.get(asset=a).auction.closed_as == AuctionClosure.SOLD]
    sold = _rounds(asset)[-1]
    assert sold.outcome == RoundOutcome.SOLD and sold.sale_price >= sold.starting_price and sold.paid_on
    (share,) = DistributionShare.objects.filter(distribution__asset=asset)
    assert share.secured and share.event.kind == EventKind.THU_TIEN and share.event.date == sold.paid_on
    assert Payout.objects.filter(case=share.case, amount=share.amount, paid_on__gt=sold.paid_on).exists()
    share.case.refresh_from_db()
    assert share.case.status == Status.WITH_CONDITIONS and share.case.amount_remaining > 0
    kinds = {a.kind for a in assets}
    assert {"land_use_right", "house", "vehicle"} <= kinds
    # those are the only case events written, dated after FY2019, in order with each case's history
    assert sorted(new_events.values_list("kind", flat=True)) == [EventKind.HOAN, EventKind.THU_TIEN]
    for event in new_events:
        assert EVENTS_AFTER < event.date <= UNTIL
        earlier = event.case.events.filter(sequence__lt=event.sequence).values_list("date", flat=True)
        assert all(day <= event.date for day in earlier)
    # the figures of FY2018 and FY2019 are exactly what they were
    for (start, end), report in figures.items():
        assert report_build(unit=org["HG"], start=start, end=end) == report


def test_dates_deadlines_officers_and_summary(generated, people):
    assets, _events, _figures = generated
    calendar = working_calendar()
    for asset in assets:
        seizure = Seizure.objects.get(asset=asset)
        rounds = _rounds(asset)
        assert all(r.held_on <= UNTIL for r in rounds)
        assert all(0 <= a.reduction <= b.starting_price // 10 for b, a in zip(rounds, rounds[1:], strict=False))
        assert all(c.incurred_on <= UNTIL for c in EnforcementCost.objects.filter(asset=asset))
        # every legal deadline of the seizure met on time
        for deadline in compute_asset_deadlines(seizure_timeline(seizure), calendar):
            assert deadline.status(UNTIL) == DeadlineStatus.MET, (asset, deadline)
        assert seizure.officer == seizure.case.officer
    # the officer's cases are used first
    assert Seizure.objects.filter(asset__in=[a.pk for a in assets], officer=people["officer"]).count() >= 5
    summary = asset_summary(Asset.objects.filter(pk__in=[a.pk for a in assets]))
    assert summary.assets == len(SCENARIOS) and summary.agricultural == 7
    assert summary.offers == summary.declined >= 7 and summary.sold == 1 and summary.returned == 1
    assert summary.failed_rounds >= 3 * 7 and summary.most_rounds >= 8
    assert summary.line().startswith("Tài sản kê biên trong án tín dụng: 10 tài sản (7 đất nông nghiệp)")
