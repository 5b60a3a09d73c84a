"""Admin pages for webhooks: the banks' endpoints (registered and changed through banks.webhooks.services, the
secret shown once in a message, never on a page), their delivery log and the notices to banks — both read-only."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from banks.models import BankNotice, WebhookDelivery, WebhookEndpoint, all_change_kinds
from banks.webhooks import services
from banks.webhooks.transport import url_check
from cases.models import CaseChange
from thads.core.admin import DayFirstMoneyAdminMixin
from thads.core.errors import DomainError


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    event_types = forms.MultipleChoiceField(label=_("event types"), choices=CaseChange.Kind.choices,
                                            initial=all_change_kinds, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("bank", "url", "description", "event_types", "contact_email", "enabled")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = CaseChange.Kind.choices  # read now: kinds added later are offered

    def clean_url(self):
        try:
            return url_check(self.cleaned_data["url"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("bank", "url", "status", "last_delivered", "failing_since", "failed_attempts", "paused_at")
    list_filter = ("bank", "enabled", ("paused_at", admin.EmptyFieldListFilter))
    search_fields = ("bank__code", "url", "description")
    list_select_related = ("bank",)
    readonly_fields = ("status", "last_delivered", "failing_since", "failed_attempts", "next_attempt_at",
                       "paused_at", "paused_reason", "previous_secret_expires_at", "created_at", "created_by")
    actions = ["rotate_secret", "resume"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("bank", "url", "description", "event_types", "contact_email")
        return ("url", "description", "event_types", "contact_email", "enabled", *self.readonly_fields)

    def has_delete_permission(self, request, obj=None):
        return False  # the bank deletes its endpoints (DELETE /api/v1/webhooks/{id}/); here: enabled off

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.webhook_update(endpoint=obj, url=data["url"], event_types=data["event_types"],
                                    description=data["description"], contact_email=data["contact_email"],
                                    enabled=data["enabled"], actor=request.user)
            return
        record, secret = services.webhook_create(bank=data["bank"], url=data["url"], event_types=data["event_types"],
                                                 description=data["description"],
                                                 contact_email=data["contact_email"], actor=request.user)
        obj.pk = record.pk
        messages.warning(request, _("Signing secret of the new endpoint (shown only now; give it to the bank "
                                    "safely): %(secret)s") % {"secret": secret})

    @admin.action(description=_("Rotate the secret of the selected endpoints"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            _endpoint, secret = services.webhook_rotate_secret(endpoint=endpoint, actor=request.user)
            messages.warning(request, _("New secret of %(url)s (shown only now): %(secret)s") % {
                "url": endpoint.url, "secret": secret})

    @admin.action(description=_("Resume the selected endpoints"))
    def resume(self, request, queryset):
        for endpoint in queryset:
            services.webhook_resume(endpoint=endpoint, actor=request.user)
        messages.success(request, _("%(count)s endpoints resumed.") % {"count": queryset.count()})


class ReadOnlyAdmin(DayFirstMoneyAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("attempted_at", "endpoint", "entry_id", "kind", "case_no", "attempt", "status_code",
                    "latency_ms", "succeeded", "error")
    list_filter = ("succeeded", "endpoint__bank")
    search_fields = ("entry_id", "case_no", "endpoint__url")
    list_select_related = ("endpoint",)
    date_hierarchy = "attempted_at"


@admin.register(BankNotice)
class BankNoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "bank", "kind", "webhook", "message")
    list_filter = ("kind", "bank")
    list_select_related = ("bank", "webhook")
