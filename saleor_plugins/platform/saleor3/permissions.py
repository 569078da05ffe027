"""Saleor 3.23's permission enums and registry (``saleor.permission.enums``).

3.23 builds the GraphQL ``PermissionEnum`` when ``saleor.graphql.core.enums`` is first
imported, so the package's enums are registered from ``saleor_plugins.core.models`` (app
loading), before any schema module is imported."""
from saleor.permission.enums import (  # noqa: F401 (the adapter's names)
    PERMISSIONS_ENUMS,
    AccountPermissions,
    BasePermissionEnum,
    CheckoutPermissions,
    DiscountPermissions,
    OrderPermissions,
    PluginsPermissions,
    ProductPermissions,
)
from saleor.permission.models import Permission  # noqa: E402,F401 (Saleor's own model)
