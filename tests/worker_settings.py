"""Settings of a real Celery worker started by the broker tests (tests/celery_worker.py)."""
import json
import os

from tests.settings import *  # noqa: F401,F403

CELERY_BROKER_URL = os.environ["SALEOR_PLUGINS_TEST_BROKER"]
CELERY_TASK_ALWAYS_EAGER = False
DATABASES["default"]["NAME"] = os.environ["SALEOR_PLUGINS_TEST_DB_NAME"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SALEOR_PLUGINS_TEST_MAIL_DIR"]
# the fault tests make the broker hand unacknowledged tasks out again within seconds
if os.environ.get("SALEOR_PLUGINS_TEST_BROKER_OPTIONS"):
    CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ["SALEOR_PLUGINS_TEST_BROKER_OPTIONS"])
