"""The Celery application. Reads CELERY_* settings and autodiscovers tasks.py in every app."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")

app = Celery("thads")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat schedule, declared in code. One entry per job, each with why it runs when it does.
# (The nightly statistics refresh is added with the statistics engine.)
app.conf.beat_schedule = {}
