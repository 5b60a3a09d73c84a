"""Filters of the bank API's case list (django-filter)."""
from datetime import UTC

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import Category, PartyRole, Status
from cases.models import Case, Party
from thads.core.text import fold
from thads.org.models import Unit
from thads.org.selectors import jurisdiction_unit_ids


class _InRangeIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO date-time that the database can compare: one whose UTC time is still a date (0001-01-01 at
    +07:00 is not), else the usual "enter a valid date/time" error, never a 5xx."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None:
            try:
                moment.astimezone(UTC)
            except (OverflowError, ValueError):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return moment


class InRangeIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _InRangeIsoDateTimeField


# The API's status names (domain.md §3): "in_progress" is a case with conditions; every hoãn ground is
# "postponed"; tạm đình chỉ is "suspended".
API_STATUSES = {
    "in_progress": Status.WITH_CONDITIONS,
    "without_conditions": Status.WITHOUT_CONDITIONS,
    "postponed": Status.POSTPONED,
    "suspended": Status.SUSPENDED,
    "completed": Status.COMPLETED,
    "terminated": Status.TERMINATED,
    "transferred_out": Status.TRANSFERRED_OUT,
    "separate_book": Status.SEPARATE_BOOK,
}
API_STATUS_OF = {internal: api for api, internal in API_STATUSES.items()}
# The API's statuses with their labels: one named enum (StatusEnum) for the filter and the fields.
API_STATUS_CHOICES = [(api, Status(internal).label) for api, internal in API_STATUSES.items()]


class BankCaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=API_STATUS_CHOICES, method="filter_status",
                                         help_text=_("Case status, as the API names it."))
    category = django_filters.ChoiceFilter(choices=Category.choices, help_text=_("Category of the case."))
    unit = django_filters.CharFilter(method="filter_unit",
                                     help_text=_("Unit code; includes the units below it and those it replaced."))
    # ISO dates only: the API does not follow the reader's language (docs/api.md)
    accepted_from = django_filters.DateFilter(field_name="accepted_on", lookup_expr="gte", input_formats=["%Y-%m-%d"],
                                              help_text=_("Cases accepted on or after this date (YYYY-MM-DD)."))
    accepted_to = django_filters.DateFilter(field_name="accepted_on", lookup_expr="lte", input_formats=["%Y-%m-%d"],
                                            help_text=_("Cases accepted on or before this date (YYYY-MM-DD)."))
    updated_since = InRangeIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte",
                                             help_text=_("Cases changed at or after this moment (ISO 8601)."))
    q = django_filters.CharFilter(method="filter_q", help_text=_("Case number, decision number or debtor name."))

    class Meta:
        model = Case
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=API_STATUSES[value])

    def filter_unit(self, queryset, name, value):
        unit = Unit.objects.filter(code=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit_id__in=jurisdiction_unit_ids(unit, on=timezone.localdate()))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # name_folded: folded by the services, so "dang van hung" finds "Đặng Văn Hùng" on every database
        debtor = Party.objects.filter(case=OuterRef("pk"), role=PartyRole.DEBTOR,
                                      name_folded__contains=fold(value))
        return queryset.filter(Q(case_no__icontains=value) | Q(decision_no__icontains=value) | Exists(debtor))
