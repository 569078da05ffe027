"""Builders of Saleor objects for the installed Saleor: ``factories_saleor2`` (2.10.1) or
``factories_saleor3`` (3.23) under the same names, so a test that builds its world with
these and talks to /graphql/ runs unchanged on both."""
from saleor_plugins.platform import adapter_name

if adapter_name() == "saleor3":
    from .factories_saleor3 import *  # noqa: F401,F403
else:
    from .factories_saleor2 import *  # noqa: F401,F403
