"""Output serializers of the bank API (read-only). Unique names: they appear in the OpenAPI schema."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from banks.filters import API_STATUS_OF, API_STATUSES
from cases.codes import Category, EventKind, Origin, PartyKind

STATUS_FIELD = serializers.ChoiceField(choices=list(API_STATUSES))


class BankCaseSerializer(serializers.Serializer):
    case_no = serializers.CharField()
    decision_no = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    accepted_on = serializers.DateField()
    origin = serializers.ChoiceField(choices=Origin.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    status = serializers.SerializerMethodField()
    amount_due = serializers.IntegerField()
    amount_collected = serializers.IntegerField()
    amount_reduced = serializers.IntegerField()
    amount_terminated = serializers.IntegerField()
    amount_remaining = serializers.IntegerField(
        help_text="amount_due − amount_collected − amount_reduced − amount_terminated")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, case) -> str:
        return API_STATUS_OF[case.status]


class BankCaseEventSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    date = serializers.DateField()
    code = serializers.ChoiceField(source="kind", choices=EventKind.choices)
    label = serializers.SerializerMethodField()
    amount = serializers.IntegerField(allow_null=True)
    ground = serializers.CharField(allow_blank=True)

    def get_label(self, event) -> str:
        return str(EventKind(event.kind).label)


class BankDebtorSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PartyKind.choices)


class BankDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.CharField()


class BankPayoutSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.IntegerField()
    recipient = serializers.CharField()


class BankCaseDetailSerializer(BankCaseSerializer):
    events = BankCaseEventSerializer(many=True)
    debtors = BankDebtorSerializer(many=True)
    next_deadline = BankDeadlineSerializer(allow_null=True)
    payouts = BankPayoutSerializer(many=True)


class BankChangeEventSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    date = serializers.DateField()
    code = serializers.ChoiceField(source="kind", choices=EventKind.choices)
    amount = serializers.IntegerField(allow_null=True)
    ground = serializers.CharField(allow_blank=True)


class BankChangeSerializer(serializers.Serializer):
    cursor = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=["case_created", "event_recorded"])
    case_no = serializers.CharField(source="case.case_no")
    status = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    event = BankChangeEventSerializer(allow_null=True)

    def get_cursor(self, change) -> str:
        return str(change.pk)

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, change) -> str:
        """The case's status after this change."""
        return API_STATUS_OF[change.event.status_after if change.event_id else "with_conditions"]


class BankChangeFeedSerializer(serializers.Serializer):
    results = BankChangeSerializer(many=True)
    next_after = serializers.CharField(help_text="Pass as ?after= to continue.")
    has_more = serializers.BooleanField()


class ApiErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer()
