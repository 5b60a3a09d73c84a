from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banks.models import ApiKey, ApiScope, Bank, all_scopes
from banks.services import api_key_create, api_key_revoke
from thads.core.admin import DayFirstMoneyAdminMixin


@admin.register(Bank)
class BankAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=ApiScope.choices, initial=all_scopes,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ("bank", "label", "scopes", "expires_at")

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires_at


@admin.register(ApiKey)
class ApiKeyAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    """Keys are created here through api_key_create (the key is shown once, in the confirmation message)
    and revoked with the action; they are never edited or deleted, so their use stays traceable."""

    form = ApiKeyForm
    list_display = ("bank", "label", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("bank", "revoked_at")
    search_fields = ("bank__code", "label", "prefix")
    fields = ("bank", "label", "scopes", "expires_at")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        record, key = api_key_create(bank=obj.bank, label=obj.label, actor=request.user,
                                     scopes=form.cleaned_data["scopes"], expires_at=obj.expires_at)
        obj.pk = record.pk
        messages.warning(request, _("New key (shown only now; store it safely): %(key)s") % {"key": key})

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key=key, actor=request.user)
        messages.success(request, _("%(count)s keys revoked.") % {"count": queryset.count()})


# registers Collateral (scoped like the assets) and the webhook pages
from banks import admin_collateral, admin_webhooks  # noqa: E402,F401
