"""Small, explicit builders for Saleor 3.23 objects, under the names of
``factories_saleor2`` (written here; Saleor's own fixtures are pytest fixtures of its test
suite, not builders)."""
import itertools
from decimal import Decimal

from django.conf import settings
from saleor.permission.models import Permission
from prices import Money
from saleor.account.models import Address, User
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.core.plugin import package_plugin_classes

_sequence = itertools.count(1)
CURRENCY = getattr(settings, "DEFAULT_CURRENCY", "NOK")


def _next():
    return next(_sequence)


def money(amount) -> Money:
    return Money(Decimal(str(amount)), CURRENCY)


def set_package_plugins_active(active=True):
    """Every package plugin on (or off) with its default configuration, for every channel
    where it is configured per channel; returns the plugin classes."""
    classes = [cls for cls in package_plugin_classes() if not cls.HIDDEN]
    for plugin_class in classes:
        PluginConfiguration.objects.update_or_create(
            identifier=plugin_class.PLUGIN_ID, channel=None,
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


def create_user(email, password, **fields) -> User:
    user = User(email=email, **fields)
    user.set_password(password)
    user.save()
    return user


def create_customer(email=None, password="password", **fields) -> User:
    email = email or f"customer{_next()}@example.com"
    address = create_address()
    user = create_user(email, password, **fields)
    user.addresses.add(address)
    user.default_billing_address = address
    user.default_shipping_address = address
    user.save(update_fields=["default_billing_address", "default_shipping_address"])
    return user


def create_staff(email=None, permissions=(), password="password") -> User:
    """A staff user holding ``permissions`` (permission enums or "app_label.codename")."""
    email = email or f"staff{_next()}@example.com"
    user = create_user(email, password, is_staff=True)
    for perm in permissions:
        value = getattr(perm, "value", perm)
        app_label, codename = value.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # drop the permission cache


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
