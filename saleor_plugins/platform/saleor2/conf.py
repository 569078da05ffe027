"""Settings for Saleor 2.10.1, which has no plugin discovery: apps, plugins (after the tax
plugins), the package's plugin manager, URLs, translations, JWT handling of the till,
beat schedules and the database backend that makes psycopg2 2.9 work with Django 3.0."""
from ...conf import add_apps, add_beat_schedule, add_locale_middleware, add_translations
from . import FEATURES

# Run after Saleor's tax plugins: those recompute totals and would drop our changes.
PACKAGE_PLUGINS = [
    "saleor_plugins.platform.saleor2.discount_rules.plugin.DiscountRulesPlugin",
    "saleor_plugins.loyalty.plugin.LoyaltyPlugin",
    "saleor_plugins.subscription.plugin.SubscriptionPlugin",
    "saleor_plugins.klarna_instore.plugin.KlarnaInstorePlugin",
]
PACKAGE_GATEWAY_PLUGINS = ["saleor_plugins.klarna.plugin.KlarnaGatewayPlugin"]

TAX_PLUGINS = (
    "saleor.plugins.avatax.plugin.AvataxPlugin",
    "saleor.plugins.vatlayer.plugin.VatlayerPlugin",
    "saleor.plugins.webhook.plugin.WebhookPlugin",
)

JWT_DECODE_HANDLER = "saleor_plugins.klarna_instore.sessions.decode_token"
REQUEST_CACHE_MIDDLEWARE = "saleor_plugins.core.request_cache.request_cache_middleware"


def package_plugins(saleor_plugins):
    """Saleor's plugin list with the package's inserted after the tax plugins."""
    plugins = [p for p in saleor_plugins if p not in PACKAGE_PLUGINS + PACKAGE_GATEWAY_PLUGINS]
    after_tax = max((plugins.index(p) + 1 for p in TAX_PLUGINS if p in plugins), default=0)
    plugins[after_tax:after_tax] = PACKAGE_PLUGINS
    return plugins + PACKAGE_GATEWAY_PLUGINS


def configure(settings: dict) -> dict:
    add_apps(settings, FEATURES)
    settings["PLUGINS"] = package_plugins(settings.get("PLUGINS", []))
    settings["PLUGINS_MANAGER"] = "saleor_plugins.core.manager.PluginsManager"
    settings["ROOT_URLCONF"] = "saleor_plugins.urls"
    # Saleor 2.10 answers in LANGUAGE_CODE only.
    add_locale_middleware(settings)
    middleware = settings["MIDDLEWARE"]
    if REQUEST_CACHE_MIDDLEWARE not in middleware:
        middleware.insert(0, REQUEST_CACHE_MIDDLEWARE)
    add_translations(settings)

    # The till's tokens expire and end on logout; other tokens keep Saleor's rules
    # (see klarna_instore.sessions).
    jwt = dict(settings.get("GRAPHQL_JWT", {}))
    jwt["JWT_DECODE_HANDLER"] = JWT_DECODE_HANDLER
    settings["GRAPHQL_JWT"] = jwt

    add_beat_schedule(settings, FEATURES)

    for database in settings.get("DATABASES", {}).values():
        if database.get("ENGINE") in (
            "django.db.backends.postgresql",
            "django.db.backends.postgresql_psycopg2",
        ):
            database["ENGINE"] = "saleor_plugins.db.postgresql"
    return settings
