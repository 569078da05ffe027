"""What a customer is told before buying is what the order earns, net of VAT: a shop with
25 % VAT included in its prices and one adding it (Saleor's tax plugin chain, with the
flat-rate stand-in of tests/sample_plugins.py as in test_subscription_taxes.py)."""
from decimal import Decimal

import pytest
from graphene import Node
from saleor.order.models import Order

from .loyalty_helpers import (
    APPLY,
    CHECKOUT_LOYALTY,
    ME,
    checkout_with_shipping,
    configure,
    give_points,
    pay_and_complete,
)

FLAT_VAT = "tests.sample_plugins.FlatVatSamplePlugin"
PRODUCT = "query($id: ID!) { product(id: $id) { loyaltyPoints } }"
PROMO = """mutation($id: ID!, $code: String!) { checkoutAddPromoCode(checkoutId: $id,
    promoCode: $code) { checkoutErrors { field code message } } }"""


@pytest.fixture
def loyalty(all_plugins_active):
    configure()


@pytest.fixture
def with_vat(settings):
    def switch(included):
        from saleor.site.models import SiteSettings

        plugins = list(settings.PLUGINS)
        plugins.insert(0, FLAT_VAT)
        settings.PLUGINS = plugins
        SiteSettings.objects.update(include_taxes_in_prices=included)
    return switch


def told_then_earned(api, shop, customer, points=0, voucher=None):
    """(pointsToEarn at the payment step, the order's purchase points once paid)."""
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    if points:
        applied = client.data(APPLY, {"checkoutId": checkout["id"], "points": points}
                              )["checkoutLoyaltyPointsApply"]
        assert applied["loyaltyErrors"] == []
    if voucher:
        added = client.data(PROMO, {"id": checkout["id"], "code": voucher}
                            )["checkoutAddPromoCode"]
        assert added["checkoutErrors"] == []
    told = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]}
                       )["checkout"]["loyalty"]["pointsToEarn"]
    before = client.data(ME)["me"]["loyalty"]["balance"]
    completed = pay_and_complete(client, checkout)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.is_fully_paid()
    got = client.data(ME)["me"]["loyalty"]["balance"] - before + points
    return told, got


# 3 × 129.00 + 89.50 = 476.50 of products in the shop's prices; with the VAT included
# that is 381.20 net (129.00 is 103.20 net), with the VAT added it is the net amount
@pytest.mark.parametrize("included,product_points,earned", [(True, 103, 381),
                                                            (False, 129, 476)])
def test_item14_13_points_shown_before_buying_are_net_of_vat_and_earned(
        api, loyalty, shop, customer, with_vat, included, product_points, earned):
    with_vat(included)
    product_id = Node.to_global_id("Product", shop.coffee.product_id)
    assert api().data(PRODUCT, {"id": product_id})["product"]["loyaltyPoints"] == product_points
    assert api(customer).data(PRODUCT, {"id": product_id}
                              )["product"]["loyaltyPoints"] == product_points
    assert told_then_earned(api, shop, customer) == (earned, earned)


# 200 points (20.00 in the shop's prices) and a 50.00 voucher off the products; before
# discounts the voucher does not count, the part paid with points never earns
@pytest.mark.parametrize("included,after_discounts,earned", [
    (True, True, 325),    # 365.19 net of the lines after points, less 50.00 / 1.25
    (True, False, 365),   # (476.50 - 20.00) / 1.25
    (False, True, 416),   # 456.50 net after points, less the voucher's net 40.00
    (False, False, 456),  # 476.50 - 20.00
])
def test_item14_13_told_equals_earned_with_points_and_a_voucher(
        api, loyalty, shop, customer, with_vat, included, after_discounts, earned):
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher

    with_vat(included)
    configure(earn_after_discounts=after_discounts)
    Voucher.objects.create(code="MINUS50", type=VoucherType.ENTIRE_ORDER,
                           discount_value_type=DiscountValueType.FIXED,
                           discount_value=Decimal("50"))
    give_points(customer, 200)
    assert told_then_earned(api, shop, customer, points=200, voucher="MINUS50") == (
        earned, earned)
