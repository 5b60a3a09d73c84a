"""python manage.py import_targets FILE.csv|FILE.xlsx — targets per unit and fiscal year (all or nothing)."""
from django.core.management.base import BaseCommand, CommandError

from reports.services import targets_import_file
from thads.core.errors import DomainError


class Command(BaseCommand):
    help = ("Import targets from a CSV (unit_code, fiscal_year, metric (cases|money), value[, decision_ref]) or an "
            ".xlsx workbook (Mã đơn vị, Năm, Chỉ tiêu việc (%), Chỉ tiêu tiền (%)[, Số quyết định]).")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            count = targets_import_file(path)
        except DomainError as error:
            raise CommandError(error.message) from None
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        self.stdout.write(f"{count} targets imported")
