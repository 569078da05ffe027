"""Saleor 3.23: the package installed as a merchant installs it (entry points, the settings
change, migrate) shows up where Saleor shows plugins, permissions and its schema."""
from importlib.metadata import entry_points

from django.apps import apps
from django.conf import settings
from django.db import connection

from saleor_plugins import __version__
from saleor_plugins.platform import saleor_version
from saleor_plugins.platform.saleor3 import FEATURES, NOT_YET_PORTED

from . import factories
from .graphql_client import GraphQLClient


def test_saleor_is_3_23():
    assert saleor_version().startswith("3.23.")


def test_entry_points_install_the_apps_and_plugins_of_the_ported_features():
    names = {entry.name: entry.value for entry in entry_points(group="saleor.plugins")}
    assert set(names) == {"saleor_plugins.core"} | {f"saleor_plugins.{f}" for f in FEATURES}
    for app, plugin in names.items():
        assert app in settings.INSTALLED_APPS
        assert plugin.replace(":", ".") in settings.PLUGINS
    for feature in NOT_YET_PORTED:
        assert f"saleor_plugins.{feature}" not in settings.INSTALLED_APPS


def test_migrations_made_the_package_tables():
    tables = connection.introspection.table_names()
    for model in apps.get_app_config("saleor_plugins").get_models():
        assert model._meta.db_table in tables


SHOP = """{ shop { saleorPlugins { version features { id name active } } } }"""


def test_the_extended_schema_is_served_on_saleors_endpoint():
    data = GraphQLClient().data(SHOP)
    assert data["shop"]["saleorPlugins"]["version"] == __version__
    ids = {feature["id"] for feature in data["shop"]["saleorPlugins"]["features"]}
    assert "saleor_plugins.core" not in ids  # hidden: it only installs the shared app


PERMISSIONS = """{ shop { permissions { code name } } }"""

GROUP_CREATE = """
mutation($input: PermissionGroupCreateInput!) {
  permissionGroupCreate(input: $input) {
    group { name permissions { code } }
    errors { field code message }
  }
}"""


def test_only_the_ported_features_permissions_are_offered(db):
    from saleor.permission.enums import AccountPermissions

    staff = factories.create_staff(permissions=[AccountPermissions.MANAGE_STAFF])
    codes = {p["code"] for p in GraphQLClient(staff).data(PERMISSIONS)["shop"]["permissions"]}
    offered = {"MANAGE_DISCOUNT_RULES": "discount_rules", "MANAGE_LOYALTY": "loyalty",
               "MANAGE_SUBSCRIPTIONS": "subscription", "USE_TILL": "klarna_instore"}
    for code, feature in offered.items():
        assert (code in codes) == (feature in FEATURES), code
