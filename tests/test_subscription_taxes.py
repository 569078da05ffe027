"""Renewal orders priced by Saleor's tax plugins (a flat 25 % VAT stand-in), VAT included
in or added to the shop's prices, and the Klarna charge matching the order."""
from decimal import Decimal

import pytest
from django.core import mail
from saleor.order.models import Order

from saleor_plugins.subscription.models import MonthlyInvoice

from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    days,
    invoice_a_month,
    run_renewals,
    subscriptions_on,
)

FLAT_VAT = "tests.sample_plugins.FlatVatSamplePlugin"
# 2 × 129.00 − 5 % later-order discount = 2 × 122.55; shipping 49.00
EXPECTED = {
    # no tax plugin: net = gross, rate 0 (as before taxes were applied)
    None: dict(unit=("122.55", "122.55"), rate="0", shipping=("49.00", "49.00"),
               total=("294.10", "294.10"), klarna_tax=0, line_tax=0, shipping_tax=0),
    # prices include VAT: gross stays, net = gross / 1.25
    True: dict(unit=("98.04", "122.55"), rate="0.25", shipping=("39.20", "49.00"),
               total=("235.28", "294.10"), klarna_tax=5882, line_tax=4902, shipping_tax=980),
    # prices exclude VAT: net stays, 25 % added
    False: dict(unit=("122.55", "153.19"), rate="0.25", shipping=("49.00", "61.25"),
                total=("294.10", "367.63"), klarna_tax=7353, line_tax=6128, shipping_tax=1225),
}


@pytest.fixture
def with_vat(settings):
    def switch(included):
        from saleor.site.models import SiteSettings

        if included is None:
            return
        plugins = list(settings.PLUGINS)
        plugins.insert(0, FLAT_VAT)
        settings.PLUGINS = plugins
        SiteSettings.objects.update(include_taxes_in_prices=included)
    return switch


def _pair(price):
    return (price.net.amount, price.gross.amount)


def _decimals(pair):
    return tuple(Decimal(value) for value in pair)


def renewal_orders(subscription):
    return Order.objects.filter(metadata__subscription_id=str(subscription.pk)).order_by("pk")


@pytest.mark.parametrize("included", [None, True, False])
def test_renewal_order_and_klarna_charge_carry_saleors_taxes(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, with_vat, included):
    with_vat(included)
    expected = EXPECTED[included]
    subscription = buy(api, customer, shop, klarna, create_plan(shop.coffee), "2w", quantity=2)
    charges = klarna.state.charge_count
    assert run_renewals(subscription.next_order_date) == 1
    [order] = renewal_orders(subscription)
    [line] = order.lines.all()
    assert _pair(line.unit_price) == _decimals(expected["unit"])
    assert line.tax_rate == Decimal(expected["rate"])
    assert _pair(order.shipping_price) == _decimals(expected["shipping"])
    assert _pair(order.total) == _decimals(expected["total"])
    assert order.total == line.unit_price * 2 + order.shipping_price
    payment = order.payments.get()
    assert payment.captured_amount == order.total.gross.amount
    assert klarna.state.charge_count == charges + 1
    remote = klarna.orders[payment.token]
    assert remote["order_amount"] == int(order.total.gross.amount * 100)
    assert remote["order_tax_amount"] == expected["klarna_tax"] == int(order.total.tax.amount * 100)
    product, shipping = remote["order_lines"]
    assert (product["total_amount"], product["total_tax_amount"]) == (
        int(line.unit_price.gross.amount * 200), expected["line_tax"])
    assert product["tax_rate"] == (2500 if included is not None else 0)
    assert (shipping["type"], shipping["total_tax_amount"]) == ("shipping_fee",
                                                                expected["shipping_tax"])


@pytest.mark.parametrize("included", [True, False])
def test_reminder_and_api_show_the_taxed_renewal_total(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, with_vat, included):
    from saleor_plugins.subscription.tasks import send_renewal_reminders

    with_vat(included)
    gross = EXPECTED[included]["total"][1]
    subscription = buy(api, customer, shop, klarna, create_plan(shop.coffee), "2w", quantity=2)
    mail.outbox.clear()
    shown = api(customer).data("query { mySubscriptions { renewalTotal { amount } } }")
    assert Decimal(str(shown["mySubscriptions"][0]["renewalTotal"]["amount"])) == Decimal(gross)
    due = subscription.next_order_date
    assert send_renewal_reminders.delay((due - days(3)).isoformat()).get() == 1
    assert gross in mail.outbox[0].body


@pytest.mark.parametrize("included", [True, False])
def test_monthly_invoice_charges_the_taxed_orders(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, with_vat, included):
    with_vat(included)
    expected = EXPECTED[included]
    subscription = buy(api, customer, shop, klarna, create_plan(shop.coffee), "2w", quantity=2)
    month, next_month = invoice_a_month(subscription)
    orders = list(renewal_orders(subscription))
    assert orders and all(_pair(o.total) == _decimals(expected["total"]) for o in orders)
    charges = klarna.state.charge_count
    run_renewals(next_month)
    invoice = MonthlyInvoice.objects.get(subscription=subscription, month=month)
    assert invoice.status == MonthlyInvoice.PAID
    assert invoice.amount == Decimal(expected["total"][1]) * len(orders)
    assert klarna.state.charge_count == charges + 1
    remote = klarna.orders[invoice.attempts.get().klarna_order_id]
    assert remote["order_amount"] == int(invoice.amount * 100)
    assert remote["order_tax_amount"] == expected["klarna_tax"] * len(orders)
