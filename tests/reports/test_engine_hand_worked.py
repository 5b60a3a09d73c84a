"""The statistics engine on hand-worked case histories (domain.md §6), one period: FY2019.

Every history below has its contribution to FY2019 (S = 1/10/2018, E = 30/9/2019) worked out by hand,
with the rule that places it. The tests check: the reference implementation gives each contribution;
the database engine gives it for each history alone; and, all histories together, the engine gives the
hand-summed totals for the province HG, for its districts, for one category, and nothing of another
province. Then the 2025 reorganisation: which unit answers for a period ending after it.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import Category
from cases.codes import EventKind as K
from cases.workflow import CaseFacts, EventInput
from reports.engine import Hierarchy, group_rows, roll_up, unit_figures
from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
from reports.reference import CaseHistory, case_figures
from tests.factories import make_case, record

S = date(2018, 10, 1)    # FY2019 starts
S_1 = date(2018, 9, 30)  # the day before
E = date(2019, 9, 30)    # FY2019 ends
M = 1_000_000            # one million đồng


def ev(kind: str, on: date, amount: int | None = None, ground: str = "") -> EventInput:
    return EventInput(kind=kind, date=on, amount=amount, ground=ground)


def figures(counts: dict | None = None, amounts: dict | None = None) -> Figures:
    """Base sums with every key not given at 0 (refuses unknown keys, so a typo cannot pass unnoticed)."""
    result = Figures.zero()
    for key, value in (counts or {}).items():
        assert key in BASE_COUNTS, key
        result.counts[key] = value
    for key, value in (amounts or {}).items():
        assert key in BASE_MONEY, key
        result.amounts[key] = value
    return result


NOTHING = figures()


@dataclass(frozen=True)
class Story:
    """One case and, worked by hand, what it contributes to FY2019 in its province."""

    name: str
    accepted_on: date
    amount_due: int
    events: tuple[EventInput, ...]
    expected: Figures = field(compare=False)
    unit: str = "HG-VT"
    category: str = Category.KHAC

    @property
    def province(self) -> str:
        return self.unit.split("-")[0]

    def history(self) -> CaseHistory:
        return CaseHistory(CaseFacts(self.name, self.category, self.accepted_on, self.amount_due), self.events,
                           category=self.category)


STORIES = [
    # Accepted before S, still open at S owing 80M (20M collected before the period): carried over with 80M.
    # 30M collected within the period; with conditions at E: in progress with the remaining 50M.
    Story("carried-over-in-progress", date(2018, 3, 1), 100 * M,
          (ev(K.THU_TIEN, date(2018, 6, 1), 20 * M), ev(K.THU_TIEN, date(2019, 2, 1), 30 * M)),
          figures({"carried_over": 1, "in_progress": 1},
                  {"carried_over": 80 * M, "collected": 30 * M, "in_progress": 50 * M})),
    # Accepted within the period: new with its amount due; fully paid and completed within it.
    Story("new-completed", date(2018, 11, 5), 40 * M,
          (ev(K.THU_TIEN, date(2019, 1, 10), 40 * M), ev(K.XONG, date(2019, 1, 15))),
          figures({"new": 1, "completed": 1}, {"new": 40 * M, "collected": 40 * M})),
    # Completed months before S: it had ended before the period, so it is not counted at all.
    Story("completed-before-the-period", date(2018, 1, 10), 5 * M,
          (ev(K.THU_TIEN, date(2018, 5, 1), 5 * M), ev(K.XONG, date(2018, 5, 2))),
          NOTHING),
    # Completed on S−1, the last day of FY2018: ended before S, not counted (its collection is FY2018's).
    Story("completed-on-the-day-before-S", date(2018, 2, 1), 7 * M,
          (ev(K.THU_TIEN, S_1, 7 * M), ev(K.XONG, S_1)),
          NOTHING),
    # Completed on S itself: open at the end of S−1, so carried over with 9M, then completed in the period.
    Story("completed-on-S", date(2018, 2, 1), 9 * M,
          (ev(K.THU_TIEN, S, 9 * M), ev(K.XONG, S)),
          figures({"carried_over": 1, "completed": 1}, {"carried_over": 9 * M, "collected": 9 * M})),
    # Carried over owing 50M (10M collected before S). Transferred out within the period: counted in accepted
    # and transferred_out, so not in to_enforce; it leaves with the whole 50M it had at S, and the 15M
    # collected in the period before the transfer leaves with it (not counted as collected).
    Story("transferred-out", date(2018, 4, 1), 60 * M,
          (ev(K.THU_TIEN, date(2018, 8, 1), 10 * M), ev(K.THU_TIEN, date(2019, 3, 1), 15 * M),
           ev(K.UY_THAC_DI, date(2019, 4, 1))),
          figures({"carried_over": 1, "transferred_out": 1}, {"carried_over": 50 * M, "transferred_out": 50 * M}),
          category=Category.TIN_DUNG_NGAN_HANG),
    # Accepted on S itself: new. Postponed on ground c (the parties agreed): still with conditions, in progress.
    Story("postponed-on-ground-c", S, 12 * M,
          (ev(K.HOAN, date(2019, 2, 1), ground="c"),),
          figures({"new": 1, "in_progress": 1}, {"new": 12 * M, "in_progress": 12 * M})),
    # Carried over, postponed on ground a (the debtor is seriously ill): postponed_or_suspended at E.
    Story("postponed-on-ground-a", date(2018, 5, 1), 15 * M,
          (ev(K.HOAN, date(2019, 5, 1), ground="a"),),
          figures({"carried_over": 1, "postponed_or_suspended": 1},
                  {"carried_over": 15 * M, "postponed_or_suspended": 15 * M})),
    # New; 5M collected, then suspended (cassation protest): postponed_or_suspended with the remaining 20M;
    # the 5M counts as collected whatever bucket the case ends in.
    Story("suspended", date(2018, 12, 1), 25 * M,
          (ev(K.THU_TIEN, date(2019, 1, 5), 5 * M), ev(K.TAM_DINH_CHI, date(2019, 6, 1), ground="giam_doc_tham")),
          figures({"new": 1, "postponed_or_suspended": 1},
                  {"new": 25 * M, "collected": 5 * M, "postponed_or_suspended": 20 * M})),
    # Moved to the separate book on S−1: in the separate book before S, so not carried over, and nothing
    # happens in the period: not counted.
    Story("separate-book-before-the-period", date(2017, 3, 1), 30 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2017, 6, 1), ground="khong_tai_san"), ev(K.CHUYEN_SO_RIENG, S_1)),
          NOTHING),
    # Without conditions before S, moved to the separate book on S: carried over (it was not in the book at
    # S−1) and counted without conditions (moved to the separate book during the period), with its 18M.
    Story("separate-book-during-the-period", date(2017, 5, 1), 18 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2017, 7, 1), ground="khong_tai_san"), ev(K.CHUYEN_SO_RIENG, S)),
          figures({"carried_over": 1, "without_conditions": 1},
                  {"carried_over": 18 * M, "without_conditions": 18 * M})),
    # In the separate book since 2017, brought back by a verification finding conditions within the period:
    # by the project's decision it re-enters the register as new, with what remained at S (22M); 2M collected,
    # in progress at E with 20M.
    Story("brought-back-from-the-separate-book", date(2016, 4, 1), 22 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2016, 6, 1), ground="khong_tai_san"),
           ev(K.CHUYEN_SO_RIENG, date(2017, 12, 1)), ev(K.CO_DIEU_KIEN, date(2019, 4, 10)),
           ev(K.THU_TIEN, date(2019, 5, 10), 2 * M)),
          figures({"new": 1, "in_progress": 1}, {"new": 22 * M, "collected": 2 * M, "in_progress": 20 * M})),
    # Brought back from the separate book on S−1: with conditions at S−1, so simply carried over (not new).
    Story("brought-back-before-the-period", date(2016, 9, 1), 14 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2016, 10, 1), ground="khong_tai_san"),
           ev(K.CHUYEN_SO_RIENG, date(2017, 10, 1)), ev(K.CO_DIEU_KIEN, S_1)),
          figures({"carried_over": 1, "in_progress": 1}, {"carried_over": 14 * M, "in_progress": 14 * M})),
    # Without conditions since before S; 3M collected in the period anyway (the debtor paid a little): the 3M
    # counts as collected (so in money resolved) while the case stays without conditions with 47M.
    Story("collected-while-without-conditions", date(2018, 1, 15), 50 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2018, 3, 1), ground="khong_tai_san"),
           ev(K.THU_TIEN, date(2019, 7, 1), 3 * M)),
          figures({"carried_over": 1, "without_conditions": 1},
                  {"carried_over": 50 * M, "collected": 3 * M, "without_conditions": 47 * M})),
    # New; paid in full and completed on E itself: events dated E count, in their order.
    Story("paid-and-completed-on-E", date(2019, 9, 1), 8 * M,
          (ev(K.THU_TIEN, E, 8 * M), ev(K.XONG, E)),
          figures({"new": 1, "completed": 1}, {"new": 8 * M, "collected": 8 * M})),
    # Carried over; with conditions, then without conditions, the same day: the later one in the order given
    # wins, so without conditions at E.
    Story("with-then-without-conditions-the-same-day", date(2018, 6, 1), 11 * M,
          (ev(K.CO_DIEU_KIEN, date(2019, 8, 1)), ev(K.CHUA_CO_DIEU_KIEN, date(2019, 8, 1))),
          figures({"carried_over": 1, "without_conditions": 1},
                  {"carried_over": 11 * M, "without_conditions": 11 * M})),
    # New; the same two decisions the other way round the same day: with conditions at E, in progress.
    Story("without-then-with-conditions-the-same-day", date(2019, 2, 1), 6 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2019, 8, 1)), ev(K.CO_DIEU_KIEN, date(2019, 8, 1))),
          figures({"new": 1, "in_progress": 1}, {"new": 6 * M, "in_progress": 6 * M})),
    # A State-budget debt in the other district, carried over with 20M: 4M collected, 16M reduced (Điều 61),
    # then completed. Money completed = collected + reduced = 20M.
    Story("reduced-budget-debt", date(2018, 7, 1), 20 * M,
          (ev(K.THU_TIEN, date(2019, 1, 20), 4 * M), ev(K.GIAM, date(2019, 2, 20), 16 * M),
           ev(K.XONG, date(2019, 2, 21))),
          figures({"carried_over": 1, "completed": 1},
                  {"carried_over": 20 * M, "collected": 4 * M, "reduced": 16 * M}),
          unit="HG-NB", category=Category.NGAN_SACH),
    # A State-budget debt in the other district, carried over with 30M (5M collected before S); 10M collected,
    # then terminated (the debtor died leaving no estate): the 20M that remained is the terminated money.
    Story("terminated-with-money-remaining", date(2018, 8, 1), 35 * M,
          (ev(K.THU_TIEN, date(2018, 9, 15), 5 * M), ev(K.THU_TIEN, date(2019, 3, 10), 10 * M),
           ev(K.DINH_CHI, date(2019, 6, 10), ground="a")),
          figures({"carried_over": 1, "terminated": 1},
                  {"carried_over": 30 * M, "collected": 10 * M, "terminated": 20 * M}),
          unit="HG-NB", category=Category.NGAN_SACH),
    # Accepted on E+1: belongs to FY2020, ignored (so is its collection).
    Story("accepted-after-E", date(2019, 10, 1), 99 * M,
          (ev(K.THU_TIEN, date(2019, 10, 2), 1 * M),),
          NOTHING),
    # New non-money obligation (return an item), amount 0, completed: counts as a case, adds 0 to money.
    Story("non-money-completed", date(2019, 3, 1), 0,
          (ev(K.XONG, date(2019, 4, 1)),),
          figures({"new": 1, "completed": 1})),
    # Accepted on S−1: carried over. Paid and completed on E+1 and E+2: those events are FY2020's, so at E it
    # is still with conditions, in progress with the whole 13M.
    Story("events-after-E-ignored", S_1, 13 * M,
          (ev(K.THU_TIEN, date(2019, 10, 1), 13 * M), ev(K.XONG, date(2019, 10, 2))),
          figures({"carried_over": 1, "in_progress": 1}, {"carried_over": 13 * M, "in_progress": 13 * M})),
    # Suspended (bankruptcy petition) before S: still open, so carried over; resumed within the period: in
    # progress at E.
    Story("suspended-before-resumed-during", date(2018, 3, 15), 4 * M,
          (ev(K.TAM_DINH_CHI, date(2018, 7, 1), ground="pha_san"), ev(K.TIEP_TUC, date(2019, 1, 1))),
          figures({"carried_over": 1, "in_progress": 1}, {"carried_over": 4 * M, "in_progress": 4 * M})),
    # In the separate book at S−1; brought back within the period (new, with the 16M that remained at S), then
    # found without conditions again and moved back to the separate book before E: without conditions at E.
    Story("brought-back-then-moved-again", date(2016, 5, 1), 16 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2016, 7, 1), ground="khong_tai_san"),
           ev(K.CHUYEN_SO_RIENG, date(2017, 11, 1)), ev(K.CO_DIEU_KIEN, date(2019, 1, 15)),
           ev(K.CHUA_CO_DIEU_KIEN, date(2019, 3, 1), ground="khong_ro_dia_chi"),
           ev(K.CHUYEN_SO_RIENG, date(2019, 9, 1))),
          figures({"new": 1, "without_conditions": 1}, {"new": 16 * M, "without_conditions": 16 * M})),
    # Accepted and transferred out within the period: new and transferred out, with its whole amount due; the
    # 2M collected before the transfer leaves with it.
    Story("new-transferred-out", date(2019, 1, 20), 9 * M,
          (ev(K.THU_TIEN, date(2019, 2, 1), 2 * M), ev(K.UY_THAC_DI, date(2019, 3, 1))),
          figures({"new": 1, "transferred_out": 1}, {"new": 9 * M, "transferred_out": 9 * M})),
    # Without conditions at S−1 (not in the book): carried over. Moved to the separate book and brought back the
    # same day within the period: with conditions at E, in progress. Not "new": it was not in the book at S−1.
    Story("moved-and-brought-back-the-same-day", date(2018, 4, 10), 3 * M,
          (ev(K.CHUA_CO_DIEU_KIEN, date(2018, 5, 1), ground="khong_tai_san"),
           ev(K.CHUYEN_SO_RIENG, date(2019, 5, 1)), ev(K.CO_DIEU_KIEN, date(2019, 5, 1))),
          figures({"carried_over": 1, "in_progress": 1}, {"carried_over": 3 * M, "in_progress": 3 * M})),
    # Another province: new in ST with 1,000M, 100M collected, in progress with 900M. Never counted in HG.
    Story("other-province", date(2019, 1, 1), 1_000 * M,
          (ev(K.THU_TIEN, date(2019, 2, 1), 100 * M),),
          figures({"new": 1, "in_progress": 1},
                  {"new": 1_000 * M, "collected": 100 * M, "in_progress": 900 * M}),
          unit="ST-A"),
]
STORY_IDS = [story.name for story in STORIES]
HG_STORIES = [story for story in STORIES if story.province == "HG"]

# The HG totals for FY2019, summed by hand from the contributions above (the first test checks the sum).
#   carried over (13): carried-over-in-progress 80, completed-on-S 9, transferred-out 50, postponed-on-ground-a 15,
#     separate-book-during 18, brought-back-before 14, collected-while-without 50, with-then-without 11,
#     reduced-budget-debt 20, terminated-with-money-remaining 30, events-after-E 13, suspended-resumed 4,
#     moved-and-brought-back-the-same-day 3 = 317M
#   new (9): new-completed 40, postponed-on-ground-c 12, suspended 25, brought-back 22, paid-on-E 8,
#     without-then-with 6, non-money 0, brought-back-then-moved-again 16, new-transferred-out 9 = 138M
#   transferred out (2): 50 + 9 = 59M
#   collected: 30 + 40 + 9 + 5 + 2 + 3 + 8 + 4 + 10 = 111M (not the 15M and 2M of the transferred cases)
#   in progress (8): 50 + 12 + 20 + 14 + 6 + 13 + 4 + 3 = 122M; postponed or suspended (2): 15 + 20 = 35M;
#   without conditions (4): 18 + 47 + 11 + 16 = 92M
HG_FY2019 = figures(
    {"carried_over": 13, "new": 9, "transferred_out": 2, "completed": 5, "terminated": 1, "in_progress": 8,
     "postponed_or_suspended": 2, "without_conditions": 4},
    {"carried_over": 317 * M, "new": 138 * M, "transferred_out": 59 * M, "collected": 111 * M, "reduced": 16 * M,
     "terminated": 20 * M, "in_progress": 122 * M, "postponed_or_suspended": 35 * M, "without_conditions": 92 * M},
)
# HG-NB holds the two State-budget stories (reduced, terminated); HG-VT everything else in HG.
HG_NB_FY2019 = figures(
    {"carried_over": 2, "completed": 1, "terminated": 1},
    {"carried_over": 50 * M, "collected": 14 * M, "reduced": 16 * M, "terminated": 20 * M},
)
HG_VT_FY2019 = figures(
    {"carried_over": 11, "new": 9, "transferred_out": 2, "completed": 4, "in_progress": 8,
     "postponed_or_suspended": 2, "without_conditions": 4},
    {"carried_over": 267 * M, "new": 138 * M, "transferred_out": 59 * M, "collected": 97 * M, "in_progress": 122 * M,
     "postponed_or_suspended": 35 * M, "without_conditions": 92 * M},
)


def create(story: Story, org):
    case = make_case(unit=org[story.unit], case_no=story.name, category=story.category, amount_due=story.amount_due,
                     accepted_on=story.accepted_on)
    for event in story.events:
        record(case, event.kind, event.date, amount=event.amount, ground=event.ground)
    return case


def assert_identities(result: Figures) -> None:
    """domain.md §6: to_enforce = with_conditions + without_conditions + postponed_or_suspended, always."""
    for derived in (result.cases(), result.money()):
        assert derived["to_enforce"] == (derived["with_conditions"] + derived["without_conditions"]
                                         + derived["postponed_or_suspended"])
        assert derived["carried_forward"] == derived["to_enforce"] - derived["resolved"]


def assert_same(got: Figures, expected: Figures) -> None:
    assert got.counts == expected.counts
    assert got.amounts == expected.amounts


# ---- the hand work is consistent with itself and with the reference implementation ---------------------------------

def test_the_hand_worked_contributions_add_up_to_the_hand_worked_totals():
    total, vi_thanh, nga_bay = Figures.zero(), Figures.zero(), Figures.zero()
    for story in HG_STORIES:
        total.add(story.expected)
        (vi_thanh if story.unit == "HG-VT" else nga_bay).add(story.expected)
    assert_same(total, HG_FY2019)
    assert_same(vi_thanh, HG_VT_FY2019)
    assert_same(nga_bay, HG_NB_FY2019)
    assert len(STORIES) >= 15


@pytest.mark.parametrize("story", STORIES, ids=STORY_IDS)
def test_reference_gives_each_hand_worked_contribution(story):
    # Given one hand-worked history / When the reference implementation counts it for FY2019
    got = case_figures(story.history(), S, E)
    # Then it contributes exactly what was worked out by hand
    assert_same(got, story.expected)
    assert_identities(got)


# ---- the database engine, one history at a time --------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("story", STORIES, ids=STORY_IDS)
def test_engine_counts_each_history_alone_as_worked_by_hand(org, story):
    # Given only this case, recorded through the services
    create(story, org)

    # When the engine computes FY2019 for the case's province and for the other province
    got = unit_figures(org[story.province], start=S, end=E)
    other = unit_figures(org["ST" if story.province == "HG" else "HG"], start=S, end=E)

    # Then the province gets the hand-worked contribution, which is also the reference's; the other gets nothing
    assert_same(got, story.expected)
    assert_same(got, case_figures(story.history(), S, E))
    assert_same(other, NOTHING)
    assert_identities(got)


# ---- the database engine, every history together ----------------------------------------------------------------

@pytest.fixture
def fy2019(org):
    for story in STORIES:
        create(story, org)
    return org


@pytest.mark.django_db
def test_engine_gives_the_hand_summed_totals_for_the_province(fy2019):
    # When the engine computes FY2019 for HG (both districts; the ST-A case excluded)
    got = unit_figures(fy2019["HG"], start=S, end=E)

    # Then the base sums are the hand-summed ones, exactly
    assert_same(got, HG_FY2019)
    # And every derived indicator: 22 accepted, 2 transferred out, 6 resolved of 14 with conditions (42.857…)
    assert got.cases() == {
        "carried_over": 13, "new": 9, "accepted": 22, "transferred_out": 2, "to_enforce": 20,
        "with_conditions": 14, "completed": 5, "terminated": 1, "resolved": 6, "in_progress": 8,
        "postponed_or_suspended": 2, "without_conditions": 4, "carried_forward": 14, "rate": Decimal("42.86"),
    }
    # Money: completed = 111 collected + 16 reduced; resolved adds 20 terminated; 147 / 269 = 54.646…
    assert got.money() == {
        "carried_over": 317 * M, "new": 138 * M, "accepted": 455 * M, "transferred_out": 59 * M,
        "to_enforce": 396 * M, "with_conditions": 269 * M, "completed": 127 * M, "terminated": 20 * M,
        "resolved": 147 * M, "in_progress": 122 * M, "postponed_or_suspended": 35 * M,
        "without_conditions": 92 * M, "carried_forward": 249 * M, "collected": 111 * M, "reduced": 16 * M,
        "rate": Decimal("54.65"),
    }
    assert_identities(got)


@pytest.mark.django_db
def test_engine_agrees_with_the_reference_on_all_histories_together(fy2019):
    expected = Figures.zero()
    for story in HG_STORIES:
        expected.add(case_figures(story.history(), S, E))
    assert_same(unit_figures(fy2019["HG"], start=S, end=E), expected)


@pytest.mark.django_db
def test_each_unit_counts_its_own_subtree_and_never_another_province(fy2019):
    # When computing FY2019 for each unit
    province = unit_figures(fy2019["HG"], start=S, end=E)
    vi_thanh = unit_figures(fy2019["HG-VT"], start=S, end=E)
    nga_bay = unit_figures(fy2019["HG-NB"], start=S, end=E)
    regional = unit_figures(fy2019["HG-KV1"], start=S, end=E)
    other_province = unit_figures(fy2019["ST"], start=S, end=E)
    other_district = unit_figures(fy2019["ST-A"], start=S, end=E)

    # Then each district has its own cases, the province their sum, and ST only the ST-A case
    assert_same(vi_thanh, HG_VT_FY2019)
    assert_same(nga_bay, HG_NB_FY2019)
    assert_same(province, HG_FY2019)
    # The regional office did not exist on 30/9/2019: it answers for nothing in FY2019
    assert_same(regional, NOTHING)
    other = next(story for story in STORIES if story.name == "other-province").expected
    assert_same(other_province, other)
    assert_same(other_district, other)
    for result in (province, vi_thanh, nga_bay, other_province):
        assert_identities(result)


@pytest.mark.django_db
def test_category_filter_counts_only_that_category(fy2019):
    # When filtering FY2019 on the State budget
    budget = unit_figures(fy2019["HG"], start=S, end=E, category=Category.NGAN_SACH)
    # Then only the two State-budget stories count (both in HG-NB): 2 resolved of 2, 50M resolved of 50M
    assert_same(budget, HG_NB_FY2019)
    assert budget.cases()["rate"] == Decimal("100.00")
    assert budget.money()["rate"] == Decimal("100.00")
    assert_same(unit_figures(fy2019["HG-VT"], start=S, end=E, category=Category.NGAN_SACH), NOTHING)

    # When filtering on credit cases: only the transferred-out case, which leaves nothing with conditions
    credit = unit_figures(fy2019["HG"], start=S, end=E, category=Category.TIN_DUNG_NGAN_HANG)
    assert_same(credit, figures({"carried_over": 1, "transferred_out": 1},
                                {"carried_over": 50 * M, "transferred_out": 50 * M}))
    assert credit.cases()["to_enforce"] == 0
    assert credit.cases()["rate"] is None
    assert credit.money()["rate"] is None

    # When filtering on a category with no case in HG
    assert_same(unit_figures(fy2019["HG"], start=S, end=E, category=Category.THAM_NHUNG_KINH_TE), NOTHING)
    for result in (budget, credit):
        assert_identities(result)


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["facts", "events"])
def test_group_rows_is_one_query_and_its_rows_roll_up_to_the_totals(fy2019, django_assert_num_queries, source):
    # When reading the group rows for every unit, from the per-case facts or from the events
    with django_assert_num_queries(1):
        rows = group_rows(start=S, end=E, source=source)
    # Then rolling them up over the hierarchy at E gives every unit's hand-worked totals
    totals = roll_up(rows, Hierarchy(E))
    assert_same(totals[(fy2019["HG"].pk, None)], HG_FY2019)
    assert_same(totals[(fy2019["HG-VT"].pk, None)], HG_VT_FY2019)
    assert_same(totals[(fy2019["HG-NB"].pk, None)], HG_NB_FY2019)
    assert {row.unit_id for row in rows} == {fy2019["HG-VT"].pk, fy2019["HG-NB"].pk, fy2019["ST-A"].pk}
    # And the split by category keeps the State-budget stories apart
    by_category = roll_up(rows, Hierarchy(E), key=lambda row: row.category)
    assert_same(by_category[(fy2019["HG"].pk, Category.NGAN_SACH)], HG_NB_FY2019)


# ---- the hierarchy at the period's end (the 2025 reorganisation) -------------------------------------------------

FY2024 = (date(2023, 10, 1), date(2024, 9, 30))
FY2025 = (date(2024, 10, 1), date(2025, 9, 30))
TO_JUNE_2025 = (date(2024, 10, 1), date(2025, 6, 30))   # ends on the districts' last day
TO_JULY_2025 = (date(2024, 10, 1), date(2025, 7, 31))   # ends in the first month of the regional office


@pytest.fixture
def reform(org):
    """Accepted by HG-VT before the reform: 10M, still open. Accepted by HG-NB in FY2024: 5M, paid and
    completed in August 2025 (after the reform). Accepted by HG-KV1 itself in July 2025: 3M, open."""
    make_case(unit=org["HG-VT"], case_no="VT-2024", amount_due=10 * M, accepted_on=date(2024, 5, 1))
    nga_bay = make_case(unit=org["HG-NB"], case_no="NB-2023", amount_due=5 * M, accepted_on=date(2023, 11, 1))
    record(nga_bay, K.THU_TIEN, date(2025, 8, 1), amount=5 * M)
    record(nga_bay, K.XONG, date(2025, 8, 1))
    make_case(unit=org["HG-KV1"], case_no="KV1-2025", amount_due=3 * M, accepted_on=date(2025, 7, 15))
    return org


@pytest.mark.django_db
def test_a_period_ending_after_the_reform_counts_the_old_districts_in_their_successor(reform):
    start, end = FY2025
    # The HG-VT and HG-NB cases were accepted before S: carried over (10M open, 5M completed in the period);
    # the HG-KV1 case is new. On 30/9/2025 HG-KV1 answers for both districts' cases.
    expected = figures({"carried_over": 2, "new": 1, "completed": 1, "in_progress": 2},
                       {"carried_over": 15 * M, "new": 3 * M, "collected": 5 * M, "in_progress": 13 * M})
    regional = unit_figures(reform["HG-KV1"], start=start, end=end)
    assert_same(regional, expected)
    assert_same(unit_figures(reform["HG"], start=start, end=end), expected)
    # The districts no longer existed on 30/9/2025: they answer for nothing
    assert_same(unit_figures(reform["HG-VT"], start=start, end=end), NOTHING)
    assert_same(unit_figures(reform["HG-NB"], start=start, end=end), NOTHING)
    assert_identities(regional)


@pytest.mark.django_db
def test_a_period_ending_before_the_reform_counts_the_districts_cases_in_the_districts(reform):
    start, end = FY2024
    # Both district cases were accepted within FY2024: new, open at E. HG-KV1 did not exist yet.
    vi_thanh = unit_figures(reform["HG-VT"], start=start, end=end)
    assert_same(vi_thanh, figures({"new": 1, "in_progress": 1}, {"new": 10 * M, "in_progress": 10 * M}))
    assert_same(unit_figures(reform["HG-NB"], start=start, end=end),
                figures({"new": 1, "in_progress": 1}, {"new": 5 * M, "in_progress": 5 * M}))
    assert_same(unit_figures(reform["HG"], start=start, end=end),
                figures({"new": 2, "in_progress": 2}, {"new": 15 * M, "in_progress": 15 * M}))
    assert_same(unit_figures(reform["HG-KV1"], start=start, end=end), NOTHING)
    assert_identities(vi_thanh)


@pytest.mark.django_db
def test_the_districts_answer_through_their_last_day_and_the_regional_office_from_its_first(reform):
    # A period ending 30/6/2025 (valid_to, inclusive): the districts still exist
    start, end = TO_JUNE_2025
    assert_same(unit_figures(reform["HG-VT"], start=start, end=end),
                figures({"carried_over": 1, "in_progress": 1}, {"carried_over": 10 * M, "in_progress": 10 * M}))
    assert_same(unit_figures(reform["HG-KV1"], start=start, end=end), NOTHING)
    # A period ending 31/7/2025: the regional office answers for both districts and its own case
    start, end = TO_JULY_2025
    assert_same(unit_figures(reform["HG-VT"], start=start, end=end), NOTHING)
    assert_same(unit_figures(reform["HG-KV1"], start=start, end=end),
                figures({"carried_over": 2, "new": 1, "in_progress": 3},
                        {"carried_over": 15 * M, "new": 3 * M, "in_progress": 18 * M}))


@pytest.mark.django_db
def test_hierarchy_chains_follow_the_units_as_they_stood_on_the_date(org):
    ids = {code: unit.pk for code, unit in org.items()}
    before, after = Hierarchy(FY2024[1]), Hierarchy(FY2025[1])
    assert before.chain(ids["HG-VT"]) == [ids["HG-VT"], ids["HG"]]
    assert after.chain(ids["HG-VT"]) == [ids["HG-KV1"], ids["HG"]]
    assert after.chain(ids["HG-NB"]) == [ids["HG-KV1"], ids["HG"]]
    assert after.chain(ids["ST-A"]) == [ids["ST-A"], ids["ST"]]
    assert after.subtree_of(ids["HG-KV1"]) == {ids["HG-KV1"], ids["HG-VT"], ids["HG-NB"]}
    assert before.subtree_of(ids["HG"]) == {ids["HG"], ids["HG-VT"], ids["HG-NB"], ids["HG-KV1"]}
    assert ids["ST-A"] not in after.subtree_of(ids["HG"])
