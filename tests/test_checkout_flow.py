"""Saleor's full storefront checkout keeps working with every package plugin of the
platform switched on, and the customer gets the order confirmation e-mail."""
from decimal import Decimal

import pytest

from saleor_plugins.conf import features

from . import factories
from .checkout_helpers import complete_checkout_with_dummy_payment

pytestmark = pytest.mark.django_db(transaction=True)

LOYALTY = "saleor_plugins.loyalty"


def test_checkout_completes_with_all_package_plugins_active(
    all_plugins_active, shop, customer, api, outbox
):
    order_data = complete_checkout_with_dummy_payment(
        api(customer), lines=[(shop.coffee, 2), (shop.mug, 1)],
        shipping_method=shop.shipping_method, email=customer.email,
    )

    order = factories.order_by_number(order_data["number"])
    expected_total = Decimal("129.00") * 2 + Decimal("89.50") + Decimal("49.00")
    assert Decimal(str(order_data["total"]["gross"]["amount"])) == expected_total
    assert order.total.gross.amount == expected_total
    assert order.user == customer
    assert sorted(order.lines.values_list("product_sku", "quantity")) == [
        ("KAFFE-1", 2), ("KRUS-1", 1)]
    assert order.payments.get().charge_status == "fully-charged"
    # the confirmation lists the lines (other e-mails: payment confirmation, loyalty's
    # "You earned ... points")
    confirmation = [m for m in outbox.messages if customer.email in m.to
                    and "order" in m.subject.lower() and "Kaffe Fjell" in m.body]
    assert len(confirmation) == 1, [m.subject for m in outbox.messages]
    mail = confirmation[0]
    assert order_data["number"] in mail.subject
    assert mail.from_email.endswith("post@shop.example.com>")
    assert "Kaffe Fjell" in mail.html
    if any(cls.__module__.startswith(LOYALTY) for cls in all_plugins_active):
        # the paid order's points are spendable at once, and the customer is told (once)
        earned = [m for m in outbox.messages
                  if customer.email in m.to and "You earned" in m.subject]
        assert [m.subject.split(" at ")[0] for m in earned] == ["You earned 347 points"]
    # every feature that runs on this Saleor had its plugin switched on
    assert {cls.__module__.split(".")[1] for cls in all_plugins_active} == set(features())
