"""The examples of docs/openapi.yaml: every response with a body carries one, taken from a real response
(docs/api-examples.json, written by `manage.py api_examples`, put into the schema by thads.api.schema), and
every one validates against the schema of its response — strictly: no field the schema does not declare."""
import csv
import io
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command

from banks.models import ApiKey
from cases.codes import Category, EventKind
from dialogues.models import Session
from tests.factories import BankFactory, make_case, record

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))


def json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema (draft 7): ``nullable`` as a null alternative, references into
    ``definitions``, and objects closed (additionalProperties false) so an undeclared field fails."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {}
    for key, value in node.items():
        if key in ("nullable", "example", "examples", "description", "readOnly", "writeOnly"):
            continue
        if key == "properties":
            converted[key] = {name: json_schema(prop) for name, prop in value.items()}
        elif key == "$ref":
            converted[key] = value.replace("#/components/schemas/", "#/definitions/")
        else:
            converted[key] = json_schema(value)
    if node.get("type") == "object" and "properties" in node:
        converted["additionalProperties"] = False
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def validator(schema: dict, response_schema: dict) -> jsonschema.Draft7Validator:
    definitions = {name: json_schema(c) for name, c in schema["components"]["schemas"].items()}
    return jsonschema.Draft7Validator({**json_schema(response_schema), "definitions": definitions},
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def bodies(schema: dict):
    """(operation id, status, media type, media object) of every response with a body."""
    for item in schema["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                for media_type, media in response.get("content", {}).items():
                    yield operation["operationId"], status, media_type, media


def assert_valid(schema: dict, operation: str, status: str, media_type: str, response_schema: dict, value) -> None:
    case_validator = validator(schema, {"$ref": "#/components/schemas/BankCase"})
    if media_type == "application/json":
        errors = [error.message for error in validator(schema, response_schema).iter_errors(value)]
        assert errors == [], (operation, status, errors[:3])
    elif media_type == "application/x-ndjson":
        *rows, end = [json.loads(line) for line in value.splitlines()]
        assert rows and all(case_validator.is_valid(row) for row in rows), operation
        assert list(end) == ["export_end"] and sorted(end["export_end"]) == ["cases", "feed_position"]
    elif media_type == "text/csv":
        assert value.startswith("\ufeff")
        table = list(csv.DictReader(io.StringIO(value.removeprefix("\ufeff"), newline="")))
        assert list(table[0]) == list(schema["components"]["schemas"]["BankCase"]["properties"])
        assert len(table) == 2
    else:
        raise AssertionError(f"{operation} {status}: unexpected media type {media_type}")


def test_every_response_with_a_body_has_a_real_example_that_validates_against_its_schema(schema):
    found = list(bodies(schema))
    assert len(found) >= 50
    missing = [(op, status) for op, status, _m, media in found if "real" not in media.get("examples", {})]
    assert missing == []
    for operation, status, media_type, media in found:
        assert_valid(schema, operation, status, media_type, media["schema"], media["examples"]["real"]["value"])
    # the errors are the answers to the generator's own requests (their request id)
    for operation, status, _media_type, media in found:
        value = media["examples"]["real"]["value"]
        if status >= "400":
            assert value["error"]["request_id"].startswith("example-"), (operation, status)
    examples = json.loads((ROOT / "docs" / "api-examples.json").read_text(encoding="utf-8"))["examples"]
    assert {(op, status) for op, status, _m, _media in found} == {
        (op, status) for op, statuses in examples.items() for status in statuses}


def test_the_validation_would_catch_an_example_that_breaks_the_schema(schema):
    detail = schema["paths"]["/cases/{case_no}/"]["get"]["responses"]["200"]["content"]["application/json"]
    check = validator(schema, detail["schema"])
    good = detail["examples"]["real"]["value"]
    assert check.is_valid(good)
    assert not check.is_valid({**good, "amount_due": "12"})
    assert not check.is_valid({**good, "surprise": 1})
    assert not check.is_valid({**good, "status": "nope"})
    assert not check.is_valid({key: value for key, value in good.items() if key != "events"})
    assert check.is_valid({**good, "next_deadline": None})


def test_the_command_writes_an_example_for_every_response_from_real_calls_and_keeps_nothing(
        tmp_path, org, schema, settings):
    cache.clear()
    bank = BankFactory(code="AGR")
    case = make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR/2024/7")
    record(case, EventKind.CO_DIEU_KIEN, date(2024, 2, 1))
    make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no="AGR-2")
    call_command("api_examples", output=str(tmp_path / "examples.json"), stdout=io.StringIO())
    written = json.loads((tmp_path / "examples.json").read_text(encoding="utf-8"))
    assert written["bank"] == "AGR"
    examples = written["examples"]
    assert ApiKey.objects.count() == 0 and Session.objects.count() == 0  # rolled back
    for operation, status, media_type, media in bodies(schema):
        example = examples[operation][status]
        assert example["media_type"] == media_type
        assert_valid(schema, operation, status, media_type, media["schema"], example["value"])
    assert examples["cases_retrieve"]["200"]["value"]["case_no"] == "AGR/2024/7"
    assert [row["case_no"] for row in examples["cases_list"]["200"]["value"]["results"]] == ["AGR-2", "AGR/2024/7"]
    assert examples["commitments_done"]["409"]["value"]["error"]["code"] == "not_open"
    assert examples["commitments_done"]["422"]["value"]["error"]["code"] == "idempotency_key_reused"
    assert examples["me_retrieve"]["403"]["summary"].endswith("(from /cases/)")
