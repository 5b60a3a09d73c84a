from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BanksConfig(AppConfig):
    name = "banks"
    verbose_name = _("Banks")

    def ready(self):
        import banks.api.schema  # noqa: F401 — registers the OpenAPI description of a change feed entry
        import thads.api.schema  # noqa: F401 — registers the OpenAPI description of the bank key
