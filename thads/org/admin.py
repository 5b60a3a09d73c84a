from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from thads.core.admin import DayFirstMoneyAdminMixin
from thads.core.errors import DomainError
from thads.core.forms import thads_formfield
from thads.org.models import LoginLockout, OfficerProfile, TwoFactorEvent, Unit
from thads.org.selectors import ALL_UNITS, readable_unit_ids
from thads.org.services import login_unlock, officer_profile_save, two_factor_reset, unit_save


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "level", "parent", "valid_from", "valid_to", "predecessors"]
        formfield_callback = thads_formfield

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Unit(pk=self.instance.pk, **{k: data.get(k) for k in ("code", "name", "level", "parent",
                                                                         "valid_from", "valid_to")})
        try:
            ancestor = candidate.parent
            while ancestor is not None:
                if candidate.pk is not None and ancestor.pk == candidate.pk:
                    raise DomainError(_("A unit cannot be its own ancestor."), field="parent")
                ancestor = ancestor.parent
        except DomainError as error:
            self.add_error(error.field, error.message)
        return data


@admin.register(Unit)
class UnitAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    form = UnitForm
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "valid_to")
    search_fields = ("code", "name")
    filter_horizontal = ("predecessors",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        unit_save(unit=obj, actor=request.user)


@admin.register(OfficerProfile)
class OfficerProfileAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("full_name", "user", "unit", "title", "role")
    list_filter = ("role", "title", "unit")
    search_fields = ("full_name", "user__username", "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        profiles = super().get_queryset(request)
        unit_ids = readable_unit_ids(request.user)
        return profiles if unit_ids is ALL_UNITS else profiles.filter(unit_id__in=unit_ids)

    def save_model(self, request, obj, form, change):
        saved = officer_profile_save(user=obj.user, unit=obj.unit, title=obj.title, role=obj.role,
                                     full_name=obj.full_name, actor=request.user)
        obj.pk = saved.pk


class OfficerProfileInline(DayFirstMoneyAdminMixin, admin.StackedInline):
    model = OfficerProfile
    can_delete = False
    verbose_name_plural = _("officer profile")
    autocomplete_fields = ("unit",)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [OfficerProfileInline]
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active", "two_factor_on")
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        from django.db.models import Exists, OuterRef
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return super().get_queryset(request).annotate(two_factor=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))

    @admin.display(description=_("two-factor log-in"), boolean=True, ordering="two_factor")
    def two_factor_on(self, user):
        return user.two_factor

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("auth.change_user")

    @admin.action(description=_("Reset two-factor log-in (lost phone: remove the devices and recovery codes)"),
                  permissions=["reset_two_factor"])
    def reset_two_factor(self, request, queryset):
        from thads.org.views import client_address

        done, refused = 0, []
        for user in queryset:
            try:
                done += two_factor_reset(actor=request.user, user=user, ip_address=client_address(request))
            except DomainError as refusal:
                refused.append(f"{user.get_username()}: {refusal.message}")
        self.message_user(request, ngettext("Two-factor log-in reset for %(count)d account.",
                                            "Two-factor log-in reset for %(count)d accounts.", done)
                          % {"count": done})
        for message in refused:
            self.message_user(request, message, level=messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is not OfficerProfile:
            return super().save_formset(request, form, formset, change)
        for profile_form in formset.forms:
            data = getattr(profile_form, "cleaned_data", None)
            if data and profile_form.has_changed():
                officer_profile_save(user=form.instance, unit=data["unit"], title=data["title"], role=data["role"],
                                     full_name=data["full_name"], actor=request.user)


@admin.register(LoginLockout)
class LoginLockoutAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """The lockouts of the login form, read-only; an administrator may lift a running one early."""

    list_display = ("locked_at", "username", "ip_address", "reason", "failures", "locked_until", "unlocked_at",
                    "unlocked_by")
    list_filter = ("reason",)
    search_fields = ("username", "ip_address")
    list_select_related = ("unlocked_by",)
    actions = ["unlock"]
    add_form = None  # read-only records, written by thads.org.login

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_unlock_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("org.change_loginlockout")

    @admin.action(description=_("Unlock now (allow logging in again)"), permissions=["unlock"])
    def unlock(self, request, queryset):
        lifted = 0
        for lockout in queryset:
            account = lockout.reason == "account"
            lifted += login_unlock(actor=request.user, username=lockout.username if account else "",
                                   ip_address="" if account else (lockout.ip_address or ""), via="admin")
        self.message_user(request, ngettext("%(count)d lockout lifted.", "%(count)d lockouts lifted.", lifted)
                          % {"count": lifted})


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Changes to the two-factor log-in of each account (thads.org.services), read-only."""

    list_display = ("at", "user", "kind", "actor", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "actor__username", "ip_address")
    list_select_related = ("user", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own device pages would show each secret and let devices be deleted without a record: a reset goes
# through the users' action above (thads.org.services.two_factor_reset) instead.
def _unregister_otp_devices():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()
