"""Settings of the demo's server process in tests: the test database, the demo's URLs, and
Saleor's DEBUG default as the demo runs it (3.23 then signs JWTs with its local key)."""
from tests.server_settings import *  # noqa: F401,F403

ROOT_URLCONF = "saleor_plugins.demo.urls"
DEBUG = True
