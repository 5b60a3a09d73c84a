"""Test settings: only what differs from base. DATABASE_URL still chooses the database (SQLite by default,
PostgreSQL in the second CI pass)."""
from thads.settings.base import *  # noqa: F401,F403
from thads.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests never touch the developer's demo database file.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# No heartbeat thread in the fast suite (its own database connection cannot see a test's transaction, nor share
# an in-memory SQLite database); the live worker tests run with base settings and so with the thread.
STATS_JOB_HEARTBEAT_THREAD = False

# Webhooks: the test receiver listens on http://127.0.0.1:<free port>.
WEBHOOK_ALLOW_HTTP_LOCALHOST = True
WEBHOOK_BLOCK_PRIVATE_ADDRESSES = False
