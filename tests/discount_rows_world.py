"""A small Saleor 3.23 shop for ``test_saleor3_discount_rows`` (until the shared 3.23 world
of ``tests.factories_saleor3`` lands): a channel with its tax configuration, a shipping zone
at 49.00, a warehouse, three products, Saleor's dummy gateway, and the storefront steps
through /graphql/ (create, address, delivery, pay, complete)."""
import itertools
from decimal import Decimal

from graphene import Node

_numbers = itertools.count(1)
DUMMY = "mirumee.payments.dummy"
ADDRESS = {"firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Karl Johans gate 1",
           "city": "Oslo", "postalCode": "0154", "country": "NO", "phone": "+4722334455"}

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
    def __init__(self, prices_entered_with_tax=True, vat=None, currency="NOK"):
        from saleor.shipping import ShippingMethodType
        from saleor.shipping.models import (ShippingMethod, ShippingMethodChannelListing,
                                            ShippingZone)
        from saleor.warehouse.models import Warehouse

        from . import factories

        self.channel_obj = self.channel(f"butikk-{_n()}", currency, prices_entered_with_tax, vat)
        zone = ShippingZone.objects.create(name=f"Norge {_n()}", countries=["NO"])
        zone.channels.add(self.channel_obj)
        self.shipping_method = ShippingMethod.objects.create(
            name="Posten", type=ShippingMethodType.PRICE_BASED, shipping_zone=zone)
        ShippingMethodChannelListing.objects.create(
            shipping_method=self.shipping_method, channel=self.channel_obj, currency=currency,
            price_amount=Decimal("49.00"), minimum_order_price_amount=Decimal(0))
        number = _n()
        self.warehouse = Warehouse.objects.create(
            name=f"Lager {number}", slug=f"lager-{number}", email="lager@example.com",
            address=factories.create_address(company_name="Lager AS"))
        self.warehouse.shipping_zones.add(zone)
        self.warehouse.channels.add(self.channel_obj)
        self.coffee = self.variant("Kaffe Fjell", "129.00")
        self.mug = self.variant("Krus", "89.50")
        self.tea = self.variant("Te", "33.33")
        from saleor.plugins.models import PluginConfiguration

        PluginConfiguration.objects.update_or_create(
            identifier=DUMMY, channel=self.channel_obj, defaults={
                "name": "Dummy", "active": True, "configuration": [
                    {"name": "Supported currencies", "value": currency},
                    {"name": "Automatic payment capture", "value": True},
                    {"name": "Store customers card", "value": False}]})

    @staticmethod
    def channel(slug, currency, prices_entered_with_tax=True, vat=None):
        from saleor.channel.models import Channel
        from saleor.tax import TaxCalculationStrategy
        from saleor.tax.models import TaxClassCountryRate, TaxConfiguration

        channel = Channel.objects.create(name=slug, slug=slug, currency_code=currency,
                                         default_country="NO", is_active=True)
        TaxConfiguration.objects.create(
            channel=channel, charge_taxes=vat is not None,
            tax_calculation_strategy=TaxCalculationStrategy.FLAT_RATES,
            prices_entered_with_tax=prices_entered_with_tax, display_gross_prices=True)
        if vat is not None:
            TaxClassCountryRate.objects.update_or_create(
                country="NO", tax_class=None, defaults={"rate": Decimal(vat)})
        return channel

    @property
    def slug(self):
        return self.channel_obj.slug

    def variant(self, name, price):
        from django.utils import timezone
        from saleor.product.models import (Category, Product, ProductChannelListing,
                                           ProductType, ProductVariant,
                                           ProductVariantChannelListing)
        from saleor.warehouse.models import Stock

        number = _n()
        category = Category.objects.create(name=f"{name} {number}", slug=f"category-{number}")
        product_type = ProductType.objects.create(name=f"Type {number}", slug=f"type-{number}",
                                                  is_shipping_required=True)
        product = Product.objects.create(name=name, slug=f"product-{number}",
                                         product_type=product_type, category=category)
        now = timezone.now()
        ProductChannelListing.objects.create(
            product=product, channel=self.channel_obj, currency=self.channel_obj.currency_code,
            is_published=True, published_at=now, visible_in_listings=True,
            available_for_purchase_at=now)
        variant = ProductVariant.objects.create(product=product, sku=f"SKU-{number}")
        ProductVariantChannelListing.objects.create(
            variant=variant, channel=self.channel_obj, currency=self.channel_obj.currency_code,
            price_amount=Decimal(price), discounted_price_amount=Decimal(price))
        Stock.objects.create(warehouse=self.warehouse, product_variant=variant, quantity=100)
        return variant

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
        assert payload["checkoutShippingAddressUpdate"]["errors"] == []

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
