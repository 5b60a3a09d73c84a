"""python manage.py stats --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD [--category CODE] [--format json|table]
[--cases CLASS]: the report, or with --cases the case numbers one count of it counts."""
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.engine import CASE_CLASSES
from reports.indicators import CASE_INDICATORS, LABELS, MONEY_INDICATORS
from reports.services import report_build, report_case_rows
from thads.core.errors import DomainError
from thads.core.money import format_vnd
from thads.core.numbers import format_points, format_rate
from thads.org.models import Unit


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("«%(text)s» is not a date (YYYY-MM-DD).") % {"text": text}) from None


class Command(BaseCommand):
    help = "Print the statistics of a unit (with its subtree) for a period, as JSON or as a table."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True)
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("--category", default=None)
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--cases", dest="case_class", default=None, metavar="CLASS",
                            help="Print the case numbers counted in CLASS instead of the report: "
                                 + ", ".join(CASE_CLASSES))

    def handle(self, *args, unit, start, end, category=None, format="json", case_class=None, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(_("Unknown unit «%(code)s».") % {"code": unit})
        if case_class is not None:
            self._cases(unit_obj, _date(start), _date(end), category, case_class, format)
            return
        try:
            report = report_build(unit=unit_obj, start=_date(start), end=_date(end), category=category)
        except DomainError as error:
            raise CommandError(error.message) from None
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._table(unit_obj, report))

    def _cases(self, unit, start, end, category, case_class, format) -> None:
        try:
            rows = report_case_rows(unit=unit, start=start, end=end, category=category, case_class=case_class)
        except DomainError as error:
            raise CommandError(error.message) from None
        case_nos = [row.case_no for row in rows]
        if format == "json":
            self.stdout.write(json.dumps({"class": case_class, "case_nos": case_nos}, ensure_ascii=False, indent=2))
            return
        self.stdout.write("\n".join([f"{LABELS[case_class]}: {len(case_nos)}", *case_nos]))

    def _table(self, unit, report) -> str:
        cases_heading, money_heading = _("Cases"), _("Money (VND)")
        start, end = (date.fromisoformat(report["period"][key]).strftime("%d/%m/%Y") for key in ("start", "end"))
        lines = [f"{unit.code} — {unit.name}",
                 _("Period %(start)s – %(end)s, category: %(category)s") % {
                     "start": start, "end": end, "category": report["category"] or _("all")},
                 "", f"{'':<28}{cases_heading:>14}{money_heading:>26}"]
        for key in dict.fromkeys(CASE_INDICATORS + MONEY_INDICATORS):
            cases = report["cases"].get(key)
            money = report["money"].get(key)
            if key == "rate":
                cell_cases, cell_money = format_rate(cases), format_rate(money)
            else:
                cell_cases = "" if cases is None else format_vnd(cases, symbol=False)
                cell_money = "" if money is None else format_vnd(money, symbol=False)
            lines.append(f"{str(LABELS[key]):<28}{cell_cases:>14}{cell_money:>26}")
        targets, gap = report["targets"], report["gap_to_target"]
        for metric, label in (("cases", _("Cases")), ("money", _("Money"))):
            if targets[metric] is not None:
                lines.append(_("%(label)s target %(target)s %%, gap %(gap)s points") % {
                    "label": label, "target": format_rate(targets[metric])[:-2], "gap": format_points(gap[metric])})
        return "\n".join(lines)
