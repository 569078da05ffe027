"""Saleor 2.10.1's permission enums and registry."""
from saleor.core.permissions import (  # noqa: F401 (the adapter's names)
    PERMISSIONS_ENUMS,
    AccountPermissions,
    BasePermissionEnum,
    CheckoutPermissions,
    DiscountPermissions,
    OrderPermissions,
    ProductPermissions,
)
