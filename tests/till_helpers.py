"""Helpers for the till's tests: the plugin switched on, staff, GraphQL documents."""
from decimal import Decimal

import pytest
from graphene import Node
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.core.permissions import TillPermissions
from saleor_plugins.klarna_instore.plugin import KlarnaInstorePlugin

from . import factories

SALE_FIELDS = """
  id status paymentStatus tillName warehouseName staffName staffEmail phone email cartVersion note
  customer { id name email phone customerNumber }
  lines { id variantId isText name sku quantity priceOverridden vatRate
          listUnitPrice { amount } unitPrice { amount } priceChange { amount }
          total { amount } vat { amount } }
  itemCount total { amount currency } net { amount } vatTotal { amount }
  vatGroups { rate net { amount } vat { amount } gross { amount } }
  link { status klarnaStatus klarnaFraudStatus url sentTo sendCount amount { amount } }
  orderId orderNumber paidAt finishedAt cancelledAt
"""
ERRORS = "tillErrors { field message code }"


def mutation(name, args, arg_types):
    return (f"mutation({arg_types}) {{ {name}({args}) {{ sale {{ {SALE_FIELDS} }} {ERRORS} }} }}")


SALE_CREATE = mutation("tillSaleCreate", "tillName: $tillName, languageCode: $languageCode",
                       "$tillName: String, $languageCode: String")
LINE_ADD = mutation("tillLineAdd", "saleId: $saleId, variantId: $variantId, sku: $sku, "
                    "quantity: $quantity",
                    "$saleId: ID!, $variantId: ID, $sku: String, $quantity: Int")
TEXT_LINE_ADD = mutation("tillTextLineAdd", "saleId: $saleId, text: $text, amount: $amount, "
                         "vatRate: $vatRate",
                         "$saleId: ID!, $text: String!, $amount: Decimal, $vatRate: Decimal")
LINE_UPDATE = mutation("tillLineUpdate", "saleId: $saleId, lineId: $lineId, quantity: $quantity,"
                       " unitPrice: $unitPrice, resetPrice: $resetPrice",
                       "$saleId: ID!, $lineId: ID!, $quantity: Int, $unitPrice: Decimal, "
                       "$resetPrice: Boolean")
LINE_REMOVE = mutation("tillLineRemove", "saleId: $saleId, lineId: $lineId",
                       "$saleId: ID!, $lineId: ID!")
CUSTOMER_SET = mutation("tillCustomerSet", "saleId: $saleId, customerId: $customerId, "
                        "phone: $phone, email: $email",
                        "$saleId: ID!, $customerId: ID, $phone: String, $email: String")
SEND = mutation("tillPaymentSend", "saleId: $saleId, resend: $resend",
                "$saleId: ID!, $resend: Boolean")
REFRESH = mutation("tillSaleRefresh", "saleId: $saleId", "$saleId: ID!")
FINISH = mutation("tillSaleFinish", "saleId: $saleId", "$saleId: ID!")
CANCEL = mutation("tillSaleCancel", "saleId: $saleId", "$saleId: ID!")

PRODUCTS = """query($search: String!) { tillProducts(search: $search) {
  variantId productName variantName sku price { amount currency } vatRate quantityAvailable
  exactSku } }"""
CUSTOMERS = """query($search: String!) { tillCustomers(search: $search) {
  id customerNumber name email phone } }"""
SALE = "query($id: ID!) { tillSale(id: $id) { %s } }" % SALE_FIELDS


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def amount(value) -> Decimal:
    return Decimal(str(value))


def configure_till(active=True, **values):
    settings = {"public_url": "http://127.0.0.1:9"}
    settings.update(values)
    configuration = [
        {"name": item["name"], "value": settings.get(item["name"], item["value"])}
        for item in KlarnaInstorePlugin.DEFAULT_CONFIGURATION
    ]
    PluginConfiguration.objects.update_or_create(
        identifier=KlarnaInstorePlugin.PLUGIN_ID,
        defaults={"name": KlarnaInstorePlugin.PLUGIN_NAME, "active": active,
                  "configuration": configuration},
    )


class Till:
    """A staff member's till session over /graphql/."""

    def __init__(self, client):
        self.client = client
        self.sale_id = None

    def run(self, document, **variables):
        name = document.split("{", 2)[1].split("(")[0].strip()
        result = self.client.data(document, variables)[name]
        return result

    def ok(self, document, **variables):
        if self.sale_id and "saleId" in document:
            variables.setdefault("saleId", self.sale_id)
        result = self.run(document, **variables)
        assert result["tillErrors"] == [], result["tillErrors"]
        return result["sale"]

    def error(self, document, **variables):
        if self.sale_id and "saleId" in document:
            variables.setdefault("saleId", self.sale_id)
        result = self.run(document, **variables)
        assert result["tillErrors"], result
        return result["tillErrors"][0]

    def start(self, till_name="Disk 1", language="nb"):
        sale = self.ok(SALE_CREATE, tillName=till_name, languageCode=language)
        self.sale_id = sale["id"]
        return sale

    def add(self, variant, quantity=1):
        return self.ok(LINE_ADD, variantId=gid("ProductVariant", variant.pk), quantity=quantity)


@pytest.fixture
def till_staff(db):
    return factories.create_staff("kasse@shop.example.com", [TillPermissions.USE_TILL])


@pytest.fixture
def till_on(db, klarna_gateway):
    configure_till()
    return klarna_gateway


@pytest.fixture
def till(api, till_staff, till_on):
    return Till(api(till_staff))
