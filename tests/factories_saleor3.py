"""Small, explicit builders for Saleor 3.23 objects, under the names of
``factories_saleor2`` (written here; Saleor's own fixtures are pytest fixtures of its test
suite, not builders).

3.23 sells through channels: every builder that needs one takes ``channel=`` and defaults
to ``default_channel()`` (NOK, Norway, flat-rate VAT 25 % on prices entered with tax), so a
test written for 2.10.1 builds the same world here without naming a channel.
"""
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from prices import Money
from saleor.app.models import App, AppToken
from saleor.channel.models import Channel
from saleor.plugins.models import PluginConfiguration
from saleor.product.models import (
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingMethodChannelListing, ShippingZone
from saleor.tax import TaxCalculationStrategy
from saleor.tax.models import TaxClassCountryRate, TaxConfiguration
from saleor.warehouse.models import Stock, Warehouse

from saleor_plugins.core.plugin import package_plugin_classes

from .factories_common import *  # noqa: F401,F403 (the builders both Saleors share)
from . import factories_common
from .factories_common import build_warehouse, next_number, permission

CURRENCY = getattr(settings, "DEFAULT_CURRENCY", "NOK")
# not Saleor's "default-channel" (USD, US), which its migrations make unless
# POPULATE_DEFAULTS is off (tests/settings.py), with a warehouse and zone of its own
DEFAULT_CHANNEL_SLUG = "fjordbutikken"
DUMMY_GATEWAY = "mirumee.payments.dummy"
USER_EMAIL_PLUGIN = "mirumee.notifications.user_email"


def money(amount, currency=None) -> Money:
    return Money(Decimal(str(amount)), currency or CURRENCY)


# --- channels and taxes ------------------------------------------------------------------

def create_channel(slug=None, currency=None, country="NO", prices_entered_with_tax=True,
                   vat_rate="25", name=None) -> Channel:
    """An active channel selling in ``currency`` with flat-rate VAT (``vat_rate`` % in
    ``country``; ``prices_entered_with_tax``: gross or net catalogue prices), with Saleor's
    dummy gateway on for it."""
    number = next_number()
    currency = currency or CURRENCY
    channel = Channel.objects.create(
        name=name or f"Channel {number}", slug=slug or f"channel-{number}",
        currency_code=currency, default_country=country, is_active=True,
    )
    TaxConfiguration.objects.create(
        channel=channel, charge_taxes=True,
        tax_calculation_strategy=TaxCalculationStrategy.FLAT_RATES,
        prices_entered_with_tax=prices_entered_with_tax, display_gross_prices=True,
    )
    if vat_rate is not None:
        TaxClassCountryRate.objects.update_or_create(
            country=country, tax_class=None, defaults={"rate": Decimal(str(vat_rate))})
    enable_dummy_gateway(channel)
    return channel


def default_channel() -> Channel:
    """The shop's one channel (made on first use in each test: tests flush tables)."""
    channel = Channel.objects.filter(slug=DEFAULT_CHANNEL_SLUG).first()
    return channel or create_channel(DEFAULT_CHANNEL_SLUG, name="Fjordbutikken")


def set_prices_entered_with_tax(value: bool, channel=None) -> TaxConfiguration:
    config = (channel or default_channel()).tax_configuration
    config.prices_entered_with_tax = value
    config.save(update_fields=["prices_entered_with_tax"])
    return config


def _configure_plugin(identifier, name, channel, active=True, **values):
    PluginConfiguration.objects.update_or_create(
        identifier=identifier, channel=channel,
        defaults={"name": name, "active": active,
                  "configuration": [{"name": k, "value": v} for k, v in values.items()]},
    )


def enable_dummy_gateway(channel):
    """Saleor's dummy gateway (legacy payment API) on for ``channel``, in its currency."""
    _configure_plugin(DUMMY_GATEWAY, "Dummy", channel, **{
        "Supported currencies": channel.currency_code, "Automatic payment capture": True,
        "Store customers card": False,
    })


def enable_user_emails(host, port, channel=None, sender_name="Fjordbutikken",
                       sender_address="post@shop.example.com"):
    """Saleor's user e-mail plugin (order confirmation and the rest of ``manager.notify``'s
    customer e-mails) on for ``channel``, sending over SMTP to ``host:port``."""
    _configure_plugin(USER_EMAIL_PLUGIN, "User emails", channel or default_channel(),
                      host=host, port=str(port), username="", password="",
                      sender_name=sender_name, sender_address=sender_address,
                      use_tls=False, use_ssl=False)


def channel_argument(channel=None) -> str:
    """``, channel: "<slug>"``: the channel argument 3.23's catalogue queries need."""
    return f', channel: "{(channel or default_channel()).slug}"'


def set_package_plugins_active(active=True):
    """Every package plugin on (or off) with its default configuration, globally and in
    every channel for those configured per channel; returns the plugin classes."""
    classes = [cls for cls in package_plugin_classes() if not cls.HIDDEN]
    channels = [None]
    if any(cls.CONFIGURATION_PER_CHANNEL for cls in classes):
        channels = list(Channel.objects.all()) or [default_channel()]
    for plugin_class in classes:
        for channel in (channels if plugin_class.CONFIGURATION_PER_CHANNEL else [None]):
            PluginConfiguration.objects.update_or_create(
                identifier=plugin_class.PLUGIN_ID, channel=channel,
                defaults={"name": plugin_class.PLUGIN_NAME, "active": active,
                          "configuration": plugin_class.DEFAULT_CONFIGURATION},
            )
    return classes


# --- people and apps ---------------------------------------------------------------------

def create_staff(email=None, permissions=(), password="password"):
    """A staff user holding ``permissions``, in a group with access to every channel (3.23
    grants channel access through permission groups only), as a shop's staff is."""
    from saleor.account.models import Group, User

    user = factories_common.create_staff(email, permissions, password)
    group, _ = Group.objects.get_or_create(
        name="Staff: every channel", defaults={"restricted_access_to_channels": False})
    user.groups.add(group)
    return User.objects.get(pk=user.pk)  # drop the permission cache


def create_app(name="Kundeservice-app", permissions=()):
    """A Saleor app holding ``permissions`` and its token: ``(app, auth_token)``."""
    app = App.objects.create(name=name, is_active=True, identifier=f"app-{next_number()}")
    for perm in permissions:
        app.permissions.add(permission(perm))
    _token, raw_token = AppToken.objects.create(app=app, name="test")
    return app, raw_token


# --- catalogue, warehouses, shipping -----------------------------------------------------

def create_shipping_zone(countries=("NO",), price="49.00", name=None, channel=None
                         ) -> ShippingZone:
    """A zone for ``countries`` in ``channel`` with one price-based method at ``price``."""
    channel = channel or default_channel()
    number = next_number()
    zone = ShippingZone.objects.create(name=name or f"Zone {number}", countries=list(countries))
    zone.channels.add(channel)
    method = ShippingMethod.objects.create(
        name=f"Posten {number}", type=ShippingMethodType.PRICE_BASED, shipping_zone=zone)
    ShippingMethodChannelListing.objects.create(
        shipping_method=method, channel=channel, currency=channel.currency_code,
        price_amount=Decimal(str(price)), minimum_order_price_amount=Decimal("0"))
    return zone


def create_warehouse(shipping_zones=(), channel=None) -> Warehouse:
    """A warehouse shipping to ``shipping_zones``, selling in ``channel``."""
    built = build_warehouse(shipping_zones)
    built.channels.add(channel or default_channel())
    return built


def create_variant(
    price="100.00",
    name=None,
    sku=None,
    category=None,
    product_type=None,
    stock=10,
    warehouse=None,
    track_inventory=True,
    channel=None,
) -> ProductVariant:
    """A published product with one variant at ``price`` in ``channel`` (its currency), in
    stock in ``warehouse``."""
    channel = channel or default_channel()
    number = next_number()
    product = Product.objects.create(
        name=name or f"Product {number}",
        slug=f"product-{number}",
        product_type=product_type or create_product_type(),
        category=category or create_category(),
    )
    now = timezone.now()
    price = Decimal(str(price))
    ProductChannelListing.objects.create(
        product=product, channel=channel, currency=channel.currency_code, is_published=True,
        published_at=now, visible_in_listings=True, available_for_purchase_at=now,
        discounted_price_amount=price,
    )
    variant = ProductVariant.objects.create(
        product=product, name="", sku=sku or f"SKU-{number}", track_inventory=track_inventory
    )
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel, currency=channel.currency_code,
        price_amount=price, discounted_price_amount=price, cost_price_amount=None,
    )
    if warehouse is not None:
        Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=stock)
    return variant


def variant_price(variant, channel=None) -> Money:
    """The variant's catalogue price in ``channel`` (``variant.get_price()`` on 2.10.1)."""
    listing = variant.channel_listings.get(channel=channel or default_channel())
    return listing.price


# --- checkouts and orders ----------------------------------------------------------------

def create_checkout(user=None, lines=(), email=None, address=None, shipping_method=None,
                    channel=None):
    """A checkout with ``lines`` [(variant, quantity)], made through checkoutCreate (and
    checkoutDeliveryMethodUpdate for ``shipping_method``) as ``user`` would."""
    from saleor.checkout.models import Checkout

    from . import checkout_helpers
    from .graphql_client import GraphQLClient

    client = GraphQLClient(user)
    # a delivery method needs a shipping address (3.23 refuses it without one)
    address_data = checkout_helpers.address_input(address) if address else (
        checkout_helpers.ADDRESS if shipping_method is not None else None)
    created = checkout_helpers.create_checkout(
        client, lines, email=email or (user.email if user else "guest@example.com"),
        address=address_data, channel=channel)
    if shipping_method is not None:
        checkout_helpers.set_delivery_method(client, created, shipping_method)
    return Checkout.objects.get(token=created["token"])


def create_order(user=None, lines=(), shipping_price="0.00", channel=None):
    """An unfulfilled order with lines [(variant, quantity)] at the
    variants' channel prices, no taxes."""
    from saleor.order import OrderOrigin, OrderStatus
    from saleor.order.models import Order

    channel = channel or default_channel()
    currency = channel.currency_code
    shipping = Decimal(str(shipping_price))
    order = Order.objects.create(
        user=user, user_email=user.email if user else "guest@example.com",
        channel=channel, currency=currency, status=OrderStatus.UNFULFILLED,
        origin=OrderOrigin.CHECKOUT, lines_count=len(lines),
        billing_address=create_address(), shipping_address=create_address(),
        shipping_price_net_amount=shipping, shipping_price_gross_amount=shipping,
        base_shipping_price_amount=shipping, undiscounted_base_shipping_price_amount=shipping,
        should_refresh_prices=False,
    )
    total = shipping
    for variant, quantity in lines:
        unit = variant_price(variant, channel).amount
        line_total = unit * quantity
        order.lines.create(
            product_name=variant.product.name, variant_name=variant.name,
            product_sku=variant.sku, product_variant_id=variant.get_global_id(),
            is_shipping_required=True, is_gift_card=False, quantity=quantity,
            variant=variant, currency=currency,
            unit_price_net_amount=unit, unit_price_gross_amount=unit,
            undiscounted_unit_price_net_amount=unit, undiscounted_unit_price_gross_amount=unit,
            base_unit_price_amount=unit, undiscounted_base_unit_price_amount=unit,
            total_price_net_amount=line_total, total_price_gross_amount=line_total,
            undiscounted_total_price_net_amount=line_total,
            undiscounted_total_price_gross_amount=line_total,
            tax_rate=Decimal("0"),
        )
        total += line_total
    order.total_net_amount = order.total_gross_amount = total
    order.undiscounted_total_net_amount = order.undiscounted_total_gross_amount = total
    order.subtotal_net_amount = order.subtotal_gross_amount = total - shipping
    order.save()
    return order


def create_voucher(code, amount, channel=None):
    """A voucher ``code`` taking a fixed ``amount`` off the entire order in ``channel``
    (3.23 keeps a voucher's codes and its channel values in rows of their own)."""
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode

    channel = channel or default_channel()
    voucher = Voucher.objects.create(name=code, type=VoucherType.ENTIRE_ORDER,
                                     discount_value_type=DiscountValueType.FIXED)
    VoucherCode.objects.create(voucher=voucher, code=code)
    VoucherChannelListing.objects.create(voucher=voucher, channel=channel,
                                         discount_value=Decimal(str(amount)),
                                         currency=channel.currency_code)
    return voucher


def order_by_number(number):
    """The order ``checkoutComplete`` answered with ``number``."""
    from saleor.order.models import Order

    return Order.objects.get(number=int(number))


# a plugin's state in GraphQL (``plugin(id:)``, ``pluginUpdate``'s ``plugin``) and its reading
PLUGIN_STATE = "globalConfiguration { active configuration { name value type } }"


def plugin_state(plugin) -> dict:
    """``{"active": ..., "configuration": [...]}`` of a plugin queried with PLUGIN_STATE
    (a plugin configured globally)."""
    return plugin["globalConfiguration"]


def plugins_manager():
    """Saleor's plugin manager as a request builds it."""
    from saleor.plugins.manager import get_plugins_manager

    return get_plugins_manager(allow_replica=False)


def access_token(user) -> str:
    """A storefront/dashboard access token of ``user`` (``tokenCreate``'s)."""
    from saleor.core.jwt import create_access_token

    return create_access_token(user)


def authorization_header(user) -> str:
    return token_header(access_token(user))


def token_header(token) -> str:
    """The Authorization header of a staff or customer JWT (``tokenCreate``'s token)."""
    return f"Bearer {token}"


def restore_migration_rows():
    """What Saleor 3.23's data migrations leave and a transactional test's flush removes: the
    default customer type (every new customer gets it) and the site's settings as row 1
    (``populatedb`` updates row 1)."""
    from django.contrib.sites.models import Site
    from saleor.account.models import CustomerType
    from saleor.site.models import SiteSettings

    CustomerType.objects.get_or_create(is_default=True, defaults={"name": "Default",
                                                                  "slug": "default"})
    Site.objects.clear_cache()
    row = SiteSettings.objects.filter(site=Site.objects.get_current()).first()
    if row is not None and row.pk != 1:
        SiteSettings.objects.filter(pk=1).delete()
        SiteSettings.objects.filter(pk=row.pk).update(id=1)
    Site.objects.clear_cache()
