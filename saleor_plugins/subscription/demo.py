"""Demo: subscription plans on two products, Norwegian public holidays, a Sunday closure."""
import datetime
from decimal import Decimal

from .models import FLOATING, Holiday, SubscriptionPlan


def load_demo_data(say):
    from saleor.product.models import Product

    if SubscriptionPlan.objects.exists():
        say("Subscriptions: already there")
        return
    products = list(Product.objects.filter(is_published=True).order_by("pk")[:2])
    if not products:
        say("Subscriptions: no products to offer")
        return
    SubscriptionPlan.objects.create(
        name="Fast levering", product=products[0], intervals=["1w", "2w", "4w", "1m"],
        first_order_discount=Decimal(15), later_order_discount=Decimal(10))
    if len(products) > 1:
        SubscriptionPlan.objects.create(
            name="Halvårsabonnement", product=products[1], intervals=["1m"],
            pricing_mode=FLOATING, later_order_discount=Decimal(5), deliveries=6)
    year = datetime.date.today().year
    for offset in (0, 1):
        for month, day, name in ((1, 1, "Første nyttårsdag"), (5, 1, "Arbeidernes dag"),
                                 (5, 17, "Grunnlovsdag"), (12, 25, "Første juledag"),
                                 (12, 26, "Andre juledag")):
            Holiday.objects.get_or_create(date=datetime.date(year + offset, month, day),
                                          defaults={"name": name})
    say("Subscriptions: plans on %s; Norwegian holidays; pay with Klarna or the dummy "
        "gateway to subscribe" % ", ".join(p.name for p in products))
