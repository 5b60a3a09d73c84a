"""Request-body fields that take exactly the JSON type the schema gives them.

DRF's own fields coerce: a CharField takes 5 and 5.0, a BooleanField 0, 1, "yes" and "on", an IntegerField "5" and
5.0. A bank's client must not come to depend on that (schemathesis' negative_data_rejection sends such bodies and
expects 400), so the bank API's request serializers use these, and StrictBodySerializer refuses a field it does
not know (the schema says ``additionalProperties: false``, thads.api.schema.postprocess)."""
from django.utils.translation import gettext as _
from rest_framework import serializers


class _StringOnly:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_StringOnly, serializers.CharField):
    pass


class StrictEmailField(_StringOnly, serializers.EmailField):
    pass


class StrictBooleanField(serializers.BooleanField):
    """true or false, nothing else."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (not a string, a float or a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBodySerializer(serializers.Serializer):
    """A request body: a JSON object of known fields (an unknown one is 400 naming it)."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: _("Unknown field.")})
        return attrs
