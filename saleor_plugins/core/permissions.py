"""The package's permissions, grantable through Saleor's permission groups.

Each feature owns an enum; all of them are Django permissions of the ``saleor_plugins``
app (declared on ``PackagePermissions``) and are appended to Saleor's
``PERMISSIONS_ENUMS`` when the app's models load, so ``PermissionEnum`` in GraphQL lists
them (Saleor 3.23 builds that enum at import time; 2.10.1 when first used).
"""
from ..platform import saleor

BasePermissionEnum = saleor.permissions.BasePermissionEnum

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


FEATURE_PERMISSION_ENUMS = {
    "subscription": SubscriptionPermissions,
    "loyalty": LoyaltyPermissions,
    "discount_rules": DiscountRulePermissions,
    "klarna_instore": TillPermissions,
}


def installed_permission_enums():
    """The enums of the features that run on the installed Saleor (a feature not yet
    ported offers no permission to grant)."""
    from ..conf import features

    return [enum for name, enum in FEATURE_PERMISSION_ENUMS.items() if name in features()]


def register_permissions():
    registry = saleor.permissions.PERMISSIONS_ENUMS
    for enum in installed_permission_enums():
        if enum not in registry:
            registry.append(enum)
