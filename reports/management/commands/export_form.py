"""python manage.py export_form --form 01 --unit HG --fiscal-year 2019 --months 12 -o FILE.xlsx [--no-cases]:
one official form (reports.forms) of a unit for the first N months of a fiscal year, as an .xlsx."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.forms.definitions import FORMS
from reports.forms.services import form_export_file
from thads.core.errors import DomainError
from thads.org.models import Unit


class Command(BaseCommand):
    help = "Write an official statistical form (01, 02, 04, 05, TCTD, 01/TKLN-THADS) of a unit as an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--form", required=True, help="One of: " + ", ".join(FORMS))
        parser.add_argument("--unit", required=True, help="Unit code, e.g. HG")
        parser.add_argument("--fiscal-year", type=int, required=True, help="e.g. 2019 (1/10/2018 – 30/9/2019)")
        parser.add_argument("--months", type=int, default=12, help="1 to 12 months from 1 October")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write")
        parser.add_argument("--no-cases", action="store_true", help="Leave out the sheet listing every case")

    def handle(self, *args, form, unit, fiscal_year, months, output, no_cases=False, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(_("Unknown unit «%(code)s».") % {"code": unit})
        target = Path(output)
        partial = target.with_name(target.name + ".part")
        try:
            form_export_file(form_code=form, unit=unit_obj, fiscal_year=fiscal_year, months=months, target=partial,
                             include_cases=not no_cases)
        except DomainError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(error.message) from None
        partial.replace(target)
        self.stdout.write(_("Written: %(path)s") % {"path": target})
