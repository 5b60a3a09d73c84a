"""drf-spectacular: the bank API's OpenAPI 3.0.3 schema as generators read it right.

- ``BankKeyAuthenticationScheme``: the bearer key.
- ``BilingualSchemaGenerator``: the schema in English whatever the server's language, with every enum value
  described in English and in Vietnamese.
- ``postprocess`` (a POSTPROCESSING_HOOK, after drf-spectacular's enum hook): ``type`` next to every
  ``nullable`` (OpenAPI 3.0.3 ignores ``nullable`` without it); ``format: int64`` on every money field (amounts
  exceed 2^31 đồng); the filters reuse the named enums of the fields; a description on every field; the
  response headers (ETag, Retry-After, X-RateLimit-*, X-Request-Id); on every response with a body, its
  example: a real response, from docs/api-examples.json (written by ``manage.py api_examples``); the request
  bodies refuse unknown fields (``additionalProperties: false``), and an optional query parameter sent empty is
  the same as one left out (``allowEmptyValue: true``)."""
import json
import re
from functools import cache
from pathlib import Path

from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator


class BankKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "thads.api.authentication.BankKeyAuthentication"
    name = "bankKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A bank API key: Authorization: Bearer <key>"}


class BilingualSchemaGenerator(SchemaGenerator):
    def get_schema(self, request=None, public=False):
        # a generator of its own: a generator keeps the components it built (in the language of that run)
        with translation.override("vi"):
            vietnamese = SchemaGenerator(patterns=self.patterns, urlconf=self.urlconf,
                                         api_version=self.api_version).get_schema(request, public)
        with translation.override("en"):
            schema = super().get_schema(request, public)
        _describe_enums_in_both_languages(schema, vietnamese)
        return schema


ENUM_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")


def _describe_enums_in_both_languages(schema: dict, vietnamese: dict) -> None:
    vi_schemas = vietnamese.get("components", {}).get("schemas", {})
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        if "enum" not in component or name == "NullEnum":
            continue
        vi_labels = {}
        for line in vi_schemas.get(name, {}).get("description", "").splitlines():
            match = ENUM_LINE.match(line)
            if match:
                vi_labels[match["value"]] = match["label"]
        lines = []
        for line in component.get("description", "").splitlines():
            match = ENUM_LINE.match(line)
            if match:
                value, label = match["value"], match["label"]
                vi = vi_labels.get(value)
                line = f"* `{value}` - {label}" + (f" (vi: {vi})" if vi and vi != label else "")
            lines.append(line)
        component["description"] = "\n".join(lines)


# ---- the hook ---------------------------------------------------------------------------------------------------

MONEY = {"amount", "amount_due", "amount_collected", "amount_reduced", "amount_terminated", "amount_remaining",
         "secured_amount", "value", "starting_price", "reduction", "sale_price", "price", "principal", "interest"}

FIELDS = {
    "accepted_on": "Date the enforcement office accepted the case (thụ lý).",
    "amount": "Amount in đồng (VND), an integer.",
    "amount_collected": "Collected so far (VND).",
    "amount_due": "Amount to be enforced (VND).",
    "amount_reduced": "Reduced or exempted (VND).",
    "amount_terminated": "No longer enforced because of a termination (đình chỉ) (VND).",
    "answered_on": "When the creditor answered the offer; null until it does.",
    "area_m2": "Land area in square metres, a decimal string; null for other assets.",
    "auction": "The auction of the seized asset, or null when there is none yet.",
    "case_no": "The case number (số hồ sơ); may contain \"/\".",
    "category": "Category of the case.",
    "certificate_no": "Land-use right certificate number; empty when it does not apply.",
    "closed_on": "When the auction ended; null while it is open.",
    "code": "Stable code.",
    "contract_signed_on": "Date the contract with the auction organisation was signed.",
    "creditor_offer": "The offer of the asset to a creditor after failed rounds, or null.",
    "cursor": "This change's position in the feed (pass the last one as ?after=).",
    "date": "Date of the event.",
    "debtors": "The judgment debtors.",
    "decision_no": "Number of the decision to enforce.",
    "description": "What the asset is.",
    "due_on": "The deadline.",
    "error": "The error.",
    "event": "The event recorded, or null for a case_created change.",
    "events": "The case's events in order (cancelled ones included, with cancelled_by).",
    "ground": "The legal ground of the event, if any; empty otherwise.",
    "has_more": "Whether more changes follow: call again with after=next_after.",
    "held_on": "Date the round was held.",
    "id": "Stable id of the asset.",
    "interest": "Interest part (VND).",
    "kind": "Kind (see the enum).",
    "label": "Human-readable name in the language of Accept-Language.",
    "land_type": "Type of land; null for other assets.",
    "loan_contract_no": "The loan contract number.",
    "location": "Where the asset is; empty when unknown.",
    "map_sheet_no": "Cadastral map sheet number; empty when it does not apply.",
    "method": "How the value was set.",
    "minutes_no": "Number of the seizure minutes.",
    "name": "Name.",
    "next": "URL of the next page, or null on the last.",
    "next_deadline": "The next legal deadline the office must meet, or null.",
    "number": "Round number, from 1.",
    "offered_on": "Date the offer was made.",
    "organisation": "The auction organisation.",
    "origin": "How the case came to the office.",
    "outcome": "How the round ended.",
    "owner_kind": "Who owns the asset.",
    "paid_on": "Date paid; null until then.",
    "parcel_no": "Land parcel number; empty when it does not apply.",
    "payment_due_on": "Date the buyer must pay by; null if not sold.",
    "payouts": "Payments made to the creditor.",
    "plate_no": "Vehicle plate number; empty when it does not apply.",
    "previous": "URL of the previous page, or null on the first.",
    "price": "Price the asset is offered at (VND).",
    "principal": "Principal part (VND).",
    "rank": "Priority rank of the claim in the distribution.",
    "received_on": "Date the money was received.",
    "recipient": "Who was paid.",
    "recorded_at": "When the change was recorded.",
    "registered_on": "Registration date of the security; null when unknown.",
    "release_reason": "Why the seizure was released; empty while it stands.",
    "released_on": "Date the seizure was released; null while it stands.",
    "results": "The items of this page.",
    "rounds": "The auction rounds in order.",
    "sale_price": "Price the asset sold at (VND); null if not sold.",
    "secured": "Whether paid as a secured creditor.",
    "seized_on": "Date of the seizure.",
    "seizures": "Every seizure of the asset (also in another case it answers for).",
    "sequence": "Position of the event in the case's timeline, from 1.",
    "source": "Where the money came from.",
    "starting_price": "Starting price of the round (VND).",
    "status": "Status (see the enum).",
    "unit": "Code of the enforcement office.",
    "unit_name": "Name of the enforcement office.",
    "updated_at": "When the case last changed.",
    "valuations": "The valuations of the seized asset in order.",
    "value": "The value (VND).",
    "valued_on": "Date of the valuation.",
}

PARAMETERS = {
    "case_no": "The case number. One containing \"/\" is written as it is (/cases/THA/2024/15/) or "
               "percent-encoded (/cases/THA%2F2024%2F15/).",
    "session": "Id of a dialogue session (from /dialogues/).",
}

HEADERS = {
    "X-Request-Id": {"description": "The request's id; also in error bodies and in the server's log.",
                     "schema": {"type": "string"}},
    "X-RateLimit-Limit": {"description": "Requests allowed in the window closest to being spent.",
                          "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left in that window.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "Seconds until that window starts again.", "schema": {"type": "integer"}},
    "X-RateLimit-Policy": {"description": "Every window: LIMIT;w=SECONDS, comma-separated.",
                           "schema": {"type": "string"}},
    "ETag": {"description": "Strong validator of the representation; send it in If-None-Match.",
             "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait (rounded up) before the key is served again.",
                    "schema": {"type": "integer"}},
    "Idempotent-Replayed": {"description": "true when this answers a repeat of a request already made with the "
                                           "same Idempotency-Key (nothing was written again).",
                            "schema": {"type": "string", "enum": ["true"]}},
}


def _walk(node):
    """Every schema object under ``node`` (depth first)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "api-examples.json"


@cache
def real_examples() -> dict:
    """{operation id: {status: {"summary", "media_type", "value"}}} from docs/api-examples.json ({} if absent)."""
    if not EXAMPLES.exists():
        return {}
    return json.loads(EXAMPLES.read_text(encoding="utf-8"))["examples"]


def postprocess(result, generator, request, public):
    components = result.get("components", {}).get("schemas", {})
    # A value that may be null: a plain nullable schema says its type (OpenAPI 3.0.3 ignores ``nullable``
    # without one); a nullable reference (an object, an enum) becomes "one of it or NullEnum" — the form
    # generators read as optional (openapi-python-client: ``X | None``) — and is not also nullable itself.
    components["NullEnum"] = {"enum": [None], "type": "string", "nullable": True, "description": "No value (null)."}
    for schema in _walk(result.get("components", {})):
        if schema is components["NullEnum"]:
            continue
        parts = schema.get("oneOf", []) + schema.get("allOf", [])
        refs = [part["$ref"] for part in parts if "$ref" in part and not part["$ref"].endswith("/NullEnum")]
        if any(part.get("$ref", "").endswith("/NullEnum") for part in parts) or (schema.get("nullable") and refs):
            schema.pop("nullable", None)
            schema.pop("allOf", None)
            schema.pop("type", None)
            schema["oneOf"] = [{"$ref": refs[0]}, {"$ref": "#/components/schemas/NullEnum"}]
        elif schema.get("nullable") and "type" not in schema:
            schema["type"] = "string"
    # a discriminated oneOf (the change feed's entries): each target's discriminating property holds its one
    # value, so that exactly one of the schemas matches an entry (validators ignore the discriminator)
    for component in components.values():
        discriminator = component.get("discriminator") or {}
        for value, ref in (discriminator.get("mapping") or {}).items():
            target = components[ref.rsplit("/", 1)[-1]]
            prop = target["properties"][discriminator["propertyName"]]
            prop.update({"type": "string", "enum": [value]})
    # money: 64-bit integers; fields: a description
    for component in components.values():
        for name, prop in (component.get("properties") or {}).items():
            if name in MONEY and prop.get("type") == "integer":
                prop["format"] = "int64"
            if "description" not in prop and name in FIELDS:
                if "$ref" in prop:  # OpenAPI 3.0 ignores a $ref's siblings: wrap it
                    prop["allOf"] = [{"$ref": prop.pop("$ref")}]
                prop["description"] = FIELDS[name]
            if name in ("next", "previous") and "example" in prop:  # DRF's example is not a URL
                prop["example"] = "https://thads.example/api/v1/cases/?cursor=cD00ODY%3D"
    # request bodies: the server refuses a field it does not know (400 naming it), so the schema says so
    for name, component in components.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    # filters: the named enum of the same values instead of an inline copy
    enums = {tuple(sorted(c["enum"], key=str)): name for name, c in components.items() if "enum" in c}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    # the server takes ?name= as if name were left out (the default, no filter, the first page)
                    parameter["allowEmptyValue"] = True
                if not parameter.get("description") and parameter["name"] in PARAMETERS:
                    parameter["description"] = PARAMETERS[parameter["name"]]
                inline = parameter.get("schema", {})
                named = enums.get(tuple(sorted(inline.get("enum", []), key=str)))
                if "enum" in inline and named:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{named}"}
                    parameter["description"] = (parameter.get("description", "").split("\n\n")[0]
                                                if "* `" in parameter.get("description", "") else
                                                parameter.get("description", "")) or f"One of {named}."
            examples = real_examples().get(operation.get("operationId"), {})
            for status, response in operation.get("responses", {}).items():
                example = examples.get(status)
                media = response.get("content", {}).get(example["media_type"]) if example else None
                if media is not None:
                    media["examples"] = {"real": {"summary": example["summary"], "value": example["value"]}}
                headers = response.setdefault("headers", {})
                headers["X-Request-Id"] = {"$ref": "#/components/headers/X-Request-Id"}
                if status != "401":
                    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                                 "X-RateLimit-Policy"):
                        headers[name] = {"$ref": f"#/components/headers/{name}"}
                if method == "get" and (status == "304" or (status == "200" and "application/json" in
                                                             response.get("content", {}))):  # not the exports
                    headers["ETag"] = {"$ref": "#/components/headers/ETag"}
                if status == "200" and method == "post" and any(
                        parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", [])):
                    headers["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}
                if status == "429":
                    headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    result.setdefault("components", {})["headers"] = HEADERS
    return result
