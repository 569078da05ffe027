"""Small, explicit builders for Saleor 2.10.1 objects (Saleor's own fixtures are not installed)."""
import itertools
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Permission
from prices import Money
from saleor.account.models import Address, User
from saleor.checkout.models import Checkout
from saleor.checkout.utils import add_variant_to_checkout
from saleor.order.models import Order
from saleor.plugins.models import PluginConfiguration
from saleor.product.models import Category, Product, ProductType, ProductVariant
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.warehouse.models import Stock, Warehouse

from saleor_plugins.core.plugin import package_plugin_classes

_sequence = itertools.count(1)


def _next():
    return next(_sequence)


def money(amount) -> Money:
    return Money(Decimal(str(amount)), settings.DEFAULT_CURRENCY)


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


def create_address(country="NO", **fields) -> Address:
    data = {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "street_address_1": "Karl Johans gate 1",
        "city": "OSLO",
        "postal_code": "0154",
        "country": country,
        "phone": "+4722334455",
    }
    data.update(fields)
    return Address.objects.create(**data)


def create_customer(email=None, password="password", **fields) -> User:
    email = email or f"customer{_next()}@example.com"
    address = create_address()
    user = User.objects.create_user(email=email, password=password, **fields)
    user.addresses.add(address)
    user.default_billing_address = address
    user.default_shipping_address = address
    user.save(update_fields=["default_billing_address", "default_shipping_address"])
    return user


def create_staff(email=None, permissions=(), password="password") -> User:
    """A staff user holding ``permissions`` (permission enums or "app_label.codename")."""
    email = email or f"staff{_next()}@example.com"
    user = User.objects.create_user(email=email, password=password, is_staff=True)
    for perm in permissions:
        value = getattr(perm, "value", perm)
        app_label, codename = value.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # drop the permission cache


def create_app(name="Kundeservice-app", permissions=()):
    """A Saleor app holding ``permissions`` and its token: ``(app, auth_token)``."""
    from saleor.app.models import App, AppToken

    app = App.objects.create(name=name, is_active=True)
    for perm in permissions:
        app_label, codename = getattr(perm, "value", perm).split(".")
        app.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return app, AppToken.objects.create(app=app, name="test").auth_token


def create_category(name=None, parent=None) -> Category:
    number = _next()
    name = name or f"Category {number}"
    return Category.objects.create(name=name, slug=f"category-{number}", parent=parent)


def create_product_type(name=None, shipping=True) -> ProductType:
    number = _next()
    return ProductType.objects.create(
        name=name or f"Type {number}",
        slug=f"type-{number}",
        has_variants=True,
        is_shipping_required=shipping,
    )


def create_shipping_zone(countries=("NO",), price="49.00", name=None) -> ShippingZone:
    number = _next()
    zone = ShippingZone.objects.create(name=name or f"Zone {number}", countries=list(countries))
    ShippingMethod.objects.create(
        name=f"Posten {number}",
        type=ShippingMethodType.PRICE_BASED,
        price=money(price),
        shipping_zone=zone,
    )
    return zone


def create_warehouse(shipping_zones=()) -> Warehouse:
    number = _next()
    warehouse = Warehouse.objects.create(
        name=f"Warehouse {number}",
        slug=f"warehouse-{number}",
        address=create_address(company_name="Lager AS"),
        email="lager@example.com",
    )
    warehouse.shipping_zones.add(*shipping_zones)
    return warehouse


def create_variant(
    price="100.00",
    name=None,
    sku=None,
    category=None,
    product_type=None,
    stock=10,
    warehouse=None,
    track_inventory=True,
) -> ProductVariant:
    """A published product with one variant at ``price``, in stock in ``warehouse``."""
    number = _next()
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


def create_checkout(user=None, lines=(), email=None, address=None, shipping_method=None):
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


def create_order(user=None, lines=(), shipping_price="0.00"):
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
