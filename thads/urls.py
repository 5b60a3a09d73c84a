from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from cases.views import my_deadlines

admin.site.site_header = _("THADS — Civil judgment enforcement")
admin.site.site_title = _("THADS")
admin.site.index_title = _("Case administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("banks.api.urls")),
    path("deadlines/", my_deadlines, name="deadlines"),
    path("admin/", admin.site.urls),
]
