"""Package permissions can be granted through Saleor's permission groups."""
import pytest
from graphene import Node

from saleor_plugins.core.permissions import (
    DiscountRulePermissions,
    LoyaltyPermissions,
    PACKAGE_PERMISSION_ENUMS,
    SubscriptionPermissions,
    TillPermissions,
    installed_permission_enums,
)
from saleor_plugins.platform import saleor

from . import factories

MANAGE_STAFF = saleor.permissions.AccountPermissions.MANAGE_STAFF
PACKAGE_CODES = {"MANAGE_SUBSCRIPTIONS", "MANAGE_LOYALTY", "MANAGE_DISCOUNT_RULES", "USE_TILL"}
# the permissions of the features that run on this Saleor (a feature not yet ported
# offers none)
INSTALLED_CODES = {member.name for enum in installed_permission_enums() for member in enum}
# a permission to grant: the package's; Saleor's own where no feature runs yet
GRANTABLE = sorted(INSTALLED_CODES)[0] if INSTALLED_CODES else "MANAGE_ORDERS"

GROUP_CREATE = """
mutation($input: PermissionGroupCreateInput!) {
  permissionGroupCreate(input: $input) {
    group { name permissions { code } }
    permissionGroupErrors { field message code }
  }
}"""


def test_shop_lists_package_permissions(api, db):
    staff = factories.create_staff()
    permissions = api(staff).data("{ shop { permissions { code name } } }")["shop"]["permissions"]
    codes = {p["code"] for p in permissions}
    assert INSTALLED_CODES <= codes
    assert not (PACKAGE_CODES - INSTALLED_CODES) & codes
    assert "MANAGE_ORDERS" in codes  # Saleor's are still there


@pytest.mark.parametrize("code", sorted(PACKAGE_CODES))
def test_permission_group_grants_a_package_permission(api, db, code):
    enum = {e.name: e for enums in PACKAGE_PERMISSION_ENUMS for e in enums}[code]
    if code not in INSTALLED_CODES:
        # a feature not on this Saleor: its permission is not Saleor's to grant
        content = api(factories.create_staff(permissions=[MANAGE_STAFF, enum])).execute(
            GROUP_CREATE, {"input": {"name": f"Group {code}", "addPermissions": [code]}})
        assert "PermissionEnum" in content["errors"][0]["message"]
        return
    # Saleor lets staff grant only permissions they hold themselves
    manager = factories.create_staff(permissions=[MANAGE_STAFF, enum])
    member = factories.create_staff()
    assert not member.has_perm(enum.value)
    content = api(manager).data(
        GROUP_CREATE,
        {"input": {"name": f"Group {code}", "addPermissions": [code],
                   "addUsers": [Node.to_global_id("User", member.pk)]}},
    )["permissionGroupCreate"]
    assert content["permissionGroupErrors"] == []
    assert [p["code"] for p in content["group"]["permissions"]] == [code]

    member = type(member).objects.get(pk=member.pk)
    assert member.has_perm(enum.value)


def test_staff_cannot_grant_a_package_permission_they_lack(api, db):
    manager = factories.create_staff(permissions=[MANAGE_STAFF])
    content = api(manager).data(
        GROUP_CREATE, {"input": {"name": "Till", "addPermissions": [GRANTABLE]}}
    )["permissionGroupCreate"]
    assert content["group"] is None
    assert [(e["field"], e["code"]) for e in content["permissionGroupErrors"]] == [
        ("addPermissions", "OUT_OF_SCOPE_PERMISSION")
    ]


def test_staff_without_manage_staff_cannot_create_a_group(api, db):
    staff = factories.create_staff()
    content = api(staff).execute(
        GROUP_CREATE, {"input": {"name": "Sneaky", "addPermissions": [GRANTABLE]}}
    )
    assert content["data"]["permissionGroupCreate"] is None
    assert "permission" in content["errors"][0]["message"].lower()


def test_permission_values_are_app_label_and_codename():
    for enum in (SubscriptionPermissions, LoyaltyPermissions, DiscountRulePermissions, TillPermissions):
        for member in enum:
            app_label, codename = member.value.split(".")
            assert app_label == "saleor_plugins"
            assert codename == member.codename
