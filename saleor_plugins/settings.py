"""Saleor 2.10.1's settings with the package installed.

``DJANGO_SETTINGS_MODULE=saleor_plugins.settings`` runs Saleor with every feature. The
environment variables are Saleor's (``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``CELERY_BROKER_URL``, ``EMAIL_URL``, ...) plus ``MEDIA_ROOT``, ``STATIC_ROOT`` and ``TIME_ZONE``.
"""
import os

from saleor.settings import *  # noqa: F401,F403

from .conf import configure

# The wheel's defaults point into site-packages.
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
STATIC_ROOT = os.environ.get("STATIC_ROOT", STATIC_ROOT)  # noqa: F405
# Saleor hard-codes America/Chicago; e-mails and schedules use the shop's zone.
TIME_ZONE = os.environ.get("TIME_ZONE", TIME_ZONE)  # noqa: F405

configure(globals())
