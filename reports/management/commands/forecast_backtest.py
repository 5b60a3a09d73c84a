"""python manage.py forecast_backtest [--unit HG] [--years 2018 2019] [--leave-one-out]: the forecast to 30/9
(reports.forecast) tried on past fiscal years — from each month's end, the projected year-end rates against the
actual ones, the error in points, and the mean absolute error (docs/statistics.md, "Forecast to 30/9")."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.forecast import METRICS, backtest
from thads.core.numbers import format_points, format_rate
from thads.org.models import Unit


def _years(years: list[int]) -> str:
    return ", ".join(f"FY{year}" for year in years)


class Command(BaseCommand):
    help = ("Backtest the forecast to 30/9: for each fiscal year and each month's end, the projected year-end "
            "rates against the actual ones, the error and the mean absolute error.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="HG")
        parser.add_argument("--years", type=int, nargs="+", default=[2018, 2019])
        parser.add_argument("--leave-one-out", action="store_true",
                            help="learn each year's pattern from the other years given (later ones included) "
                                 "instead of the years before it")

    def handle(self, *args, unit, years, leave_one_out=False, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(_("Unknown unit «%(code)s».") % {"code": unit})
        memo: dict = {}
        errors: dict[str, list] = {metric: [] for metric in METRICS}
        write = self.stdout.write
        for fiscal_year in years:
            learn_from = [year for year in years if year != fiscal_year] if leave_one_out else None
            result = backtest(unit_obj, fiscal_year, learn_from=learn_from, memo=memo)
            write(_("%(unit)s (%(code)s), FY%(year)s: pattern from %(years)s") % {
                "unit": unit_obj.name, "code": unit_obj.code, "year": fiscal_year,
                "years": _years(result.years) or _("no year")})
            if result.skipped:
                write("  " + _("Not used: %(years)s (no case carried over from the year before: the unit's first "
                               "year in the register, a ramp-up).") % {"years": _years(result.skipped)})
            if len(result.years) < 2:
                write("  " + _("Fewer than two years to learn from: no error range (± —)."))
            if not result.years:
                write("  " + _("No earlier year to learn a pattern from: no projection."))
            cut_off, actual, deviation = _("Cut-off"), _("actual"), _("deviation")
            cases_projected, money_projected = _("Cases: projected"), _("Money: projected")
            write(f"  {cut_off:<11} {cases_projected:>17} {actual:>9} {deviation:>9} {'±':>6}"
                  f"   {money_projected:>17} {actual:>9} {deviation:>9} {'±':>6}")
            for row in result.rows:
                cells = []
                for metric in METRICS:
                    projection = row.projections[metric]
                    error = row.error(metric)
                    if error is not None:
                        errors[metric].append(abs(error))
                    spread = "—" if projection.error is None else format_points(projection.error).lstrip("+")
                    cells.append(f"{format_rate(projection.rate):>17} {format_rate(row.actual[metric]):>9} "
                                 f"{format_points(error):>9} {spread:>6}")
                write(f"  {row.cutoff:%d/%m/%Y}  " + "   ".join(cells))
            line = []
            for metric in METRICS:
                covered = [row.covered(metric) for row in result.rows if row.covered(metric) is not None]
                line.append(_("%(metric)s %(mae)s points (actual within the range at %(hits)s of %(cuts)s "
                              "cut-offs)") % {
                    "metric": _("cases") if metric == "cases" else _("money"),
                    "mae": format_points(result.mean_absolute_error(metric)).lstrip("+"),
                    "hits": sum(covered), "cuts": len(covered)})
            write("  " + _("Mean absolute error: %(errors)s.") % {"errors": "; ".join(line)})
        if len(years) > 1:
            overall = {metric: (sum(values) / len(values)) if values else None for metric, values in errors.items()}
            write(_("All years: mean absolute error %(cases)s points in cases, %(money)s points in money.") % {
                "cases": format_points(overall["cases"]).lstrip("+"),
                "money": format_points(overall["money"]).lstrip("+")})
