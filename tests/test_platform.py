"""The install pieces: database backend, error codes, settings integration and the CLI."""
import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections
from saleor.graphql.core.utils.error_codes import get_error_code_from_error
from saleor.order.models import Order

from saleor_plugins import conf
from saleor_plugins.platform.saleor2 import conf as saleor2_conf
from saleor_plugins.core.errors import register_error_codes

ROOT = Path(__file__).resolve().parent.parent


def test_timestamps_read_back_as_aware_utc_with_psycopg2_29(db):
    import psycopg2

    assert psycopg2.__version__.startswith("2.9")
    assert type(connections["default"]).__module__ == "saleor_plugins.db.postgresql.base"
    order = Order.objects.create(user_email="a@example.com")
    loaded = Order.objects.get(pk=order.pk)
    assert loaded.created.utcoffset() == datetime.timedelta(0)
    assert abs(loaded.created - order.created) < datetime.timedelta(seconds=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
    assert now.tzinfo is not None


def test_package_error_codes_survive_saleor_whitelist():
    import enum

    class SampleErrorCode(enum.Enum):
        INTERVAL_TOO_SHORT = "interval_too_short_sample"

    error = ValidationError("too short", code=SampleErrorCode.INTERVAL_TOO_SHORT)
    assert get_error_code_from_error(error) == "invalid"
    register_error_codes(SampleErrorCode)
    assert get_error_code_from_error(error) == "interval_too_short_sample"


def test_configure_adds_the_package_to_saleor_settings():
    namespace = {
        "INSTALLED_APPS": ["saleor.core"],
        "PLUGINS": [
            "saleor.plugins.vatlayer.plugin.VatlayerPlugin",
            "saleor.plugins.webhook.plugin.WebhookPlugin",
            "saleor.payment.gateways.dummy.plugin.DummyGatewayPlugin",
        ],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql_psycopg2"}},
        "LANGUAGES": [("en", "English")],
        "LOCALE_PATHS": [],
        "MIDDLEWARE": ["django.middleware.common.CommonMiddleware"],
    }
    conf.configure(namespace)
    conf.configure(namespace)  # twice is harmless
    plugins = namespace["PLUGINS"]
    assert plugins.index("saleor_plugins.platform.saleor2.discount_rules.plugin.DiscountRulesPlugin") == 2
    # gateways last: Saleor's, then the package's Klarna gateway
    assert plugins[-2:] == [
        "saleor.payment.gateways.dummy.plugin.DummyGatewayPlugin",
        "saleor_plugins.klarna.plugin.KlarnaGatewayPlugin",
    ]
    assert len(plugins) == len(set(plugins))
    assert namespace["INSTALLED_APPS"].count("saleor_plugins.loyalty") == 1
    assert namespace["DATABASES"]["default"]["ENGINE"] == "saleor_plugins.db.postgresql"
    assert namespace["ROOT_URLCONF"] == "saleor_plugins.urls"
    assert {code for code, _ in namespace["LANGUAGES"]} == {"en", "nb", "sv", "da", "de"}
    assert namespace["PLUGINS_MANAGER"] == "saleor_plugins.core.manager.PluginsManager"
    assert namespace["MIDDLEWARE"] == [
        "saleor_plugins.core.request_cache.request_cache_middleware",
        "django.middleware.locale.LocaleMiddleware", "django.middleware.common.CommonMiddleware"]


def test_settings_in_use_come_from_configure():
    assert settings.ROOT_URLCONF == "saleor_plugins.urls"
    assert all(app in settings.INSTALLED_APPS for app in conf.package_apps(conf.features()))
    assert all(path in settings.PLUGINS for path in saleor2_conf.PACKAGE_PLUGINS)


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "saleor_plugins", *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )


def test_cli_help_lists_its_commands():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in ("demo", "serve", "manage", "schema", "simulator"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["demo", "serve", "schema"])
def test_cli_commands_have_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_cli_rejects_an_unknown_command():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_cli_simulator_command_has_its_own_options():
    result = run_cli("simulator", "--help")
    assert result.returncode == 0, result.stderr
    assert "--port" in result.stdout and "--username" in result.stdout
