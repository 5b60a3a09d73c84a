"""The effect of the dialogues: what happened to the cases on a session's agenda in the 3, 6 and 12 months
after it, against the same banks' other cases in the organiser's jurisdiction over the same months, and
against those banks' cases in the same number of months before the session. Computed in the database.

For a window [start, end) (``end`` = ``start`` + N months, exclusive), a group's cohort is its cases accepted
before ``start`` and not ended (completed, terminated, transferred out) before it. Per group:
- ``cases``: the cohort; ``money``: what the cohort still owed at ``start``;
- ``resolved``: cohort cases completed or terminated within the window (the statistics' "giải quyết xong");
- ``collected``: money collected on the cohort within the window (thu_tien, corrections netted);
- ``assets``: auctions of the cohort's assets closed as sold or handed to the creditor within the window;
- the rates: resolved ÷ cases and collected ÷ money, in percent (None when the base is 0).
The groups: ``agenda`` (on the agenda, not removed), ``others`` (the sessions' banks' other cases) after the
session; ``before``: both together in the N months before it. A window still running on ``today`` is flagged
``complete = False``.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from cases.codes import Category
from dialogues.models import Session, SessionStatus
from thads.core.dates import add_months
from thads.org.selectors import jurisdiction_unit_ids

WINDOWS = (3, 6, 12)
GROUPS = ("agenda", "others", "before")

_SQL = """
WITH cohort AS (
    SELECT c.id AS case_id, CASE WHEN ai.case_id IS NULL THEN 0 ELSE 1 END AS on_agenda, c.amount_due AS amount_due
    FROM cases_case c
    LEFT JOIN dialogues_agendaitem ai ON ai.case_id = c.id AND ai.session_id = %(session)s AND ai.removed = %(no)s
    WHERE c.category = %(category)s AND c.accepted_on < %(start)s
      AND c.creditor_bank_id IN (SELECT sb.bank_id FROM dialogues_sessionbank sb WHERE sb.session_id = %(session)s)
      AND (c.unit_id IN ({units}) OR ai.case_id IS NOT NULL)
),
marks AS (
    SELECT e.case_id AS case_id,
           MAX(CASE WHEN e.date < %(start)s THEN e.sequence END) AS seq_start,
           MAX(e.sequence) AS seq_end
    FROM cases_caseevent e JOIN cohort k ON k.case_id = e.case_id
    WHERE e.date < %(end)s
    GROUP BY e.case_id
),
per_case AS (
    SELECT k.case_id AS case_id, k.on_agenda AS on_agenda,
           COALESCE(es.remaining_after, k.amount_due) AS money_start,
           CASE WHEN COALESCE(ee.status_after, 'with_conditions') IN ('completed', 'terminated') THEN 1 ELSE 0 END
               AS resolved,
           COALESCE(ee.collected_after, 0) - COALESCE(es.collected_after, 0) AS collected
    FROM cohort k
    LEFT JOIN marks m ON m.case_id = k.case_id
    LEFT JOIN cases_caseevent es ON es.case_id = k.case_id AND es.sequence = m.seq_start
    LEFT JOIN cases_caseevent ee ON ee.case_id = k.case_id AND ee.sequence = m.seq_end
    WHERE COALESCE(es.status_after, 'with_conditions') NOT IN ('completed', 'terminated', 'transferred_out')
),
assets AS (
    SELECT p.on_agenda AS on_agenda, COUNT(DISTINCT a.id) AS n_assets
    FROM cases_auction a
    JOIN cases_seizure s ON s.id = a.seizure_id
    JOIN cases_assetcase l ON l.asset_id = s.asset_id
    JOIN per_case p ON p.case_id = l.case_id
    WHERE a.closed_as IN ('sold', 'handed_to_creditor') AND a.closed_on >= %(start)s AND a.closed_on < %(end)s
    GROUP BY p.on_agenda
),
totals AS (
    SELECT on_agenda, COUNT(*) AS n_cases, SUM(money_start) AS money, SUM(resolved) AS n_resolved,
           SUM(collected) AS collected
    FROM per_case GROUP BY on_agenda
)
SELECT t.on_agenda, t.n_cases, t.money, t.n_resolved, t.collected, COALESCE(x.n_assets, 0)
FROM totals t LEFT JOIN assets x ON x.on_agenda = t.on_agenda
"""


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class GroupFigures:
    cases: int = 0
    money: int = 0
    resolved: int = 0
    collected: int = 0
    assets: int = 0

    @property
    def resolved_rate(self) -> Decimal | None:
        return _percent(self.resolved, self.cases)

    @property
    def collected_rate(self) -> Decimal | None:
        return _percent(self.collected, self.money)

    def add(self, other: "GroupFigures") -> None:
        self.cases += other.cases
        self.money += other.money
        self.resolved += other.resolved
        self.collected += other.collected
        self.assets += other.assets


@dataclass
class WindowEffect:
    months: int
    start: date
    end: date  # last day of the window after the session
    complete: bool
    groups: dict[str, GroupFigures] = field(default_factory=dict)


def _window(session: Session, unit_ids: list[int], start: date, end: date) -> dict[int, GroupFigures]:
    params = {"session": session.pk, "no": False, "category": Category.TIN_DUNG_NGAN_HANG, "start": start,
              "end": end}
    placeholders = []
    for index, unit_id in enumerate(unit_ids):
        params[f"unit_{index}"] = unit_id
        placeholders.append(f"%(unit_{index})s")
    sql = _SQL.format(units=", ".join(placeholders) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {int(on_agenda): GroupFigures(int(n or 0), int(money or 0), int(resolved or 0), int(collected or 0),
                                         int(assets or 0))
            for on_agenda, n, money, resolved, collected, assets in rows}


def session_effect(session: Session, *, today: date | None = None, windows=WINDOWS) -> list[WindowEffect]:
    """The effect of one session, per window of months (see the module's docstring)."""
    today = today or timezone.localdate()
    day = session.held_on
    unit_ids = sorted(jurisdiction_unit_ids(session.organiser, on=day))
    result = []
    for months in windows:
        end = add_months(day, months)
        after = _window(session, unit_ids, day, end)
        before = _window(session, unit_ids, add_months(day, -months), day)
        before_total = GroupFigures()
        for figures in before.values():
            before_total.add(figures)
        result.append(WindowEffect(months=months, start=day, end=end - timedelta(days=1), complete=end <= today,
                                   groups={"agenda": after.get(1, GroupFigures()),
                                           "others": after.get(0, GroupFigures()), "before": before_total}))
    return result


@dataclass
class YearEffect:
    year: int
    sessions: list[Session]
    windows: list[WindowEffect]
    bank_cases: dict | None = None  # the year's bank-case figures of the organiser (reports engine)
    bank_money: dict | None = None


def year_effect(organiser, year: int, *, sessions=None, today: date | None = None) -> YearEffect:
    """The sessions ``organiser`` held in calendar ``year``, their effect summed per window and group (a case
    on two sessions' agendas counts in each), and the fiscal year's bank-case figures beside them."""
    from reports.engine import unit_figures
    from thads.core.dates import fiscal_year_bounds

    today = today or timezone.localdate()
    if sessions is None:
        sessions = Session.objects.filter(organiser=organiser, held_on__year=year,
                                          status__in=[SessionStatus.HELD, SessionStatus.CLOSED])
    sessions = list(sessions.order_by("held_on", "id"))
    windows = []
    for months in WINDOWS:
        windows.append(WindowEffect(months=months, start=date(year, 1, 1), end=date(year, 12, 31), complete=True,
                                    groups={group: GroupFigures() for group in GROUPS}))
    for session in sessions:
        for total, one in zip(windows, session_effect(session, today=today), strict=True):
            total.complete = total.complete and one.complete
            for group in GROUPS:
                total.groups[group].add(one.groups[group])
    start, end = fiscal_year_bounds(year)
    end = min(end, today)
    figures = unit_figures(organiser, start=start, end=end, category=Category.TIN_DUNG_NGAN_HANG) if start <= end \
        else None
    return YearEffect(year=year, sessions=sessions, windows=windows,
                      bank_cases=figures.cases() if figures else None, bank_money=figures.money() if figures else None)
