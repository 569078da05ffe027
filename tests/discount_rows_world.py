"""The Saleor 3.23 shop of the cart-rule row tests (``test_saleor3_discount_*``), built with
``tests.factories``: a channel per test world (its currency, its VAT mode), three products,
and the 3.23 storefront steps through /graphql/ (create, address, delivery, pay, complete)."""
import itertools
from decimal import Decimal

from graphene import Node

from .checkout_helpers import ADDRESS, DUMMY_GATEWAY as DUMMY

_numbers = itertools.count(1)

CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id token } errors { field code message } }
}"""
ADDRESS_UPDATE = """
mutation($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) { errors { field message } }
  checkoutBillingAddressUpdate(id: $id, billingAddress: $address) { errors { field message } }
}"""
DELIVERY = """
mutation($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    errors { field code message } }
}"""
LINES_UPDATE = """
mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { errors { field code message } }
}"""
TOTAL = """query($id: ID!) { checkout(id: $id) { totalPrice { gross { amount } } } }"""
PAY = """
mutation($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(id: $id, input: $input) { errors { field code message } }
}"""
COMPLETE = """
mutation($id: ID!) {
  checkoutComplete(id: $id) { order { id number } errors { field code message } }
}"""


def _n():
    return next(_numbers)


class World:
    """A channel of its own (``tests.factories``' builders) with a shipping zone at 49.00 for
    Norway and Sweden, a warehouse and three products. (Whether 3.23 checks a new address's
    stock by shipping zone or by channel is a site setting; a zone that ships to every
    address the tests use makes both answer the same.)"""

    def __init__(self, prices_entered_with_tax=True, vat="25", currency="NOK"):
        from . import factories

        self.channel_obj = self.channel(f"butikk-{_n()}", currency, prices_entered_with_tax, vat)
        zone = factories.create_shipping_zone(("NO", "SE"), "49.00", channel=self.channel_obj)
        self.shipping_method = zone.shipping_methods.get()
        self.warehouse = factories.create_warehouse([zone], channel=self.channel_obj)
        self.coffee = self.variant("Kaffe Fjell", "129.00")
        self.mug = self.variant("Krus", "89.50")
        self.tea = self.variant("Te", "33.33")

    @staticmethod
    def channel(slug, currency, prices_entered_with_tax=True, vat="25"):
        from . import factories

        return factories.create_channel(slug, currency, vat_rate=vat,
                                        prices_entered_with_tax=prices_entered_with_tax)

    @property
    def slug(self):
        return self.channel_obj.slug

    def variant(self, name, price):
        from . import factories

        return factories.create_variant(price, name, stock=100, warehouse=self.warehouse,
                                        channel=self.channel_obj)

    def voucher(self, code, amount):
        from saleor.discount import VoucherType
        from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode

        voucher = Voucher.objects.create(name=code, type=VoucherType.ENTIRE_ORDER)
        VoucherCode.objects.create(voucher=voucher, code=code)
        VoucherChannelListing.objects.create(voucher=voucher, channel=self.channel_obj,
                                             discount_value=Decimal(amount),
                                             currency=self.channel_obj.currency_code)
        return voucher

    @staticmethod
    def global_id(obj):
        return Node.to_global_id(type(obj).__name__, obj.pk)

    # --- the storefront's steps -------------------------------------------------------
    def checkout(self, client, lines, email="kari@example.com"):
        payload = client.data(CREATE, {"input": {
            "channel": self.slug, "email": email, "shippingAddress": ADDRESS,
            "billingAddress": ADDRESS,
            "lines": [{"variantId": self.global_id(v), "quantity": q} for v, q in lines]}}
        )["checkoutCreate"]
        assert payload["errors"] == [], payload["errors"]
        return payload["checkout"]

    def set_address(self, client, checkout, address=ADDRESS):
        payload = client.data(ADDRESS_UPDATE, {"id": checkout["id"], "address": address})
        assert payload["checkoutShippingAddressUpdate"]["errors"] == [], payload

    def set_quantity(self, client, checkout, variant, quantity):
        payload = client.data(LINES_UPDATE, {"id": checkout["id"], "lines": [
            {"variantId": self.global_id(variant), "quantity": quantity}]})
        assert payload["checkoutLinesUpdate"]["errors"] == []

    def deliver(self, client, checkout):
        payload = client.data(DELIVERY, {"id": checkout["id"],
                                         "method": self.global_id(self.shipping_method)})
        assert payload["checkoutDeliveryMethodUpdate"]["errors"] == []

    def pay(self, client, checkout):
        total = client.data(TOTAL, {"id": checkout["id"]})["checkout"]["totalPrice"]
        payload = client.data(PAY, {"id": checkout["id"], "input": {
            "gateway": DUMMY, "token": "charged", "amount": total["gross"]["amount"]}})
        assert payload["checkoutPaymentCreate"]["errors"] == []

    def complete(self, client, checkout):
        return client.data(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]

    def pay_and_complete(self, client, checkout):
        self.pay(client, checkout)
        result = self.complete(client, checkout)
        assert result["errors"] == [], result["errors"]
        return result["order"]
