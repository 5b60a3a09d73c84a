"""The statistical indicators of domain.md §6: names, labels, rate arithmetic. Pure, no ORM.

Counting rules, for a period [S, E] (both included), per case:

- carried_over: accepted before S, and at the end of S−1 neither ended nor in the separate book;
- new: accepted within [S, E] — and, by this project's decision, a case that was in the separate book at
  S−1 and was brought back by a verification within the period (it re-enters the register);
- the case then ends the period in exactly one of: transferred_out, completed, terminated (each: its ending
  event within the period), or, not ended at E, in_progress (with conditions, or postponed on ground c),
  postponed_or_suspended (postponed on other grounds, suspended), without_conditions (without conditions, or
  moved to the separate book during the period).

Money follows the same tree: a case enters with what remained due at S−1 (its amount due if new); a case
transferred out leaves with all of it (its collections in the period leave with it); collected, reduced and
terminated are the period's amounts; the open buckets hold what remains at E.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

CASE_INDICATORS = (
    "carried_over", "new", "accepted", "transferred_out", "to_enforce", "with_conditions", "completed",
    "terminated", "resolved", "in_progress", "postponed_or_suspended", "without_conditions", "carried_forward",
    "rate",
)
MONEY_INDICATORS = CASE_INDICATORS[:-1] + ("collected", "reduced", "rate")

# The counts the database returns per group; every other indicator is derived from them.
BASE_COUNTS = ("carried_over", "new", "transferred_out", "completed", "terminated", "in_progress",
               "postponed_or_suspended", "without_conditions")
BASE_MONEY = ("carried_over", "new", "transferred_out", "collected", "reduced", "terminated", "in_progress",
              "postponed_or_suspended", "without_conditions")

LABELS = {
    "carried_over": _("Carried over"),
    "new": _("Newly accepted"),
    "accepted": _("Total accepted"),
    "transferred_out": _("Transferred out"),
    "to_enforce": _("Total to enforce"),
    "with_conditions": _("With conditions for enforcement"),
    "completed": _("Completed"),
    "terminated": _("Terminated"),
    "resolved": _("Resolved"),
    "in_progress": _("In progress"),
    "postponed_or_suspended": _("Postponed or suspended"),
    "without_conditions": _("Without conditions"),
    "carried_forward": _("Carried forward"),
    "collected": _("Collected"),
    "reduced": _("Reduced"),
    "rate": _("Rate (%)"),
}

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rate(resolved: int, with_conditions: int) -> Decimal | None:
    """resolved ÷ with_conditions × 100, rounded half-up to 2 decimals; None when there is no denominator.
    Exact decimal arithmetic: 5950 ÷ 8000 = 74.375 gives 74.38, never 74.37 through a float."""
    if not with_conditions:
        return None
    return (Decimal(resolved) * HUNDRED / Decimal(with_conditions)).quantize(CENT, rounding=ROUND_HALF_UP)


def percentage_change(current: int, previous: int) -> Decimal | None:
    """Year-on-year growth in percent, rounded half-up to 2 decimals; None without a base."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * HUNDRED / Decimal(previous)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The base sums of one scope; ``cases()`` and ``money()`` derive the full indicator sets."""

    counts: dict[str, int]
    amounts: dict[str, int]

    @classmethod
    def zero(cls) -> "Figures":
        return cls({k: 0 for k in BASE_COUNTS}, {k: 0 for k in BASE_MONEY})

    def add(self, other: "Figures") -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.amounts.items():
            self.amounts[key] += value

    def cases(self) -> dict:
        return derive(self.counts, money=False)

    def money(self) -> dict:
        return derive(self.amounts, money=True)


def derive(base: dict[str, int], *, money: bool) -> dict:
    """Every indicator from the base sums, in the order of the contract."""
    accepted = base["carried_over"] + base["new"]
    to_enforce = accepted - base["transferred_out"]
    # In money, "completed" is what was performed: collected plus reduced; resolved adds what was terminated.
    completed = base["collected"] + base["reduced"] if money else base["completed"]
    resolved = completed + base["terminated"]
    with_conditions = resolved + base["in_progress"]
    result = {
        "carried_over": base["carried_over"],
        "new": base["new"],
        "accepted": accepted,
        "transferred_out": base["transferred_out"],
        "to_enforce": to_enforce,
        "with_conditions": with_conditions,
        "completed": completed,
        "terminated": base["terminated"],
        "resolved": resolved,
        "in_progress": base["in_progress"],
        "postponed_or_suspended": base["postponed_or_suspended"],
        "without_conditions": base["without_conditions"],
        "carried_forward": to_enforce - resolved,
    }
    if money:
        result["collected"] = base["collected"]
        result["reduced"] = base["reduced"]
    result["rate"] = rate(resolved, with_conditions)
    return result
