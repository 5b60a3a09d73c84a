"""Correcting a party (name, ID number, address, kind) keeps what it said before: one immutable row per
changed field, with the reason and who corrected it. Adding a party records who added it."""
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.codes import PartyKind, PartyRole
from cases.models import Case, Party, PartyCorrection
from cases.services import party_add, party_correct, party_correct_check
from tests.factories import make_case
from thads.core.errors import DomainError, PermissionDeniedError


@pytest.fixture
def debtor(org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], actor=people["head"])
    return case.parties.get(role=PartyRole.DEBTOR)


def state(party):
    party = Party.objects.get(pk=party.pk)
    return (party.name, party.name_folded, party.id_number, party.address, party.kind,
            list(PartyCorrection.objects.filter(party=party).values_list("field", "old_value", "new_value")))


@pytest.mark.django_db
def test_a_party_correction_keeps_each_previous_value_with_the_reason_and_the_actor(debtor, people):
    # given
    Case.objects.filter(pk=debtor.case_id).update(updated_at=timezone.now() - timedelta(days=1))
    before = Case.objects.get(pk=debtor.case_id).updated_at
    # when: the name and the address are corrected, the ID number given unchanged
    party = party_correct(actor=people["officer"], party=debtor, reason=" Sai chính tả theo CCCD ",
                          name="Nguyễn Văn Ấn", address="12 Trần Hưng Đạo, Vị Thanh", id_number="")
    # then
    assert state(party) == ("Nguyễn Văn Ấn", "nguyen van an", "", "12 Trần Hưng Đạo, Vị Thanh", PartyKind.PERSON,
                            [("name", "Nguyễn Văn A", "Nguyễn Văn Ấn"),
                             ("address", "", "12 Trần Hưng Đạo, Vị Thanh")])
    rows = list(PartyCorrection.objects.filter(party=party).values_list("reason", "corrected_by"))
    assert rows == [("Sai chính tả theo CCCD", people["officer"].pk)] * 2
    assert debtor.name == "Nguyễn Văn Ấn"  # the caller's instance follows
    assert Case.objects.get(pk=debtor.case_id).updated_at > before


@pytest.mark.django_db
def test_correcting_the_kind_and_id_number(debtor, people):
    party_correct(actor=people["head"], party=debtor, reason="Là doanh nghiệp", kind=PartyKind.ORGANISATION,
                  id_number="1800123456")
    assert state(debtor)[2:] == ("1800123456", "", PartyKind.ORGANISATION, [
        ("id_number", "", "1800123456"), ("kind", PartyKind.PERSON, PartyKind.ORGANISATION)])


@pytest.mark.django_db
@pytest.mark.parametrize("changes,code", [
    ({"reason": "", "name": "Nguyễn Văn B"}, "reason_required"),
    ({"reason": "   ", "name": "Nguyễn Văn B"}, "reason_required"),
    ({"reason": "sai"}, "no_change"),
    ({"reason": "sai", "name": " Nguyễn Văn A ", "id_number": ""}, "no_change"),
    ({"reason": "sai", "name": "  "}, "required"),
    ({"reason": "sai", "kind": "robot"}, "invalid_choice"),
])
def test_refused_party_corrections_write_nothing(debtor, people, changes, code):
    before = state(debtor)
    with pytest.raises(DomainError) as refused:
        party_correct_check(actor=people["officer"], party=debtor, **changes)
    assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        party_correct(actor=people["officer"], party=debtor, **changes)
    assert refused.value.code == code
    assert state(debtor) == before


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["officer2", "statistician", "outsider"])
def test_who_may_not_write_the_case_may_not_correct_its_parties(debtor, people, person):
    before = state(debtor)
    with pytest.raises(PermissionDeniedError):
        party_correct(actor=people[person], party=debtor, reason="sai", name="Nguyễn Văn B")
    assert state(debtor) == before


@pytest.mark.django_db
def test_adding_a_party_records_who_added_it(debtor, people):
    assert debtor.created_by == people["head"]  # added with the case
    party = party_add(actor=people["officer"], case=debtor.case, role=PartyRole.DEBTOR, name="Lê Văn C")
    assert (Party.objects.get(pk=party.pk).created_by, Party.objects.get(pk=party.pk).created_at is not None) == (
        people["officer"], True)
    system = party_add(actor=None, case=debtor.case, role=PartyRole.CREDITOR, name="Phạm Thị D")
    assert Party.objects.get(pk=system.pk).created_by is None


@pytest.mark.django_db
def test_the_admin_shows_party_corrections_read_only(client, debtor, people, django_user_model):
    # given
    party_correct(actor=people["officer"], party=debtor, reason="Sai chính tả", name="Nguyễn Văn Ấn")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-test-123")
    client.force_login(admin)
    correction = PartyCorrection.objects.get()
    # when
    listing = client.get("/admin/cases/partycorrection/")
    detail = client.get(f"/admin/cases/partycorrection/{correction.pk}/change/")
    # then: listed, viewable, nothing to add, change or delete
    assert listing.status_code == 200
    assert "Nguyễn Văn Ấn" in listing.content.decode()
    assert detail.status_code == 200
    assert client.get("/admin/cases/partycorrection/add/").status_code == 403
    assert client.post(f"/admin/cases/partycorrection/{correction.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PartyCorrection.objects.count() == 1
