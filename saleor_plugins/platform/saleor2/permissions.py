"""Saleor 2.10.1's permission enums and registry."""
from saleor.core.permissions import (  # noqa: F401 (the adapter's names)
    PERMISSIONS_ENUMS,
    AccountPermissions,
    BasePermissionEnum,
    CheckoutPermissions,
    DiscountPermissions,
    OrderPermissions,
    PluginsPermissions,
    ProductPermissions,
)
from django.contrib.auth.models import Permission  # noqa: E402,F401 (Django's, on 2.10.1)
