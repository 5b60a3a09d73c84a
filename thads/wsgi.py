"""WSGI entry point (gunicorn thads.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thads.settings.base")
application = get_wsgi_application()
