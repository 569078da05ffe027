"""Builders that are the same on Saleor 2.10.1 and 3.23 (``factories_saleor2``/``_saleor3``
re-export them): addresses, people, apps, categories, product types."""
import itertools

from saleor.account.models import Address, User
from saleor.product.models import Category, ProductType
from saleor.warehouse.models import Warehouse

from saleor_plugins.platform import saleor

__all__ = ["create_address", "create_category", "create_customer", "create_product_type",
           "create_staff", "create_user"]
_sequence = itertools.count(1)


def next_number():
    return next(_sequence)


def permission(perm):
    """The ``Permission`` row of a permission enum or "app_label.codename"."""
    app_label, codename = getattr(perm, "value", perm).split(".")
    return saleor.permissions.Permission.objects.get(
        content_type__app_label=app_label, codename=codename)


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


def create_user(email, password, **fields) -> User:
    user = User(email=email, **fields)
    user.set_password(password)
    user.save()
    return user


def create_customer(email=None, password="password", **fields) -> User:
    email = email or f"customer{next_number()}@example.com"
    address = create_address()
    user = create_user(email, password, **fields)
    user.addresses.add(address)
    user.default_billing_address = address
    user.default_shipping_address = address
    user.save(update_fields=["default_billing_address", "default_shipping_address"])
    return user


def create_staff(email=None, permissions=(), password="password") -> User:
    """A staff user holding ``permissions`` (permission enums or "app_label.codename")."""
    email = email or f"staff{next_number()}@example.com"
    user = create_user(email, password, is_staff=True)
    for perm in permissions:
        user.user_permissions.add(permission(perm))
    return User.objects.get(pk=user.pk)  # drop the permission cache


def create_category(name=None, parent=None) -> Category:
    number = next_number()
    name = name or f"Category {number}"
    return Category.objects.create(name=name, slug=f"category-{number}", parent=parent)


def create_product_type(name=None, shipping=True) -> ProductType:
    number = next_number()
    return ProductType.objects.create(
        name=name or f"Type {number}",
        slug=f"type-{number}",
        has_variants=True,
        is_shipping_required=shipping,
    )


def build_warehouse(shipping_zones=()) -> Warehouse:
    number = next_number()
    built = Warehouse.objects.create(
        name=f"Warehouse {number}",
        slug=f"warehouse-{number}",
        address=create_address(company_name="Lager AS"),
        email="lager@example.com",
    )
    built.shipping_zones.add(*shipping_zones)
    return built
