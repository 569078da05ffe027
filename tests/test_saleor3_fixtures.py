"""Saleor 3.23's part of the fixture layer: channels with their VAT configuration."""
from decimal import Decimal

import pytest

from . import factories
from .checkout_helpers import create_checkout, set_delivery_method

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("entered_with_tax, net, gross", [
    (True, Decimal("80.00"), Decimal("100.00")),
    (False, Decimal("100.00"), Decimal("125.00")),
])
def test_channel_vat_mode_prices_a_checkout(api, customer, entered_with_tax, net, gross):
    channel = factories.create_channel("nettbutikk", prices_entered_with_tax=entered_with_tax)
    zone = factories.create_shipping_zone(["NO"], price="0.00", channel=channel)
    warehouse = factories.create_warehouse([zone], channel=channel)
    variant = factories.create_variant("100.00", warehouse=warehouse, channel=channel)
    client = api(customer)
    checkout = create_checkout(client, [(variant, 1)], channel=channel)
    set_delivery_method(client, checkout, zone.shipping_methods.get())
    read = client.data("""query($token: UUID!) { checkout(token: $token) {
        totalPrice { currency net { amount } gross { amount } } } }""",
                       {"token": checkout["token"]})["checkout"]
    assert read["totalPrice"]["currency"] == "NOK"
    assert Decimal(str(read["totalPrice"]["net"]["amount"])) == net
    assert Decimal(str(read["totalPrice"]["gross"]["amount"])) == gross


def test_default_channel_is_made_once(db):
    assert factories.default_channel() == factories.default_channel()
    assert factories.default_channel().tax_configuration.prices_entered_with_tax is True
