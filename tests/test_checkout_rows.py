"""One request prices a checkout, then points are held or a line becomes a subscription,
then it prices the checkout again: the request's shared answer "this checkout has no such
rows" (``core.checkout_rows``) must not hide the new row from the second price."""
from decimal import Decimal

from saleor.checkout import calculations
from saleor.checkout.models import Checkout

from saleor_plugins.core import request_cache
from saleor_plugins.loyalty import ledger, program
from saleor_plugins.subscription import checkout_lines, subscriptions

from .loyalty_helpers import checkout_with_shipping, configure, give_points
from .subscription_helpers import create_plan, subscriptions_on  # noqa: F401 (fixture)


def in_one_request(work):
    """``work()`` with the request cache of one HTTP request."""
    return request_cache.request_cache_middleware(lambda request: work())(None)


def total(token) -> Decimal:
    # Saleor's own pricing through the plugin manager, on a freshly loaded checkout
    checkout = Checkout.objects.get(token=token)
    return calculations.checkout_total(checkout=checkout, lines=list(checkout),
                                       discounts=[]).gross.amount


def test_points_held_during_a_request_lower_its_next_price(api, all_plugins_active, shop,
                                                            customer):
    configure()
    give_points(customer, 1000)
    token = checkout_with_shipping(api(customer), shop)["token"]
    account = ledger.account_for(customer)

    def price_hold_price():
        before = total(token)
        ledger.reserve(account, token, 200, limit=1000)
        program.active_plugin().forget(Checkout.objects.get(token=token))
        return before, total(token)

    before, after = in_one_request(price_hold_price)
    assert before == Decimal("525.50")  # 3 x 129.00 + 89.50 + 49.00 shipping
    assert before - after == Decimal("20.00")  # 200 points of 0.10


def test_a_line_made_a_subscription_during_a_request_gets_its_discount_in_the_next_price(
        api, all_plugins_active, subscriptions_on, shop, customer):  # noqa: F811
    plan = create_plan(shop.coffee, first="10")
    token = checkout_with_shipping(api(customer), shop, [(shop.coffee, 2)])["token"]

    def price_mark_price():
        before = total(token)
        checkout = Checkout.objects.get(token=token)
        line = checkout.lines.select_related("variant__product").get()
        subscriptions.mark_checkout_line(checkout, line, plan, "2w")
        request_cache.clear(checkout_lines.CACHE_SECTION)  # as the marking mutation does
        return before, total(token)

    before, after = in_one_request(price_mark_price)
    assert before == Decimal("307.00")  # 2 x 129.00 + 49.00 shipping
    assert before - after == Decimal("25.80")  # 10 % of the coffee
