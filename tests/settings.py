"""Test settings: the package's settings as a merchant runs them, on a real PostgreSQL.

With no ``DATABASE_URL`` an embedded PostgreSQL is started (``pgserver``).
"""
import os

from saleor_plugins.embedded_db import ensure_database_url, state_dir

ensure_database_url()
os.environ.setdefault("MEDIA_ROOT", str(state_dir() / "test-media"))
os.environ.setdefault("SECRET_KEY", "tests-only-secret")
os.environ.setdefault("DEFAULT_CURRENCY", "NOK")
os.environ.setdefault("DEFAULT_COUNTRY", "NO")

from saleor_plugins.settings import *  # noqa: E402,F401,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "Shop <shop@example.com>"
# Saleor 3.23's migrations add a USD "default-channel" with a warehouse, shipping zone,
# category and product type unless this is off; tests build their own world (factories)
POPULATE_DEFAULTS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
ALLOWED_CLIENT_HOSTS = ["localhost", "shop.example.com"]
# subscriptions may be bought and renewed on Saleor's dummy gateway (while its plugin is on)
SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY = True
# the Klarna gateway may use the simulator the tests run on loopback
SALEOR_PLUGINS_KLARNA_SIMULATOR = True

# Saleor 3.23 reads some rows through a "replica" alias (DATABASE_CONNECTION_REPLICA_NAME)
# that mirrors "default" in tests only once every test database exists, so its migrations
# would read the empty main database; tests have one database: read it directly.
if "replica" in DATABASES:  # noqa: F405
    del DATABASES["replica"]  # noqa: F405
    DATABASE_CONNECTION_REPLICA_NAME = "default"
