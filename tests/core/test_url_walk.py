"""Walk every page and admin URL of the URL conf (issue 14 item 3): fill each path parameter with an in-scope
value, an out-of-scope one (province ST), a missing id and odd values, add NUL bytes in query parameters, GET
each URL as every role, an anonymous visitor and a superuser, and expect no 5xx. The URL list is built from
django.urls.get_resolver(), so a new page cannot be left out; /api/ has its own fuzz tests."""
import re
from datetime import date, datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.regex_helper import normalize

from cases.codes import EventKind
from dialogues.models import AgendaItem
from dialogues.services import BankData, agenda_add, commitment_record, session_create, session_hold
from reports.models import PeriodReport
from reports.services import job_create, period_close
from tests.dialogues.histories import banks, stuck_auction  # noqa: F401 (fixture)
from tests.factories import make_case, record
from thads.org.models import Role, Title
from thads.org.services import officer_create

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("api/", "static/", "media/", "i18n/")
MISSING = "999999"
ODD = ["0", "-1", "abc", "1%00", "x" * 300]
NUL_QUERIES = ["", "?q=%00", "?page=%00", "?year=%00"]

# URLs still answering 5xx whose fix is not small: (pattern route, variant) -> why. Empty: none known.
KNOWN_5XX: dict[tuple[str, str], str] = {}


def _leaves(resolver, prefix=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _leaves(entry, (*prefix, entry))
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry)


def _part(pattern):
    """(a %-format string, {parameter: converter name}) for one pattern of the chain."""
    if isinstance(pattern, RoutePattern):
        route, params = pattern._route, {}

        def sub(match):
            converter, name = (match.group(1) or "str:").rstrip(":"), match.group(2)
            params[name] = converter
            return f"%({name})s"
        return re.sub(r"<(\w+:)?(\w+)>", sub, route.replace("%", "%%")), params
    assert isinstance(pattern, RegexPattern)
    fmt, names = normalize(pattern._regex)[0]
    return fmt, {name: "regex" for name in names}


def url_patterns():
    """(namespace, route, format, {param: converter}, model admin or None) for every page and admin URL."""
    found = []
    for chain in _leaves(get_resolver()):
        fmt, params, namespace = "", {}, ""
        model_admin = getattr(chain[-1].callback, "model_admin", None)  # the admin's wrapped views carry it
        for entry in chain:
            part, part_params = _part(entry.pattern)
            fmt += part
            params.update(part_params)
            if isinstance(entry, URLResolver):
                namespace = entry.namespace or namespace
        if fmt.startswith(SKIPPED_PREFIXES):
            continue
        found.append((namespace, fmt, params, model_admin))
    return found


def _ints(in_value, out_value):
    return {"in": str(in_value), "out": str(out_value), "missing": MISSING, "zero": "0"}


def values_for(namespace, name, converter, model_admin, data):
    """{variant: value} for one parameter."""
    odd = {} if converter == "int" else {f"odd{i}": value for i, value in enumerate(ODD)}
    if namespace == "admin":
        if name == "app_label":
            return {f"app-{label}": label for label in sorted({m._meta.app_label for m in admin.site._registry})} \
                | {"missing": "nope", **odd}
        if name == "object_id" and model_admin is not None:
            pks = list(model_admin.model._default_manager.order_by("pk").values_list("pk", flat=True))
            return {"in": str(pks[0]) if pks else "1", "out": str(pks[-1]) if pks else "2", "missing": MISSING,
                    **{f"odd{i}": value for i, value in enumerate(ODD)}}
        if name in ("content_type_id", "object_id"):  # the "view on site" shortcut
            return {"in": "1", "missing": MISSING, **odd}
        return {"missing": MISSING, **odd}
    table = {
        ("cases", "pk"): _ints(data["case"].pk, data["other_case"].pk),
        ("cases", "party_pk"): _ints(data["case"].parties.first().pk, data["other_case"].parties.first().pk),
        ("cases", "kind"): {f"kind-{kind}": kind for kind in EventKind.values},
        ("cases", "step"): {"step-seizure": "seizure", "step-round": "round", "step-valuation": "valuation"},
        ("reports", "code"): {"in": "HG-VT", "in-province": "HG", "out": "ST-A", "out-province": "ST"},
        ("reports", "job_id"): _ints(data["job"].pk, data["other_job"].pk),
        ("dialogues", "pk"): _ints(data["session"].pk, data["other_session"].pk),
        ("dialogues", "item_pk"): _ints(data["item"].pk, data["other_item"].pk),
        ("dialogues", "commitment_pk"): _ints(data["commitment"].pk, data["other_commitment"].pk),
        ("dialogues", "action"): {"hold": "hold", "close": "close", "done": "done", "missed": "missed"},
        ("signoff", "pk"): _ints(data["report"].pk, data["other_report"].pk),
    }
    values = table.get((namespace, name))
    assert values is not None, f"no test values for the parameter {name!r} of {namespace!r}: add them"
    return {**values, "missing": MISSING, **odd}


def urls(data):
    """(route, variant, url) for every pattern: each parameter variant (all parameters alike), each NUL query."""
    walked = []
    for namespace, fmt, params, model_admin in url_patterns():
        if not params:
            variants = {"plain": {}}
        else:
            per_param = {name: values_for(namespace, name, conv, model_admin, data) for name, conv in params.items()}
            names = sorted(set().union(*(values.keys() for values in per_param.values())))
            variants = {}
            for variant in names:  # every parameter takes the same variant (or its first value when it has none)
                variants[variant] = {name: values.get(variant, next(iter(values.values())))
                                     for name, values in per_param.items()}
        for variant, kwargs in variants.items():
            path = "/" + fmt % kwargs
            queries = NUL_QUERIES if variant in ("plain", "in") else [""]
            walked.extend((fmt, variant, path + query) for query in queries)
    return walked


@pytest.fixture
def dataset(org, people, banks):  # noqa: F811
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 28, 9)), tick=False):
        case = make_case(unit=org["HG-VT"], category="tin_dung_ngan_hang", bank=banks["AGR"],
                         officer=people["officer"], accepted_on=date(2019, 3, 1), amount_due=800_000_000)
        other_case = make_case(unit=org["ST-A"], category="tin_dung_ngan_hang", bank=banks["VCB"],
                               officer=people["outsider"], accepted_on=date(2019, 3, 1), amount_due=800_000_000)
        for each in (case, other_case):
            record(each, EventKind.CO_DIEU_KIEN, date(2019, 3, 5))
            stuck_auction(each)
        job = job_create(kind="manual_refresh", actor=people["statistician"], unit=org["HG-VT"])
        other_job = job_create(kind="manual_refresh", actor=people["outsider_head"], unit=org["ST-A"])
        sessions = {}
        for key, actor, unit, bank, each in (("", "province_head", "HG", "AGR", case),
                                             ("other_", "outsider_head", "ST", "VCB", other_case)):
            session = session_create(actor=people[actor], organiser=org[unit], held_on=date(2019, 12, 3),
                                     place="Hội trường", banks=[BankData(bank=banks[bank])])
            item = agenda_add(actor=people[actor], session=session, case=each)
            session_hold(actor=people[actor], session=session, today=date(2019, 12, 3))
            item = AgendaItem.objects.get(pk=item.pk)
            commitment = commitment_record(actor=people[actor], item=item, party="officer", kind="reauction",
                                           text="Ký lại hợp đồng", due_in_working_days=10,
                                           owner_user=people["officer" if not key else "outsider"])
            sessions |= {f"{key}session": session, f"{key}item": item, f"{key}commitment": commitment}
        other_statistician = officer_create(username="st_stat", password="pw-test-123", full_name="Thống kê ST",
                                            unit=org["ST"], title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN).user
    with time_machine.travel(timezone.make_aware(datetime(2019, 1, 1, 9)), tick=False):
        period_close(actor=people["statistician"], unit=org["HG"], end=date(2018, 12, 31))
        period_close(actor=other_statistician, unit=org["ST"], end=date(2018, 12, 31))
    return {"case": case, "other_case": other_case, "job": job, "other_job": other_job, **sessions,
            "report": PeriodReport.objects.filter(unit=org["HG-VT"]).get(),
            "other_report": PeriodReport.objects.filter(unit=org["ST-A"]).get()}


# detail pages whose out-of-scope variant must never answer 200 to a user of HG (or to anyone but a superuser
# when the object belongs to ST and the user is of HG); the ST users are checked the other way round.
DETAIL_ROUTES = ("cases/%(pk)s/", "dialogues/%(pk)s/", "sign-off/%(pk)s/", "dashboard/%(code)s/jobs/%(job_id)s/",
                 "admin/cases/case/%(object_id)s/change/", "admin/audit/auditentry/%(object_id)s/change/")
HG_USERS = ("officer", "head", "province_head", "statistician")
ST_USERS = ("outsider", "outsider_head")


def test_every_page_and_admin_url_answers_without_a_server_error_for_every_user(client, people, dataset):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw-test-123")
    users = {"anonymous": None, "superuser": superuser,
             **{name: people[name] for name in ("officer", "head", "province_head", "statistician", "central",
                                                 "outsider", "outsider_head")}}
    walked = urls(dataset)
    routes = {route for route, _variant, _url in walked}
    assert {"cases/%(pk)s/", "dashboard/%(code)s/cases/", "dialogues/%(pk)s/", "sign-off/%(pk)s/", "deadlines/",
            "admin/cases/case/%(object_id)s/change/"} <= routes
    failures, leaks, count, ok = [], [], 0, set()
    client.raise_request_exception = False  # a crash is a 500 in the list, not the end of the walk
    for username, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for route, variant, url in walked:
            response = client.get(url)
            count += 1
            if response.status_code == 200 and variant == "in":
                ok.add(route)
            if response.status_code >= 500 and (route, variant) not in KNOWN_5XX:
                failures.append(f"{response.status_code} {username} {url[:160]}")
            if route in DETAIL_ROUTES and response.status_code == 200 and not url.count("?") and (
                    (variant == "out" and username in HG_USERS) or (variant == "in" and username in ST_USERS)):
                leaks.append(f"{username} {url}")
    print(f"{len(walked)} URLs of {len(routes)} patterns × {len(users)} users = {count} requests")
    assert not failures, "\n".join(failures)
    assert not leaks, "\n".join(leaks)
    # the dataset is real: the in-scope detail pages and the admin's change pages of the case answer 200
    assert {*DETAIL_ROUTES, "admin/cases/case/%(object_id)s/change/", "admin/cases/caseevent/%(object_id)s/change/",
            "cases/%(pk)s/parties/%(party_pk)s/correct/", "dialogues/%(pk)s/minutes/"} <= ok


def test_the_walk_sees_a_new_page(settings):
    """The list comes from the URL conf: every page of every app and the admin's are in it, /api/ is not."""
    routes = {fmt for _namespace, fmt, _params, _ma in url_patterns()}
    assert "dashboard/%(code)s/forms/%(job_id)s/download/" in routes
    assert "dialogues/commitments/%(commitment_pk)s/%(action)s/" in routes
    assert "admin/%(app_label)s/" in routes and "admin/reports/statsjob/%(object_id)s/change/" in routes
    assert not [route for route in routes if route.startswith("api/")]
