"""The benchmarks' shop on Saleor 3.23: one channel (NOK, Norway, flat-rate taxes, prices
entered with VAT), a shipping zone with one price-based delivery method, a warehouse and
variants with channel listings and stock, a customer. The world differs from 2.10.1's
(channels, listings, delivery methods, UUID keys), so it has its own builder; checkouts are
made through /graphql/ like a storefront makes them.

Written for the benchmarks (``tests/factories_saleor3.py`` may grow the same pieces).
"""
import itertools
from decimal import Decimal

from django.utils import timezone

CHANNEL_SLUG = "bench-no"
CURRENCY = "NOK"
_sequence = itertools.count(1)


def _next():
    return next(_sequence)


def site_settings():
    from django.contrib.sites.models import Site
    from saleor.site.models import SiteSettings

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())


def create_channel(slug=CHANNEL_SLUG, currency=CURRENCY, country="NO"):
    from saleor.channel.models import Channel
    from saleor.tax import TaxCalculationStrategy
    from saleor.tax.models import TaxConfiguration

    channel = Channel.objects.create(name=f"Bench {slug}", slug=slug, currency_code=currency,
                                     default_country=country, is_active=True)
    TaxConfiguration.objects.create(
        channel=channel, charge_taxes=True, prices_entered_with_tax=True,
        tax_calculation_strategy=TaxCalculationStrategy.FLAT_RATES)
    return channel


def create_address(country="NO"):
    from saleor.account.models import Address

    return Address.objects.create(
        first_name="Kari", last_name="Nordmann", street_address_1="Storgata 1",
        city="OSLO", postal_code="0155", country=country, phone="+4722334455")


def create_shipping_zone(channel, countries=("NO",), price="49.00"):
    """A zone in ``channel`` with one price-based method at ``price``."""
    from saleor.shipping import ShippingMethodType
    from saleor.shipping.models import (ShippingMethod, ShippingMethodChannelListing,
                                        ShippingZone)

    zone = ShippingZone.objects.create(name=f"Sone {_next()}", countries=list(countries))
    zone.channels.add(channel)
    method = ShippingMethod.objects.create(name="Posten", type=ShippingMethodType.PRICE_BASED,
                                           shipping_zone=zone)
    ShippingMethodChannelListing.objects.create(
        shipping_method=method, channel=channel, price_amount=Decimal(price),
        minimum_order_price_amount=Decimal("0"), currency=channel.currency_code)
    return zone, method


def create_warehouse(channel, zones):
    from saleor.warehouse.models import Warehouse

    number = _next()
    warehouse = Warehouse.objects.create(name=f"Lager {number}", slug=f"lager-{number}",
                                         address=create_address(), email="lager@example.com")
    warehouse.channels.add(channel)
    warehouse.shipping_zones.add(*zones)
    return warehouse


def create_category(name):
    from saleor.product.models import Category

    return Category.objects.create(name=name, slug=f"kategori-{_next()}")


def _product_type():
    from saleor.product import ProductTypeKind
    from saleor.product.models import ProductType

    product_type = ProductType.objects.filter(slug="bench-vare").first()
    return product_type or ProductType.objects.create(
        name="Vare", slug="bench-vare", kind=ProductTypeKind.NORMAL, has_variants=False,
        is_shipping_required=True)


def create_variant(channel, price, name, sku, category, warehouse, stock=1_000_000):
    """A published product with one variant listed in ``channel`` at ``price``, in stock."""
    from saleor.product.models import (Product, ProductChannelListing, ProductVariant,
                                       ProductVariantChannelListing)
    from saleor.warehouse.models import Stock

    product = Product.objects.create(name=name, slug=f"{sku.lower()}-{_next()}",
                                     product_type=_product_type(), category=category)
    now = timezone.now()
    ProductChannelListing.objects.create(
        product=product, channel=channel, currency=channel.currency_code, is_published=True,
        published_at=now, visible_in_listings=True, available_for_purchase_at=now,
        discounted_price_amount=Decimal(price))
    variant = ProductVariant.objects.create(product=product, sku=sku, name=name)
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel, currency=channel.currency_code,
        price_amount=Decimal(price), discounted_price_amount=Decimal(price),
        cost_price_amount=Decimal(price) / 2)
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=stock)
    return variant


def create_customer(email):
    from saleor.account.models import User

    user = User(email=email, first_name="Kari", last_name="Nordmann", is_active=True)
    user.set_password("password")
    user.save()
    address = create_address()
    user.addresses.add(address)
    user.default_billing_address = user.default_shipping_address = address
    user.save(update_fields=["default_billing_address", "default_shipping_address"])
    return user


def authorization_header(user):
    from saleor.core.jwt import create_access_token

    return f"Bearer {create_access_token(user)}"


def allow_dummy_payments(channel):
    """Saleor's dummy gateway on in ``channel`` (its configuration is per channel)."""
    from saleor.plugins.models import PluginConfiguration

    PluginConfiguration.objects.update_or_create(
        identifier="mirumee.payments.dummy", channel=channel,
        defaults={"name": "Dummy", "active": True, "configuration": [
            {"name": "Store customers card", "value": False},
            {"name": "Automatic payment capture", "value": True},
            {"name": "Supported currencies", "value": channel.currency_code}]})


def package_plugins_active(active, channel):
    """Every package plugin (the hidden core one has no switch) on or off, per channel where
    its configuration is per channel; returns the plugin ids."""
    from saleor.plugins.models import PluginConfiguration

    from saleor_plugins.core.plugin import package_plugin_classes

    ids = []
    for plugin_class in package_plugin_classes():
        if plugin_class.HIDDEN:
            continue
        per_channel = getattr(plugin_class, "CONFIGURATION_PER_CHANNEL", True)
        PluginConfiguration.objects.update_or_create(
            identifier=plugin_class.PLUGIN_ID, channel=channel if per_channel else None,
            defaults={"name": plugin_class.PLUGIN_NAME, "active": active,
                      "configuration": plugin_class.DEFAULT_CONFIGURATION})
        ids.append(plugin_class.PLUGIN_ID)
    return ids


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
