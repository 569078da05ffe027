"""Settings of the demo (``python -m saleor_plugins demo`` and ``serve``): the package's,
plus the Klarna gateway allowed to use the simulator the demo starts on loopback."""
from saleor_plugins.settings import *  # noqa: F401,F403

SALEOR_PLUGINS_KLARNA_SIMULATOR = True
