"""python manage.py import_targets FILE.csv — targets per unit, fiscal year and metric (all or nothing)."""
from django.core.management.base import BaseCommand, CommandError

from reports.services import targets_import_csv
from thads.core.errors import DomainError


class Command(BaseCommand):
    help = "Import targets from a CSV: unit_code, fiscal_year, metric (cases|money), value[, decision_ref]."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            count = targets_import_csv(path)
        except DomainError as error:
            raise CommandError(error.message) from None
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        self.stdout.write(f"{count} targets imported")
