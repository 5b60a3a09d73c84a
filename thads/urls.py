from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cases.views import my_deadlines
from cases.views.work import home
from thads.org.views import TwoStepLoginView, login_code, two_factor, two_factor_codes

admin.site.site_header = _("THADS — Civil judgment enforcement")
admin.site.site_title = _("THADS")
admin.site.index_title = _("Case administration")

urlpatterns = [
    path("", home, name="home"),
    path("login/", TwoStepLoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("login/code/", login_code, name="login_code"),
    path("account/two-factor/", two_factor, name="two_factor"),
    path("account/two-factor/recovery-codes/", two_factor_codes, name="two_factor_codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("cases.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("banks.api.urls")),
    path("deadlines/", my_deadlines, name="deadlines"),
    path("dashboard/", include("reports.urls")),
    path("dialogues/", include("dialogues.urls")),
    path("sign-off/", include("reports.signoff.urls")),
    path("admin/", admin.site.urls),
]
