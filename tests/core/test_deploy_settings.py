"""Production settings: `check --deploy` is clean with the documented environment (.env.example), HTTPS and HSTS
come from the environment, and the Content-Security-Policy allows the pages' own inline handlers and no more."""
import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "thads.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_ABCDEFGH",
    "DJANGO_ALLOWED_HOSTS": "thads.example.gov.vn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://thads.example.gov.vn",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
}


def run_check(extra: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(PRODUCTION_ENV, **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_given_the_documented_production_environment_then_check_deploy_is_clean():
    result = run_check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_given_hsts_turned_off_in_the_environment_then_check_deploy_fails_on_it():
    result = run_check({"DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_SSL_REDIRECT": "false"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout and "security.W008" in result.stderr + result.stdout


def test_given_no_secret_then_production_refuses_to_start():
    result = run_check({"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_every_production_variable_is_documented_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    used = set()
    for settings_file in (ROOT / "thads" / "settings").glob("*.py"):
        text = settings_file.read_text()
        used |= set(re.findall(r'env_(?:bool|list)\("([A-Z0-9_]+)"', text))
        used |= set(re.findall(r'os\.environ(?:\.get\(|\[)"([A-Z0-9_]+)"', text))
    assert used - documented == set()


def inline_handlers() -> set[str]:
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        found |= set(re.findall(r'\son[a-z]+="([^"]*)"', template.read_text(encoding="utf-8")))
    return found


def test_every_inline_handler_of_the_templates_is_allowed_by_its_hash_in_the_production_policy():
    from thads.settings.base import PRODUCTION_CONTENT_SECURITY_POLICY as policy

    script_sources = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_sources and "'unsafe-hashes'" in script_sources
    for handler in inline_handlers():
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_sources, handler


@pytest.mark.django_db
def test_given_a_policy_then_every_page_carries_it_and_the_api_docs_their_own(client, settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'"
    settings.CONTENT_SECURITY_POLICY_PATHS = {"/api/v1/docs/": "default-src 'self'; script-src 'unsafe-inline'"}
    assert client.get("/login/")["Content-Security-Policy"] == "default-src 'self'"
    assert client.get("/api/v1/docs/")["Content-Security-Policy"] == "default-src 'self'; script-src 'unsafe-inline'"


@pytest.mark.django_db
def test_given_no_policy_then_no_header(client, settings):
    settings.CONTENT_SECURITY_POLICY = None
    assert "Content-Security-Policy" not in client.get("/login/")
