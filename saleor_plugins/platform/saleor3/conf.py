"""Settings for Saleor 3.23.

Saleor 3.23 finds the package's plugins (and installs their apps) through the package's
``saleor.plugins`` entry points; what it cannot find that way is set here: the package's
URLs (one ``/graphql/`` serving Saleor's schema plus the package's), the migrations of the
3.23 tables (``migrations_saleor3``), translations and the language middleware, and the
features' beat schedules.
"""
from ...conf import add_apps, add_beat_schedule, add_locale_middleware, add_translations
from . import FEATURES

PLUGIN_PATHS = {
    "saleor_plugins.core": "saleor_plugins.core.plugin.SaleorPluginsPlugin",
    "saleor_plugins.discount_rules":
        "saleor_plugins.platform.saleor3.discount_rules.plugin.DiscountRulesPlugin",
}
MIGRATION_APP_LABELS = {
    "saleor_plugins.core": "saleor_plugins",
    "saleor_plugins.discount_rules": "saleor_plugins_discount_rules",
}


def configure(settings: dict) -> dict:
    # Entry points did this already where the package is installed as a distribution;
    # a settings module that lists the package itself gets the same.
    add_apps(settings, FEATURES)
    plugins = list(settings.get("PLUGINS", []))
    for path in PLUGIN_PATHS.values():
        if path not in plugins:
            plugins.append(path)
    settings["PLUGINS"] = plugins
    settings["ROOT_URLCONF"] = "saleor_plugins.urls"
    migration_modules = dict(settings.get("MIGRATION_MODULES", {}))
    for app, label in MIGRATION_APP_LABELS.items():
        migration_modules.setdefault(label, f"{app}.migrations_saleor3")
    settings["MIGRATION_MODULES"] = migration_modules
    add_locale_middleware(settings)
    add_translations(settings)
    add_beat_schedule(settings, FEATURES)
    return settings
