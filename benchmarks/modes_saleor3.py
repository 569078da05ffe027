"""The modes the Saleor 3.23 benchmarks compare: Saleor alone ("off") and Saleor with the
package, its plugins on or off. The shop itself is built with ``tests.factories``."""


def package_plugins(active):
    """Every package plugin (the hidden core one has no switch) on or off; their ids."""
    from tests import factories

    return [cls.PLUGIN_ID for cls in factories.set_package_plugins_active(active)]


def vanilla_saleor():
    """Saleor 3.23 as it is without the package: Saleor's own URLconf and schema, its
    middleware and its plugin list (the package's apps stay installed: their tables cost
    a request nothing). A settings override; a test client's middleware is fixed at its
    first request, so the "off" mode needs a client of its own."""
    from django.conf import settings
    from django.test import override_settings
    from django.utils.module_loading import import_string

    from saleor_plugins.conf import LOCALE_MIDDLEWARE
    from saleor_plugins.core.plugin import PackagePlugin

    plugins = [path for path in settings.PLUGINS
               if not issubclass(import_string(path), PackagePlugin)]
    middleware = [name for name in settings.MIDDLEWARE if name != LOCALE_MIDDLEWARE]
    return override_settings(ROOT_URLCONF="saleor.urls", PLUGINS=plugins, MIDDLEWARE=middleware)


def empty_shop():
    """The site's settings, without what Saleor's migrations made for a new shop (a USD
    channel named like the builders' default channel, its warehouse and US zone): the
    benchmarks' shop is the builders' NOK one alone."""
    from django.contrib.sites.models import Site
    from saleor.channel.models import Channel
    from saleor.shipping.models import ShippingZone
    from saleor.site.models import SiteSettings
    from saleor.warehouse.models import Warehouse

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())
    Warehouse.objects.all().delete()
    ShippingZone.objects.all().delete()
    Channel.objects.all().delete()
