"""One shop with two customers and staff, for tests that call every package operation.

The ``victim`` owns a checkout, an order and whatever each feature keeps per customer; the
``other`` customer and anonymous requests try to read or change them. ``ids`` maps a type name
to a global ID; features add their own objects in ``add_feature_objects``.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Dict, List

from graphene import Node

from saleor_plugins.conf import features
from saleor_plugins.core.permissions import PACKAGE_PERMISSION_ENUMS

from . import factories

VICTIM_EMAIL = "victim.private@example.com"
VICTIM_SECRET = "Victimsen-private"


@dataclass
class World:
    victim: object
    other: object
    staff: object
    manager: object
    ids: Dict[str, str] = field(default_factory=dict)
    # types of ``ids`` that belong to the victim (the rest are shop data anyone may name)
    owned_types: List[str] = field(default_factory=lambda: ["Checkout", "Order", "User"])

    def users(self):
        """(role, user) for every kind of requester."""
        return [
            ("anonymous", None),
            ("owner", self.victim),
            ("other customer", self.other),
            ("staff without permission", self.staff),
            ("staff with permission", self.manager),
        ]


def build_world() -> World:
    factories.set_package_plugins_active()
    zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    category = factories.create_category("Te")
    variant = factories.create_variant("99.00", "Grønn te", "TE-1", category, warehouse=warehouse)
    victim = factories.create_customer(VICTIM_EMAIL, first_name="Vera", last_name=VICTIM_SECRET)
    other = factories.create_customer("other.customer@example.com", first_name="Ola")
    staff = factories.create_staff("staff.plain@example.com")
    manager = factories.create_staff(
        "staff.manager@example.com",
        permissions=[member for enum in PACKAGE_PERMISSION_ENUMS for member in enum],
    )
    checkout = factories.create_checkout(
        victim, [(variant, 2)], shipping_method=zone.shipping_methods.get()
    )
    order = factories.create_order(victim, [(variant, 1)])
    world = World(victim, other, staff, manager)
    # a Saleor app holding every package permission (requests with its token, not a user)
    world.app, world.app_token = factories.create_app(
        "Integrasjon", [member for enum in PACKAGE_PERMISSION_ENUMS for member in enum])
    world.ids.update({
        "Checkout": Node.to_global_id("Checkout", checkout.token),
        "Order": Node.to_global_id("Order", order.pk),
        "User": Node.to_global_id("User", victim.pk),
        "ProductVariant": Node.to_global_id("ProductVariant", variant.pk),
        "Product": Node.to_global_id("Product", variant.product_id),
        "Category": Node.to_global_id("Category", category.pk),
        "ShippingMethod": Node.to_global_id("ShippingMethod", zone.shipping_methods.get().pk),
    })
    world.checkout, world.order, world.variant = checkout, order, variant
    add_feature_objects(world)
    return world


def add_feature_objects(world: World):
    """Objects of the package's own types, so their IDs are tried too (of the features that
    run on the installed Saleor)."""
    adders = {"discount_rules": add_discount_rule_objects, "loyalty": add_loyalty_objects,
              "subscription": add_subscription_objects, "klarna_instore": add_till_objects}
    for name, add in adders.items():
        if name in features():
            add(world)


def add_discount_rule_objects(world: World):
    from saleor_plugins.discount_rules.models import CustomerGroup, DiscountRule

    rule = DiscountRule.objects.create(
        name="Ti prosent", kind="percentage", direction="discount", value=Decimal("10")
    )
    group = CustomerGroup.objects.create(name="VIP")
    group.members.add(world.victim)
    world.ids["DiscountRule"] = Node.to_global_id("DiscountRule", rule.pk)
    world.ids["CustomerGroup"] = Node.to_global_id("CustomerGroup", group.pk)


def add_loyalty_objects(world: World):
    from saleor_plugins.loyalty.models import ProductReview

    from .loyalty_helpers import give_points

    give_points(world.victim, 500)
    review = ProductReview.objects.create(
        product=world.variant.product, user=world.victim, author_name=VICTIM_SECRET, rating=5,
        text=f"{VICTIM_SECRET} liker teen")
    world.ids["ProductReview"] = Node.to_global_id("ProductReview", review.pk)
    world.owned_types.append("ProductReview")


def add_subscription_objects(world: World):
    import datetime

    from .subscription_helpers import create_plan, make_subscription

    plan = create_plan(world.variant)
    subscription = make_subscription(world.victim, world.variant,
                                     datetime.date.today() + datetime.timedelta(days=10),
                                     plan=plan, comment=f"{VICTIM_SECRET} ringer på")
    world.ids["ProductSubscription"] = Node.to_global_id("ProductSubscription", subscription.pk)
    world.ids["SubscriptionPlan"] = Node.to_global_id("SubscriptionPlan", plan.pk)
    world.owned_types.append("ProductSubscription")


def add_till_objects(world: World):
    from saleor_plugins.klarna_instore import till

    sale = till.create_sale(world.manager, "Disk 1", "nb")
    till.add_variant(sale.pk, world.variant, 1)
    world.ids["TillSale"] = Node.to_global_id("TillSale", sale.pk)

