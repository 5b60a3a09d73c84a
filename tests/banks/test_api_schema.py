"""The committed OpenAPI schema (docs/openapi.yaml, made by thads/api/schema.py) as client generators need it:
current, `type` beside every `nullable`, int64 money, one named enum per code list (reused by the filters, every
value described in English and Vietnamese), a description on every field and parameter, servers, and the
response headers the API sends."""
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
MONEY_NAME = re.compile(r"amount|price|value|principal|interest|reduction$")


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))


def _schemas(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_committed_schema_is_what_the_code_generates(tmp_path, db):
    call_command("spectacular", "--file", str(tmp_path / "openapi.yaml"), "--validate", "--fail-on-warn")
    assert (tmp_path / "openapi.yaml").read_text(encoding="utf-8") == (ROOT / "docs" / "openapi.yaml").read_text(
        encoding="utf-8"), "regenerate docs/openapi.yaml (manage.py spectacular --file docs/openapi.yaml)"


def test_every_nullable_has_a_type_and_a_nullable_reference_is_one_of_it_or_null(schema):
    nullable = [node for node in _schemas(schema) if node.get("nullable")]
    assert len(nullable) >= 10
    assert [node for node in nullable if "type" not in node] == []
    assert schema["components"]["schemas"]["NullEnum"] == {"enum": [None], "type": "string", "nullable": True,
                                                           "description": "No value (null)."}
    # the four objects that were nullable without a type, and the enums that may be null
    properties = {name: prop for c in schema["components"]["schemas"].values()
                  for name, prop in (c.get("properties") or {}).items()}
    for name, target in [("next_deadline", "BankDeadline"), ("event", "BankChangeEvent"), ("auction", "BankAuction"),
                         ("creditor_offer", "BankCreditorOffer"), ("land_type", "LandTypeEnum"),
                         ("closed_as", "AuctionClosureEnum")]:
        assert properties[name]["oneOf"] == [{"$ref": f"#/components/schemas/{target}"},
                                             {"$ref": "#/components/schemas/NullEnum"}], name
        assert "nullable" not in properties[name] and "allOf" not in properties[name]


def test_every_money_field_is_int64(schema):
    money = [(component, name, prop) for component, c in schema["components"]["schemas"].items()
             for name, prop in (c.get("properties") or {}).items()
             if prop.get("type") == "integer" and MONEY_NAME.search(name)]
    assert len(money) >= 15
    assert [(c, n) for c, n, prop in money if prop.get("format") != "int64"] == []


def test_one_named_enum_per_code_list_reused_by_the_filters_and_described_in_both_languages(schema):
    components = schema["components"]["schemas"]
    enums = {name: c for name, c in components.items() if "enum" in c}
    assert set(enums) == set(settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]) | {"NullEnum"}
    assert all(re.fullmatch(r"[A-Za-z]+Enum", name) for name in enums)
    parameters = {(path, p["name"]): p for path, _method, op in _operations(schema) for p in op.get("parameters", [])}
    assert parameters["/cases/", "status"]["schema"] == {"$ref": "#/components/schemas/StatusEnum"}
    assert parameters["/cases/", "category"]["schema"] == {"$ref": "#/components/schemas/CategoryEnum"}
    assert parameters["/commitments/", "status"]["schema"] == {"$ref": "#/components/schemas/CommitmentStatusEnum"}
    assert [name for name, p in parameters.items() if "enum" in p.get("schema", {})] == []
    for name, enum in enums.items():
        if name == "NullEnum":
            continue
        lines = enum["description"].splitlines()
        assert [re.match(r"\* `([^`]*)` - ", line)[1] for line in lines] == [str(v) for v in enum["enum"]], name
    # English first, the Vietnamese label after it
    assert "* `suspended` - Enforcement suspended (vi: Tạm đình chỉ thi hành án)" in enums["StatusEnum"]["description"]
    assert "* `tin_dung_ngan_hang` - Credit and banking (vi: Tín dụng, ngân hàng)" in enums["CategoryEnum"][
        "description"]


def test_every_field_and_parameter_is_described(schema):
    undescribed = [(component, name) for component, c in schema["components"]["schemas"].items()
                   for name, prop in (c.get("properties") or {}).items() if not prop.get("description")]
    assert undescribed == []
    assert [(path, p["name"]) for path, _m, op in _operations(schema) for p in op.get("parameters", [])
            if not p.get("description")] == []


def test_servers_and_the_response_headers_are_declared(schema):
    assert schema["servers"] == [{"url": "/api/v1", "description": "This server (paths are relative to /api/v1)."}]
    assert set(schema["components"]["headers"]) == {"ETag", "Retry-After", "X-RateLimit-Limit",
                                                   "X-RateLimit-Remaining", "X-RateLimit-Reset",
                                                   "X-RateLimit-Policy", "X-Request-Id", "Idempotent-Replayed"}
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        cached = method == "get" and not path.startswith("/export/")  # the streamed exports have no ETag
        assert {"401", "403", "429"} | ({"304"} if cached else set()) <= set(responses), path
        assert len({"200", "201", "204"} & set(responses)) == 1, path
        idempotent = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
        for status, response in responses.items():
            headers = set(response["headers"])
            assert "X-Request-Id" in headers
            assert ("ETag" in headers) is (cached and status in ("200", "304")), (path, status)
            assert ("X-Feed-Position" in headers) is (path.startswith("/export/") and status == "200"), path
            assert ("Idempotent-Replayed" in headers) is (idempotent and status == "200"), (path, status)
            assert ("Retry-After" in headers) is (status == "429"), (path, status)
            assert ("X-RateLimit-Remaining" in headers) is (status != "401"), (path, status)
