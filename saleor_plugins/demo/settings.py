"""Settings of the demo (``python -m saleor_plugins demo`` and ``serve``): the package's
settings, the demo's URLs (Saleor's dashboard under /dashboard/ where the platform has it),
subscriptions may be bought on Saleor's dummy gateway to try them out."""
from saleor_plugins.settings import *  # noqa: F401,F403

ROOT_URLCONF = "saleor_plugins.demo.urls"
SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY = True
# the Klarna gateway may use the simulator the demo starts on loopback
SALEOR_PLUGINS_KLARNA_SIMULATOR = True
