"""Add the package to a Saleor settings module.

In a merchant's settings module (after ``from saleor.settings import *``)::

    from saleor_plugins.conf import configure
    configure(globals())

What it adds depends on the installed Saleor (``saleor_plugins.platform``): on 3.23 the
package's URLs (the extended GraphQL schema), translations, the language middleware,
migrations and beat schedules of the features that run there; on 2.10.1 also the apps,
plugins, the plugin manager and the database backend that 2.10.1 needs.
"""
import os
from importlib import import_module

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
PACKAGE_LANGUAGES = (("en", "English"), ("nb", "Norwegian"), ("sv", "Swedish"),
                     ("da", "Danish"), ("de", "German"))


def configure(settings: dict) -> dict:
    """Update a settings namespace (``globals()`` of a settings module) in place."""
    from .platform import saleor

    return saleor.conf.configure(settings)


def features():
    """The features that run on the installed Saleor (``discount_rules``, ...)."""
    from .platform import current

    return current().FEATURES


def package_apps(feature_names):
    return ["saleor_plugins.core"] + [f"saleor_plugins.{name}" for name in feature_names]


def add_apps(settings, feature_names):
    settings["INSTALLED_APPS"] = list(settings["INSTALLED_APPS"]) + [
        app for app in package_apps(feature_names) if app not in settings["INSTALLED_APPS"]
    ]


def add_locale_middleware(settings):
    # Storefronts send Accept-Language so that customer-facing errors come back in the
    # shopper's language.
    middleware = list(settings.get("MIDDLEWARE", []))
    if LOCALE_MIDDLEWARE not in middleware:
        common = "django.middleware.common.CommonMiddleware"
        middleware.insert(middleware.index(common) if common in middleware else 0,
                          LOCALE_MIDDLEWARE)
    settings["MIDDLEWARE"] = middleware


def add_translations(settings):
    locale = os.path.join(PACKAGE_DIR, "locale")
    settings["LOCALE_PATHS"] = [locale] + [
        p for p in settings.get("LOCALE_PATHS", []) if p != locale
    ]
    languages = list(settings.get("LANGUAGES", []))
    codes = {code for code, _ in languages}
    settings["LANGUAGES"] = languages + [lang for lang in PACKAGE_LANGUAGES if lang[0] not in codes]


def feature_modules(feature_names, submodule: str):
    """``saleor_plugins.<feature>.<submodule>`` of each feature that has one."""
    modules = []
    for name in feature_names:
        path = f"saleor_plugins.{name}.{submodule}"
        try:
            modules.append(import_module(path))
        except ModuleNotFoundError as exc:
            if exc.name != path:  # the module exists but an import inside it failed
                raise
    return modules


def beat_schedule(feature_names):
    schedule = {}
    for module in feature_modules(feature_names, "schedule"):
        schedule.update(module.BEAT_SCHEDULE)
    return schedule


def add_beat_schedule(settings, feature_names):
    schedule = dict(settings.get("CELERY_BEAT_SCHEDULE", {}))
    schedule.update(beat_schedule(feature_names))
    settings["CELERY_BEAT_SCHEDULE"] = schedule
