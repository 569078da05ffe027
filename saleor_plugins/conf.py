"""Add the package to a Saleor settings module.

In a merchant's settings module (after ``from saleor.settings import *``)::

    from saleor_plugins.conf import configure
    configure(globals())

It adds the package's apps, plugins, templates, translations, Celery beat schedule and
URLs, and the database backend that makes psycopg2 2.9 work with Django 3.0.
"""
import os
from importlib import import_module

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

FEATURES = ("klarna", "subscription", "loyalty", "discount_rules", "klarna_instore")

PACKAGE_APPS = ["saleor_plugins.core"] + [f"saleor_plugins.{name}" for name in FEATURES]

# Run after Saleor's tax plugins: those recompute totals and would drop our changes.
PACKAGE_PLUGINS = [
    "saleor_plugins.discount_rules.plugin.DiscountRulesPlugin",
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
LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
REQUEST_CACHE_MIDDLEWARE = "saleor_plugins.core.request_cache.request_cache_middleware"

PACKAGE_LANGUAGES = (("en", "English"), ("nb", "Norwegian"), ("sv", "Swedish"),
                     ("da", "Danish"), ("de", "German"))


def package_plugins(saleor_plugins):
    """Saleor's plugin list with the package's inserted after the tax plugins."""
    plugins = [p for p in saleor_plugins if p not in PACKAGE_PLUGINS + PACKAGE_GATEWAY_PLUGINS]
    after_tax = max((plugins.index(p) + 1 for p in TAX_PLUGINS if p in plugins), default=0)
    plugins[after_tax:after_tax] = PACKAGE_PLUGINS
    return plugins + PACKAGE_GATEWAY_PLUGINS


def beat_schedule():
    schedule = {}
    for name in FEATURES:
        try:
            module = import_module(f"saleor_plugins.{name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"saleor_plugins.{name}.schedule":
                raise
            continue
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


def configure(settings: dict) -> dict:
    """Update a settings namespace (``globals()`` of a settings module) in place."""
    settings["INSTALLED_APPS"] = list(settings["INSTALLED_APPS"]) + [
        app for app in PACKAGE_APPS if app not in settings["INSTALLED_APPS"]
    ]
    settings["PLUGINS"] = package_plugins(settings.get("PLUGINS", []))
    settings["PLUGINS_MANAGER"] = "saleor_plugins.core.manager.PluginsManager"
    settings["ROOT_URLCONF"] = "saleor_plugins.urls"
    # Saleor 2.10 answers in LANGUAGE_CODE only; storefronts send Accept-Language so that
    # customer-facing errors come back in the shopper's language.
    middleware = list(settings.get("MIDDLEWARE", []))
    if LOCALE_MIDDLEWARE not in middleware:
        common = "django.middleware.common.CommonMiddleware"
        middleware.insert(middleware.index(common) if common in middleware else 0,
                          LOCALE_MIDDLEWARE)
    if REQUEST_CACHE_MIDDLEWARE not in middleware:
        middleware.insert(0, REQUEST_CACHE_MIDDLEWARE)
    settings["MIDDLEWARE"] = middleware

    locale = os.path.join(PACKAGE_DIR, "locale")
    settings["LOCALE_PATHS"] = [locale] + [
        p for p in settings.get("LOCALE_PATHS", []) if p != locale
    ]
    languages = list(settings.get("LANGUAGES", []))
    codes = {code for code, _ in languages}
    settings["LANGUAGES"] = languages + [lang for lang in PACKAGE_LANGUAGES if lang[0] not in codes]

    # The till's tokens expire and end on logout; other tokens keep Saleor's rules
    # (see klarna_instore.sessions).
    jwt = dict(settings.get("GRAPHQL_JWT", {}))
    jwt["JWT_DECODE_HANDLER"] = JWT_DECODE_HANDLER
    settings["GRAPHQL_JWT"] = jwt

    schedule = dict(settings.get("CELERY_BEAT_SCHEDULE", {}))
    schedule.update(beat_schedule())
    settings["CELERY_BEAT_SCHEDULE"] = schedule

    for database in settings.get("DATABASES", {}).values():
        if database.get("ENGINE") in (
            "django.db.backends.postgresql",
            "django.db.backends.postgresql_psycopg2",
        ):
            database["ENGINE"] = "saleor_plugins.db.postgresql"
    return settings
