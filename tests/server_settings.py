"""Settings of the Saleor server processes started by tests/shop_server.py."""
import os

from tests.settings import *  # noqa: F401,F403

DATABASES["default"]["NAME"] = os.environ["SALEOR_PLUGINS_TEST_DB_NAME"]  # noqa: F405
# runserver starts a thread per request: persistent connections would pile up per thread
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DEBUG = False
