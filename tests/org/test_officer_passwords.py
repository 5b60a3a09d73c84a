"""Passwords are validated wherever an officer's login is created."""
import pytest
from django.contrib.auth import get_user_model

from thads.core.errors import DomainError
from thads.org.models import Role, Title
from thads.org.services import officer_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["1", "12345678", "password", "chv.kv6a"])
def test_a_weak_password_is_refused_and_no_login_created(org, password):
    with pytest.raises(DomainError) as refused:
        officer_create(username="chv.kv6a", password=password, full_name="Lê Văn A", unit=org["HG-KV1"],
                       title=Title.CHV_SO_CAP, role=Role.OFFICER)
    assert refused.value.code == "weak_password" and refused.value.field == "password"
    assert not get_user_model().objects.filter(username="chv.kv6a").exists()
