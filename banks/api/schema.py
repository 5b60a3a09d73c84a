"""The OpenAPI description of a change feed entry: one of the entry schemas of banks.api.serializers.CHANGE_ENTRIES,
told apart by ``kind`` (a discriminator; thads.api.schema.postprocess pins each one's ``kind`` to its value), so
a generator makes one type per kind, each with its own typed ``payload``. BankChangeSerializer writes them all."""
from drf_spectacular.extensions import OpenApiSerializerExtension


class BankChangeSerializerExtension(OpenApiSerializerExtension):
    target_class = "banks.api.serializers.BankChangeSerializer"

    def map_serializer(self, auto_schema, direction):
        from banks.api.serializers import CHANGE_ENTRIES

        refs = {kind: auto_schema.resolve_serializer(entry, direction).ref for kind, entry in CHANGE_ENTRIES.items()}
        return {
            "oneOf": list(refs.values()),
            "discriminator": {"propertyName": "kind", "mapping": {kind: ref["$ref"] for kind, ref in refs.items()}},
            "description": "One change to one of the bank's cases; `kind` says which, and the fields of `payload` "
                           "follow from it.",
        }
