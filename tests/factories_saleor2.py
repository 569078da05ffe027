"""Small, explicit builders for Saleor 2.10.1 objects (Saleor's own fixtures are not installed)."""
from decimal import Decimal

from django.conf import settings
from prices import Money
from saleor.checkout.models import Checkout
from saleor.checkout.utils import add_variant_to_checkout
from saleor.order.models import Order
from saleor.plugins.models import PluginConfiguration
from saleor.product.models import Product, ProductVariant
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.warehouse.models import Stock, Warehouse

from saleor_plugins.core.plugin import package_plugin_classes

from .factories_common import *  # noqa: F401,F403 (the builders both Saleors share)
from .factories_common import build_warehouse, next_number, permission


def money(amount) -> Money:
    return Money(Decimal(str(amount)), settings.DEFAULT_CURRENCY)


def default_channel():
    """2.10.1 has no channels: builders take ``channel=`` for 3.23's sake and ignore it."""
    return None


def variant_price(variant, channel=None) -> Money:
    """The variant's catalogue price (in ``channel`` on 3.23)."""
    return variant.get_price()


def channel_argument(channel=None) -> str:
    """2.10.1 has no channels: nothing to add to a query's arguments."""
    return ""


def set_package_plugins_active(active=True):
    """Every package plugin on (or off) with its default configuration, as a merchant sets
    them in the dashboard; returns the plugin classes."""
    classes = package_plugin_classes()
    for plugin_class in classes:
        PluginConfiguration.objects.update_or_create(
            identifier=plugin_class.PLUGIN_ID,
            defaults={"name": plugin_class.PLUGIN_NAME, "active": active,
                      "configuration": plugin_class.DEFAULT_CONFIGURATION},
        )
    return classes


def create_app(name="Kundeservice-app", permissions=()):
    """A Saleor app holding ``permissions`` and its token: ``(app, auth_token)``."""
    from saleor.app.models import App, AppToken

    app = App.objects.create(name=name, is_active=True)
    for perm in permissions:
        app.permissions.add(permission(perm))
    return app, AppToken.objects.create(app=app, name="test").auth_token


def create_shipping_zone(countries=("NO",), price="49.00", name=None, channel=None
                         ) -> ShippingZone:
    number = next_number()
    zone = ShippingZone.objects.create(name=name or f"Zone {number}", countries=list(countries))
    ShippingMethod.objects.create(
        name=f"Posten {number}",
        type=ShippingMethodType.PRICE_BASED,
        price=money(price),
        shipping_zone=zone,
    )
    return zone


def create_warehouse(shipping_zones=(), channel=None) -> Warehouse:
    return build_warehouse(shipping_zones)


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
    """A published product with one variant at ``price``, in stock in ``warehouse``."""
    number = next_number()
    product = Product.objects.create(
        name=name or f"Product {number}",
        slug=f"product-{number}",
        product_type=product_type or create_product_type(),
        category=category or create_category(),
        price=money(price),
        minimal_variant_price=money(price),
        is_published=True,
    )
    variant = ProductVariant.objects.create(
        product=product, sku=sku or f"SKU-{number}", track_inventory=track_inventory
    )
    if warehouse is not None:
        Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=stock)
    return variant


def create_checkout(user=None, lines=(), email=None, address=None, shipping_method=None,
                    channel=None):
    """A checkout with ``lines`` [(variant, quantity)], built like checkoutCreate does."""
    address = address or create_address()
    checkout = Checkout.objects.create(
        user=user,
        email=email or (user.email if user else "guest@example.com"),
        shipping_address=address,
        billing_address=create_address(),
        shipping_method=shipping_method,
    )
    for variant, quantity in lines:
        add_variant_to_checkout(checkout, variant, quantity)
    return checkout


def create_order(user=None, lines=(), shipping_price="0.00", channel=None):
    """An unfulfilled order with lines [(variant, quantity)] at the variants' prices."""
    order = Order.objects.create(
        user=user,
        user_email=user.email if user else "guest@example.com",
        billing_address=create_address(),
        shipping_address=create_address(),
        shipping_price_net=money(shipping_price),
        shipping_price_gross=money(shipping_price),
    )
    total = money(shipping_price)
    for variant, quantity in lines:
        unit = variant.get_price()
        order.lines.create(
            product_name=variant.product.name,
            variant_name=variant.name,
            product_sku=variant.sku,
            is_shipping_required=True,
            quantity=quantity,
            variant=variant,
            unit_price_net=unit,
            unit_price_gross=unit,
            tax_rate=Decimal("0"),
        )
        total += unit * quantity
    order.total_net = total
    order.total_gross = total
    order.save()
    return order


def create_voucher(code, amount, channel=None):
    """A voucher ``code`` taking a fixed ``amount`` off the entire order."""
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher

    return Voucher.objects.create(code=code, type=VoucherType.ENTIRE_ORDER,
                                  discount_value_type=DiscountValueType.FIXED,
                                  discount_value=Decimal(str(amount)))


def order_by_number(number):
    """The order ``checkoutComplete`` answered with ``number`` (2.10.1: its primary key)."""
    return Order.objects.get(pk=int(number))


# a plugin's state in GraphQL (``plugin(id:)``, ``pluginUpdate``'s ``plugin``) and its reading
PLUGIN_STATE = "active configuration { name value type }"


def plugin_state(plugin) -> dict:
    """``{"active": ..., "configuration": [...]}`` of a plugin queried with PLUGIN_STATE
    (a plugin configured globally)."""
    return plugin


def plugins_manager():
    """Saleor's plugin manager as a request builds it."""
    from saleor.plugins.manager import get_plugins_manager

    return get_plugins_manager()


def access_token(user) -> str:
    """A storefront/dashboard login token of ``user`` (``tokenCreate``'s)."""
    from graphql_jwt.shortcuts import get_token

    return get_token(user)


def authorization_header(user) -> str:
    return token_header(access_token(user))


def token_header(token) -> str:
    """The Authorization header of a staff or customer JWT (``tokenCreate``'s token)."""
    return f"JWT {token}"


def restore_migration_rows():
    """Rows a transactional test's flush removes that Saleor needs: none on 2.10.1."""
