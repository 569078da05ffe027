"""The package's permissions, grantable through Saleor's permission groups.

Each feature owns an enum; all of them are Django permissions of the ``saleor_plugins``
app (declared on ``PackagePermissions``) and are appended to Saleor's
``PERMISSIONS_ENUMS`` at start-up so ``PermissionEnum`` in GraphQL lists them.
"""
from saleor.core.permissions import BasePermissionEnum

APP_LABEL = "saleor_plugins"


class SubscriptionPermissions(BasePermissionEnum):
    MANAGE_SUBSCRIPTIONS = f"{APP_LABEL}.manage_subscriptions"


class LoyaltyPermissions(BasePermissionEnum):
    MANAGE_LOYALTY = f"{APP_LABEL}.manage_loyalty"


class DiscountRulePermissions(BasePermissionEnum):
    MANAGE_DISCOUNT_RULES = f"{APP_LABEL}.manage_discount_rules"


class TillPermissions(BasePermissionEnum):
    USE_TILL = f"{APP_LABEL}.use_till"


PACKAGE_PERMISSION_ENUMS = [
    SubscriptionPermissions,
    LoyaltyPermissions,
    DiscountRulePermissions,
    TillPermissions,
]

PERMISSION_DESCRIPTIONS = {
    SubscriptionPermissions.MANAGE_SUBSCRIPTIONS: "Manage subscriptions.",
    LoyaltyPermissions.MANAGE_LOYALTY: "Manage loyalty points.",
    DiscountRulePermissions.MANAGE_DISCOUNT_RULES: "Manage discount rules.",
    TillPermissions.USE_TILL: "Use the Klarna in-store till.",
}


def register_permissions():
    from saleor.core import permissions

    for enum in PACKAGE_PERMISSION_ENUMS:
        if enum not in permissions.PERMISSIONS_ENUMS:
            permissions.PERMISSIONS_ENUMS.append(enum)
