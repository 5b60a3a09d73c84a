"""THADS project package. Importing it wires the Celery app so that @shared_task binds to it."""
from thads.celery import app as celery_app

__all__ = ("celery_app",)
