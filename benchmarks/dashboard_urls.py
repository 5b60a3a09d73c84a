"""URLs for benchmarks/dashboard_bench.py: the real pages, plus bare Django views (the baselines) that read the
same per-case fact rows as the dashboard with plain SQL written here (no code shared with reports.engine or the
views measured) and return them as JSON.

Each takes ``units`` (the comma-separated unit ids whose cases a page counts, decided by the benchmark before
timing) and ``year`` (the fiscal year of the fact rows read)."""
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path


def _scope(request) -> tuple[str, list[int], int]:
    """(the SQL list of placeholders, the unit ids, the fiscal year) of a bare request."""
    units = [int(u) for u in request.GET["units"].split(",")]
    return ", ".join(["%s"] * len(units)), units, int(request.GET["year"])


def bare_unit(request):
    """The unit page's floor: its fact rows of the year and of the year before, summed by year, category and
    state at the end (count, money at the start, collected, reduced, remaining) — one scan per year."""
    marks, units, year = _scope(request)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fiscal_year, category, status_end, COUNT(*), SUM(base_money), SUM(collected), SUM(reduced), "  # noqa: S608
            f"SUM(remaining_end) FROM reports_caseyearfact WHERE fiscal_year IN (%s, %s) AND unit_id IN ({marks}) "
            "GROUP BY fiscal_year, category, status_end", [year, year - 1, *units])
        rows = cursor.fetchall()
    return JsonResponse({"rows": [[str(value) for value in row] for row in rows]})


def bare_sub_units(request):
    """The sub-unit table's floor: the same fact rows of the year summed per unit and state at the end."""
    marks, units, year = _scope(request)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unit_id, status_end, COUNT(*), SUM(base_money), SUM(collected) + SUM(reduced), "  # noqa: S608
            f"SUM(remaining_end) FROM reports_caseyearfact WHERE fiscal_year = %s AND unit_id IN ({marks}) "
            "GROUP BY unit_id, status_end", [year, *units])
        rows = cursor.fetchall()
    return JsonResponse({"rows": [[str(value) for value in row] for row in rows]})


def bare_cases(request):
    """A drill-down's floor: how many fact rows of the year end in ``status`` (and their money), and the first
    50 of them by case number with the case and its debtor — three queries."""
    marks, units, year = _scope(request)
    status = request.GET.get("status", "completed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), SUM(collected + reduced) FROM reports_caseyearfact "  # noqa: S608
                       f"WHERE fiscal_year = %s AND unit_id IN ({marks}) AND status_end = %s",
                       [year, *units, status])
        count, total = cursor.fetchone()
        cursor.execute(
            "SELECT c.id, c.case_no, c.stat_accepted_on, f.base_money, f.collected + f.reduced, f.remaining_end "  # noqa: S608
            "FROM reports_caseyearfact f JOIN cases_case c ON c.id = f.case_id "
            f"WHERE f.fiscal_year = %s AND f.unit_id IN ({marks}) AND f.status_end = %s "
            "ORDER BY c.case_no, c.id LIMIT 50", [year, *units, status])
        rows = cursor.fetchall()
        ids = [row[0] for row in rows] or [0]
        cursor.execute("SELECT case_id, name FROM cases_party "  # noqa: S608 (placeholders only)
                       f"WHERE role = 'debtor' AND case_id IN ({', '.join(['%s'] * len(ids))})", ids)
        debtors = dict(cursor.fetchall())
    return JsonResponse({"count": count, "total": str(total), "results": [
        {"case_no": row[1], "accepted_on": row[2].isoformat(), "base": row[3], "performed": row[4],
         "remaining": row[5], "debtor": debtors.get(row[0])} for row in rows]})


urlpatterns = [
    path("bare/unit/", bare_unit),
    path("bare/sub-units/", bare_sub_units),
    path("bare/cases/", bare_cases),
    path("", include("thads.urls")),
]
