"""Settings for benchmarks/dashboard_bench.py: production-like (no debug), the pages plus bare baseline views."""
from benchmarks.pages_settings import *  # noqa: F401,F403

ROOT_URLCONF = "benchmarks.dashboard_urls"
