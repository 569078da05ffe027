"""The package's plugin base: the active flag, typed configuration and pluginUpdate
(hooks' effect on prices: test_plugin_base_prices.py, Saleor 2.10.1 only)."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.core.config import ConfigError, ConfigField
from saleor_plugins.core.plugin import HOOK_NAMES, package_plugin_classes
from saleor_plugins.platform import saleor

from . import factories
from .sample_plugins import SurchargeSamplePlugin

SAMPLE = "tests.sample_plugins.SurchargeSamplePlugin"
MANAGE_PLUGINS = saleor.permissions.PluginsPermissions.MANAGE_PLUGINS

PLUGIN_UPDATE = """
mutation($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) {
    plugin { id %s }
    pluginsErrors { field message code }
  }
}""" % factories.PLUGIN_STATE

PLUGIN_QUERY = """
query($id: ID!) { plugin(id: $id) { %s } }
""" % factories.PLUGIN_STATE


@pytest.fixture
def with_sample_plugin(settings):
    settings.PLUGINS = settings.PLUGINS + [SAMPLE]


@pytest.fixture
def plugin_admin(db):
    return factories.create_staff(permissions=[MANAGE_PLUGINS])


def update(api, user, plugin_id, **input_data):
    return api(user).data(PLUGIN_UPDATE, {"id": plugin_id, "input": input_data})["pluginUpdate"]


def test_hooks_of_every_package_plugin_respect_active(all_plugins_active):
    for plugin_class in all_plugins_active + [SurchargeSamplePlugin]:
        for name in HOOK_NAMES:
            method = plugin_class.__dict__.get(name)
            if method is not None:
                assert getattr(method, "respects_active", False), f"{plugin_class}.{name}"


def test_plugin_update_stores_typed_values(api, plugin_admin, with_sample_plugin):
    result = update(
        api, plugin_admin, SurchargeSamplePlugin.PLUGIN_ID, active=True,
        configuration=[
            {"name": "amount", "value": "7,50"},
            {"name": "countries", "value": "NO, DK"},
            {"name": "repeat", "value": "2"},
        ],
    )
    assert result["pluginsErrors"] == []
    assert factories.plugin_state(result["plugin"])["active"] is True
    plugin = factories.plugins_manager().get_plugin(SurchargeSamplePlugin.PLUGIN_ID)
    assert plugin.active is True
    assert plugin.config.amount == Decimal("7.50")
    assert plugin.config.countries == ["NO", "DK"]
    assert plugin.config.repeat == 2
    assert plugin.config.enabled is True


def test_plugin_update_rejects_bad_values_field_by_field(api, plugin_admin, with_sample_plugin):
    result = update(
        api, plugin_admin, SurchargeSamplePlugin.PLUGIN_ID, active=True,
        configuration=[
            {"name": "amount", "value": "lots"},
            {"name": "repeat", "value": "11"},
            {"name": "countries", "value": "NO, FR"},
        ],
    )
    errors = {e["field"]: e for e in result["pluginsErrors"]}
    assert set(errors) == {"amount", "repeat", "countries"}
    assert all(e["code"] == "INVALID" for e in errors.values())
    assert "Surcharge amount" in errors["amount"]["message"]
    assert "at most 10" in errors["repeat"]["message"]
    assert "FR" in errors["countries"]["message"]
    # no value was written and the plugin did not switch on (3.23 keeps a row of defaults)
    rows = PluginConfiguration.objects.filter(identifier=SurchargeSamplePlugin.PLUGIN_ID)
    assert not rows.filter(active=True).exists()
    assert not any(item["value"] in ("lots", "11") for row in rows for item in row.configuration)
    assert factories.plugins_manager().get_plugin(SurchargeSamplePlugin.PLUGIN_ID).active is False


def test_plugin_update_without_active_keeps_the_plugin_off(api, plugin_admin, with_sample_plugin):
    result = update(
        api, plugin_admin, SurchargeSamplePlugin.PLUGIN_ID,
        configuration=[{"name": "repeat", "value": "3"}],
    )
    assert result["pluginsErrors"] == []
    row = PluginConfiguration.objects.get(identifier=SurchargeSamplePlugin.PLUGIN_ID)
    assert row.active is False
    plugin = api(plugin_admin).data(PLUGIN_QUERY, {"id": SurchargeSamplePlugin.PLUGIN_ID})["plugin"]
    values = {item["name"]: item for item in factories.plugin_state(plugin)["configuration"]}
    assert values["repeat"]["value"] == "3"
    assert values["enabled"]["type"] == "BOOLEAN"
    assert values["api_key"]["type"] == "SECRET"


def test_plugin_update_needs_manage_plugins(api, db, with_sample_plugin):
    staff = factories.create_staff()
    content = api(staff).execute(
        PLUGIN_UPDATE, {"id": SurchargeSamplePlugin.PLUGIN_ID, "input": {"active": True}}
    )
    assert content["data"]["pluginUpdate"] is None
    assert not PluginConfiguration.objects.filter(identifier=SurchargeSamplePlugin.PLUGIN_ID).exists()


def test_invalid_stored_configuration_falls_back_to_defaults(with_sample_plugin, db):
    PluginConfiguration.objects.create(
        identifier=SurchargeSamplePlugin.PLUGIN_ID, active=True,
        configuration=[{"name": "amount", "value": "not a number"}],
    )
    plugin = factories.plugins_manager().get_plugin(SurchargeSamplePlugin.PLUGIN_ID)
    assert plugin.config.amount == Decimal("5.00")


def test_building_the_manager_does_not_query_package_tables(with_sample_plugin, db):
    with CaptureQueriesContext(connection) as queries:
        manager = factories.plugins_manager()
        plugin = manager.get_plugin(SurchargeSamplePlugin.PLUGIN_ID)
        plugin.config  # noqa: B018 (typed configuration: parsed, not queried)
    assert len(queries) <= 2  # Saleor's own: PluginConfiguration (and channels on 3.23)
    assert not any("saleor_plugins" in query["sql"] for query in queries.captured_queries)
    loaded = {p.PLUGIN_ID for p in saleor.graphql.plugin_instances(manager)}
    assert {cls.PLUGIN_ID for cls in package_plugin_classes()} <= loaded


@pytest.mark.parametrize(
    "kind, raw, expected",
    [
        ("integer", " 42 ", 42),
        ("decimal", "0,10", Decimal("0.10")),
        ("decimal", "1e2", Decimal("100")),
        ("boolean", "TRUE", True),
        ("boolean", False, False),
        ("list", "a,\n b ,,c", ["a", "b", "c"]),
        ("string", "  x ", "x"),
        ("integer", None, 7),  # missing item: the default
        ("integer", "", 7),
    ],
)
def test_config_field_parsing(kind, raw, expected):
    default = {"integer": 7, "decimal": "1", "boolean": False, "list": [], "string": ""}[kind]
    assert ConfigField("f", kind, default, "F").parse(raw) == expected


@pytest.mark.parametrize(
    "field, raw",
    [
        (ConfigField("f", "integer", 1, "F"), "1.5"),
        (ConfigField("f", "decimal", "1", "F"), "NaN"),
        (ConfigField("f", "decimal", "1", "F"), "Infinity"),
        (ConfigField("f", "boolean", False, "F"), "maybe"),
        (ConfigField("f", "string", "", "F", required=True), "  "),
        (ConfigField("f", "decimal", "1", "F", min_value=Decimal(0)), "-0.01"),
    ],
)
def test_config_field_rejects(field, raw):
    with pytest.raises(ConfigError):
        field.parse(raw)
