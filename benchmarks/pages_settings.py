"""Settings for benchmarks/pages_bench.py: production-like (no debug), the pages plus a bare baseline view."""
from benchmarks.bench_settings import *  # noqa: F401,F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.pages_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
