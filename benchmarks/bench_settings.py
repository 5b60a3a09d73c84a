"""Settings for benchmarks/api_bench.py: production-like (no debug), the benchmark URLs, no throttling."""
from thads.settings.base import *  # noqa: F401,F403
from thads.settings.base import REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.bench_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": [], "DEFAULT_THROTTLE_RATES": {
    "bank_burst": "100000000/min", "bank_sustained": "100000000/day"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
