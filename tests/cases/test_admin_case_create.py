"""Accepting a case through the admin goes through case_create: the same checks, the same result."""
from datetime import date

import pytest

from cases.models import Case, CaseChange, Party
from tests.factories import BankFactory

pytestmark = pytest.mark.django_db


def form_data(org, **overrides):
    data = {
        "case_no": "ADM-0001", "decision_no": "12/QĐ-CCTHADS", "accepted_on": "05/03/2024",
        "received_on": "", "notified_on": "", "unit": str(org["HG-VT"].pk), "officer": "", "origin": "theo_yeu_cau",
        "category": "khac", "creditor_bank": "", "amount_due": "15000000", "judgment_court": "TAND TP Vị Thanh",
        "judgment_no": "45/2023/DS-ST", "judgment_date": "", "judgment_type": "dan_su",
        "debtor_name": "Nguyễn Văn Nợ", "debtor_kind": "person", "debtor_id_number": "", "debtor_address": "",
        "creditor_name": "Trần Thị Có", "creditor_kind": "person",
        "parties-TOTAL_FORMS": "0", "parties-INITIAL_FORMS": "0", "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0", "_save": "Lưu lại",
    }
    data.update(overrides)
    return data


def test_a_unit_head_accepts_a_case_with_its_parties(client, org, people):
    client.force_login(people["head"])
    response = client.post("/admin/cases/case/add/", form_data(org))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(case_no="ADM-0001")
    assert (case.accepted_on, case.amount_remaining, case.status, case.created_by) == (
        date(2024, 3, 5), 15_000_000, "with_conditions", people["head"])
    assert sorted(Party.objects.filter(case=case).values_list("role", "name")) == [
        ("creditor", "Trần Thị Có"), ("debtor", "Nguyễn Văn Nợ")]
    assert CaseChange.objects.filter(case=case, kind="case_created").count() == 1


def test_a_credit_case_without_a_bank_is_refused_with_the_reason_and_nothing_is_written(client, org, people):
    client.force_login(people["head"])
    response = client.post("/admin/cases/case/add/", form_data(org, category="tin_dung_ngan_hang"))
    assert response.status_code == 200
    assert "ngân hàng" in response.content.decode()
    assert not Case.objects.filter(case_no="ADM-0001").exists() and Party.objects.count() == 0


def test_an_officer_cannot_accept_a_case_for_another_unit(client, org, people):
    client.force_login(people["officer"])
    response = client.post("/admin/cases/case/add/", form_data(org, unit=str(org["HG-NB"].pk)))
    assert response.status_code == 200
    assert not Case.objects.filter(case_no="ADM-0001").exists()


def test_a_credit_case_with_its_bank_is_accepted(client, org, people):
    bank = BankFactory(code="AGR-HG")
    client.force_login(people["head"])
    response = client.post("/admin/cases/case/add/", form_data(org, category="tin_dung_ngan_hang",
                                                               creditor_bank=str(bank.pk)))
    assert response.status_code == 302
    assert Case.objects.get(case_no="ADM-0001").creditor_bank == bank
