"""The bank API read through a client that openapi-python-client generated from docs/openapi.yaml, as a bank's
integrator would: every page of the case list, every case's detail, the change feed to its end, /me, the
dialogues with their details, the commitments, and both bulk exports (then the feed from the export's
position). Every response is parsed with the generated models, strictly: a status other than 200, a field the
schema does not declare, a value the model cannot read (a date, an enum value, a missing field) or a model that
does not write back exactly the JSON the server sent fails the check.

    python .ci/generated_client_check.py CLIENT_PARENT_DIR PACKAGE BASE_URL KEY

(.ci/api_contract generates the client into CLIENT_PARENT_DIR/PACKAGE and runs this against its server.)"""
import argparse
import csv
import importlib
import io
import json
import sys
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx


class CheckFailed(AssertionError):
    pass


def extra_fields(model, where: str):
    """Every field the server sent that the generated model does not declare (additional_properties), anywhere
    in the model."""
    if isinstance(model, list):
        for index, item in enumerate(model):
            yield from extra_fields(item, f"{where}[{index}]")
        return
    if not attrs.has(type(model)):
        return
    for name in getattr(model, "additional_properties", {}):
        yield f"{where}.{name}"
    for field in attrs.fields(type(model)):
        if field.name != "additional_properties":
            yield from extra_fields(getattr(model, field.name), f"{where}.{field.name}")


def strict(model, payload, where: str):
    """``model``, parsed from ``payload``, declares every field and writes back exactly the payload."""
    unknown = list(extra_fields(model, where))
    if unknown:
        raise CheckFailed(f"{where}: fields the schema does not declare: {unknown}")
    if model.to_dict() != payload:
        written = model.to_dict()
        diff = {k: (payload.get(k), written.get(k)) for k in set(payload) | set(written)
                if payload.get(k) != written.get(k)}
        raise CheckFailed(f"{where}: the generated model does not round-trip the response: {diff}")
    return model


class Reader:
    def __init__(self, package: str, base_url: str, key: str):
        self.package = package
        client_module = importlib.import_module(f"{package}.client")
        self.client = client_module.AuthenticatedClient(base_url=f"{base_url}/api/v1", token=key,
                                                        raise_on_unexpected_status=True,
                                                        timeout=httpx.Timeout(120))
        self.models = importlib.import_module(f"{package}.models")
        self.calls = 0

    def api(self, name: str):
        return importlib.import_module(f"{self.package}.api.{name}")

    def get(self, operation, model_name: str, where: str, **kwargs):
        """Call ``operation`` (a generated module) and return the response, its parsed body checked strictly."""
        response = operation.sync_detailed(client=self.client, **kwargs)
        self.calls += 1
        if response.status_code != 200:
            raise CheckFailed(f"{where}: HTTP {int(response.status_code)}: {response.content[:300]!r}")
        model = getattr(self.models, model_name)
        if not isinstance(response.parsed, model):
            raise CheckFailed(f"{where}: parsed as {type(response.parsed).__name__}, not {model_name}")
        return response, strict(response.parsed, json.loads(response.content), where)

    def pages(self, operation, model_name: str, where: str, **kwargs):
        """Every page of a cursor-paginated list: yields the pages' results."""
        cursor, seen = None, 0
        while True:
            params = dict(kwargs, **({} if cursor is None else {"cursor": cursor}))
            _response, page = self.get(operation, model_name, f"{where} page {seen + 1}", **params)
            seen += 1
            yield page.results
            if not page.next_:
                return
            cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]

    def feed(self, after: str | None, where: str) -> list:
        changes, params = [], {"limit": 500}
        if after is not None:
            params["after"] = after
        while True:
            _response, page = self.get(self.api("changes.changes_list"), "BankChangeFeed", where, **params)
            changes.extend(page.results)
            if not page.has_more:
                return changes
            params["after"] = page.next_after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("client_parent")
    parser.add_argument("package")
    parser.add_argument("base_url")
    parser.add_argument("key")
    args = parser.parse_args()
    sys.path.insert(0, args.client_parent)
    reader = Reader(args.package, args.base_url.rstrip("/"), args.key)
    api, models = reader.api, reader.models

    # the case list, every page, and every case's detail
    cases, pages = {}, 0
    for results in reader.pages(api("cases.cases_list"), "PaginatedBankCaseList", "cases", page_size=3):
        pages += 1
        for case in results:
            if case.case_no in cases:
                raise CheckFailed(f"cases: {case.case_no} on two pages")
            cases[case.case_no] = case
    if not cases:
        raise CheckFailed("cases: the key's bank has no case; nothing was read")
    for case_no, case in cases.items():
        _response, detail = reader.get(api("cases.cases_retrieve"), "BankCaseDetail", f"case {case_no}",
                                       case_no=case_no)
        if (detail.case_no, detail.status, detail.amount_remaining) != (case_no, case.status, case.amount_remaining):
            raise CheckFailed(f"case {case_no}: the detail disagrees with the list")

    # the change feed, to its end
    changes = reader.feed(None, "changes")
    if not changes or not {change.case_no for change in changes} <= set(cases):
        raise CheckFailed("changes: the feed is empty or names a case the list does not have")

    # who is calling
    _response, me = reader.get(api("me.me_retrieve"), "BankMe", "me")

    # the dialogues with their details, the commitments
    dialogues = [d for results in reader.pages(api("dialogues.dialogues_list"), "PaginatedBankDialogueList",
                                               "dialogues", page_size=1) for d in results]
    for dialogue in dialogues:
        reader.get(api("dialogues.dialogues_retrieve"), "BankDialogueDetail", f"dialogue {dialogue.id}",
                   id=dialogue.id)
    commitments = [c for results in reader.pages(api("commitments.commitments_list"), "PaginatedBankCommitmentList",
                                                 "commitments", page_size=1) for c in results]

    # the bulk exports: every case of the list, each row a BankCase, then the feed from the export's position
    response = api("export.export_cases_ndjson").sync_detailed(client=reader.client)
    reader.calls += 1
    if response.status_code != 200 or not isinstance(response.parsed, str):
        raise CheckFailed(f"export ndjson: HTTP {int(response.status_code)}")
    lines = response.parsed.split("\n")
    if lines[-1] != "":
        raise CheckFailed("export ndjson: the body does not end with a line feed")
    *rows, end = (json.loads(line) for line in lines[:-1])
    exported = [strict(models.BankCase.from_dict(row), row, f"export ndjson line {n + 1}")
                for n, row in enumerate(rows)]
    position = response.headers["X-Feed-Position"]
    if end != {"export_end": {"cases": len(exported), "feed_position": position}}:
        raise CheckFailed(f"export ndjson: last line {end}")
    if sorted(case.case_no for case in exported) != sorted(cases):
        raise CheckFailed("export ndjson: not the cases of the list")
    since = reader.feed(position, "changes after the export")
    response = api("export.export_cases_csv").sync_detailed(client=reader.client)
    reader.calls += 1
    if response.status_code != 200 or not isinstance(response.parsed, str) or not response.parsed.startswith(
            "\ufeff"):
        raise CheckFailed(f"export csv: HTTP {int(response.status_code)} or no BOM")
    table = list(csv.DictReader(io.StringIO(response.parsed.removeprefix("\ufeff"), newline="")))
    want = [{name: str(value) for name, value in row.items()} for row in rows]
    if table != want:
        raise CheckFailed("export csv: not the rows of the NDJSON export")

    print(f"generated client: {len(cases)} cases over {pages} pages, {len(cases)} details, {len(changes)} changes, "
          f"/me ({me.bank.code}), {len(dialogues)} dialogue(s), {len(commitments)} commitment(s), exports of "
          f"{len(exported)} cases (NDJSON, CSV) and {len(since)} change(s) after position {position}: "
          f"{reader.calls} responses, every one parsed by the generated models")


if __name__ == "__main__":
    main()
