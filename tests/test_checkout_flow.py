"""Saleor's full checkout keeps working with every package plugin switched on."""
from decimal import Decimal

import pytest
from django.core import mail
from saleor.order.models import Order

from .checkout_helpers import complete_checkout_with_dummy_payment

pytestmark = pytest.mark.django_db(transaction=True)


def test_checkout_completes_with_all_package_plugins_active(
    all_plugins_active, shop, customer, api
):
    client = api(customer)
    order_data = complete_checkout_with_dummy_payment(
        client, lines=[(shop.coffee, 2), (shop.mug, 1)], shipping_method=shop.shipping_method
    )

    order = Order.objects.get(number=order_data["number"]) if hasattr(Order, "number") else (
        Order.objects.get(pk=int(order_data["number"]))
    )
    expected_total = Decimal("129.00") * 2 + Decimal("89.50") + Decimal("49.00")
    assert order.total.gross.amount == expected_total
    assert order.user == customer
    assert order.lines.count() == 2
    assert order.payments.get().charge_status == "fully-charged"
    # other plugins mail the customer too (loyalty: "You earned ... points")
    confirmation = [m for m in mail.outbox if customer.email in m.to and "order" in m.subject]
    assert confirmation, "no order confirmation e-mail"
    body = confirmation[0].body
    assert str(order.pk) in confirmation[0].subject + body
    assert "Kaffe Fjell" in body
    assert confirmation[0].from_email.endswith("post@shop.example.com>")
    assert any(alt[1] == "text/html" for alt in confirmation[0].alternatives)
    # the paid order's points are spendable at once, and the customer is told (once)
    earned = [m for m in mail.outbox if customer.email in m.to and "You earned" in m.subject]
    assert [m.subject.split(" at ")[0] for m in earned] == ["You earned 347 points"]
    # the package's plugins really were active during the checkout
    assert len(all_plugins_active) >= 4
