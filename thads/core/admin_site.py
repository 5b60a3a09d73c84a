"""The admin site: Django's, with the two-factor log-in (thads.org.twofactor) on its log-in page, and refusing a
session that has not passed the code step although its account has a device."""
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


class ThadsAdminSite(admin.AdminSite):
    def has_permission(self, request):
        from thads.org.twofactor import needs_code

        return super().has_permission(request) and not needs_code(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """Django's admin log-in (same form and page), through thads.org.views.TwoStepLoginView."""
        from django.contrib.admin.forms import AdminAuthenticationForm

        from thads.org.twofactor import needs_code
        from thads.org.views import TwoStepLoginView

        if request.user.is_authenticated and needs_code(request):
            target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return HttpResponseRedirect(f"{reverse('login_code')}?{urlencode({REDIRECT_FIELD_NAME: target})}")
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {**self.each_context(request), "title": _("Log in"), "subtitle": None,
                   "app_path": request.get_full_path(), "username": request.user.get_username()}
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return TwoStepLoginView.as_view(
            extra_context=context, authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html")(request)
