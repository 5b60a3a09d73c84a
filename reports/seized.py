"""Money behind the seized assets: of the money "with conditions" still to collect at the end of a period (the
cases in progress), how much stands on seized assets, what those assets were last valued at, what they are
offered at now, and how much no sale of them can bring in (the remaining amount above their valuation).

A case counts when, at the period's end, it is in progress with conditions (reports.engine's class
"in_progress") and an asset is seized in it: seized on or before the end, not released by then, and its
auction not closed by then (sold, handed to the creditor, redeemed or returned). An asset's valuation is its
latest valuation dated on or before the end; its asking price is the starting price of its latest auction
round held by then (the valuation when no round was held). An asset answers here for the case in which it was
seized: an asset seized once for several cases of one debtor is counted once, against that case.

Computed in one query over the same per-case classification as the dashboard's figures, read from the same
source (the per-case facts for a fiscal year from 1 October, the events otherwise), so the cases listed are
exactly the in-progress cases of the unit's figure that have a seized asset."""
from dataclasses import dataclass
from datetime import date

from django.db import connection

from reports.engine import _classified_cases, hierarchy_on, source_for

# Seizures in force at the end, with the latest valuation, the current asking price and the failed rounds.
_SEIZED = """,
seized AS (
    SELECT s.case_id AS case_id,
           (SELECT v.value FROM cases_valuation v WHERE v.seizure_id = s.id AND v.valued_on <= %(end)s
             ORDER BY v.valued_on DESC, v.id DESC LIMIT 1) AS valued,
           (SELECT r.starting_price FROM cases_auction a JOIN cases_auctionround r ON r.auction_id = a.id
             WHERE a.seizure_id = s.id AND r.held_on <= %(end)s
             ORDER BY r.held_on DESC, r.number DESC LIMIT 1) AS asking,
           (SELECT COUNT(*) FROM cases_auction a JOIN cases_auctionround r ON r.auction_id = a.id
             WHERE a.seizure_id = s.id AND r.held_on <= %(end)s AND r.outcome <> 'sold') AS failed_rounds
    FROM cases_seizure s
    WHERE s.seized_on <= %(end)s AND (s.released_on IS NULL OR s.released_on > %(end)s)
      AND NOT EXISTS (SELECT 1 FROM cases_auction a
                      WHERE a.seizure_id = s.id AND a.closed_on IS NOT NULL AND a.closed_on <= %(end)s)
),
seized_case AS (
    SELECT case_id, COUNT(*) AS assets, SUM(COALESCE(valued, 0)) AS valued,
           SUM(COALESCE(asking, valued, 0)) AS asking, MAX(failed_rounds) AS failed_rounds
    FROM seized GROUP BY case_id
),
held AS (
    SELECT cl.case_id AS case_id, cl.case_no AS case_no, cl.remaining_end AS remaining, sc.assets AS assets,
           sc.valued AS valued, sc.asking AS asking, sc.failed_rounds AS failed_rounds,
           CASE WHEN cl.remaining_end > sc.valued THEN cl.remaining_end - sc.valued ELSE 0 END AS uncovered
    FROM classified cl JOIN seized_case sc ON sc.case_id = cl.case_id
    WHERE cl.outcome = 'in_progress'
)
"""
# Only the cases with a seizure need their events read.
_ONLY_SEIZED = "SELECT s0.case_id FROM cases_seizure s0 WHERE s0.seized_on <= %(end)s"

_TOTALS = "SELECT COUNT(*), SUM(remaining), SUM(valued), SUM(asking), SUM(uncovered), SUM(assets) FROM held"
_ORDER = {"uncovered": "uncovered DESC", "remaining": "remaining DESC", "failed_rounds": "failed_rounds DESC",
          "case_no": "case_no"}


@dataclass(frozen=True)
class SeizedTotals:
    cases: int
    assets: int
    remaining: int  # money with conditions still to collect in those cases
    valued: int  # their assets' latest valuations
    asking: int  # what their assets are offered at now
    uncovered: int  # the part of the remaining money above the valuation: no sale of these assets brings it in

    @property
    def covered(self) -> int:
        return self.remaining - self.uncovered


@dataclass(frozen=True)
class SeizedCase:
    case_id: int
    case_no: str
    remaining: int
    assets: int
    valued: int
    asking: int
    failed_rounds: int
    uncovered: int


def _sql(tail: str, params: dict, *, unit, start: date, end: date, filters: dict, numbered: bool = True) -> str:
    """The classification of the unit's cases with a seizure by the end, from the source the figures are read
    from (the facts, the split or the events: reports.engine.source_for), then the seized assets."""
    engine_filters = {"unit_ids": hierarchy_on(end).subtree_of(unit.pk), "category": filters.get("category"),
                      "origin": filters.get("origin"), "bank_id": filters.get("bank_id"),
                      "officer_id": filters.get("officer_id")}
    base = _classified_cases(params, start=start, end=end, source=source_for(start, end, engine_filters["bank_id"]),
                             filters=engine_filters, only_among=_ONLY_SEIZED, numbered=numbered)
    return base.rstrip() + _SEIZED + tail


def seized_totals(*, unit, start: date, end: date, **filters) -> SeizedTotals:
    """The totals for ``unit`` and its subtree over [start, end]; ``filters`` as reports.engine.group_rows's
    (category, origin, bank_id, officer_id)."""
    params: dict = {"start": start, "end": end}
    with connection.cursor() as cursor:
        cursor.execute(_sql(_TOTALS, params, unit=unit, start=start, end=end, filters=filters, numbered=False),
                       params)  # the totals need no case numbers: no join with the cases
        count, remaining, valued, asking, uncovered, assets = cursor.fetchone()
    return SeizedTotals(cases=int(count or 0), assets=int(assets or 0), remaining=int(remaining or 0),
                        valued=int(valued or 0), asking=int(asking or 0), uncovered=int(uncovered or 0))


def seized_cases(*, unit, start: date, end: date, order: str = "uncovered", limit: int | None = None,
                 offset: int = 0, **filters) -> list[SeizedCase]:
    """The cases behind ``seized_totals``, largest uncovered money first (or ``order``: remaining,
    failed_rounds, case_no); one page with ``limit``/``offset``."""
    params: dict = {"start": start, "end": end}
    order_by = _ORDER.get(order, _ORDER["uncovered"])  # one of the constants above, never the request's text
    tail = ("SELECT case_id, case_no, remaining, assets, valued, asking, failed_rounds, uncovered FROM held "  # noqa: S608
            f"ORDER BY {order_by}, case_no, case_id")
    if limit is not None:
        params["limit"], params["offset"] = int(limit), int(offset)
        tail += " LIMIT %(limit)s OFFSET %(offset)s"
    with connection.cursor() as cursor:
        cursor.execute(_sql(tail, params, unit=unit, start=start, end=end, filters=filters), params)
        rows = cursor.fetchall()
    return [SeizedCase(case_id, case_no, int(remaining or 0), int(assets or 0), int(valued or 0), int(asking or 0),
                       int(failed or 0), int(uncovered or 0))
            for case_id, case_no, remaining, assets, valued, asking, failed, uncovered in rows]
