"""python manage.py demo [--no-serve] — load the Hậu Giang – Cần Thơ demo (reports.demo: the calibrated
FY2016–2020 history, carried forward to today in the units of the 2025 reorganisation, logins, officers,
payouts, asset and auction histories), print the interview's figures as the engine computes them, what the
demo officer has to do today and the logins, then serve http://127.0.0.1:8000. Rerunning it reuses what is
already loaded."""
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from reports.demo.loader import OldDemoError, load_demo


class Command(BaseCommand):
    help = "Load the Hậu Giang – Cần Thơ demo and its logins, then serve on 127.0.0.1:8000 (--no-serve: load only)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo and stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            load_demo(self.stdout.write)
        except OldDemoError as error:
            raise CommandError(str(error)) from error
        if no_serve:
            return
        self.stdout.write(f"\nTrang quản trị: http://{addrport}/admin/  (Ctrl+C để dừng)\n")
        call_command("runserver", addrport, use_reloader=False)
