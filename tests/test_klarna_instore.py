"""The Klarna in-store till through /graphql/, against the Klarna simulator."""
from decimal import Decimal

import pytest
from django.core import mail
from saleor.core.permissions import OrderPermissions
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.klarna_instore.models import TillPaymentLink, TillSale

from . import factories
from .graphql_client import is_permission_denied
from .till_helpers import (  # noqa: F401 (fixtures)
    CANCEL,
    CUSTOMER_SET,
    CUSTOMERS,
    FINISH,
    LINE_ADD,
    LINE_REMOVE,
    LINE_UPDATE,
    PRODUCTS,
    REFRESH,
    SALE,
    SALE_CREATE,
    SEND,
    TEXT_LINE_ADD,
    Till,
    amount,
    configure_till,
    gid,
    till,
    till_on,
    till_staff,
)


def full_cart(till, shop):
    """3 × coffee 129.00, a mug overridden to 79.50, two text lines (25 % and 15 %)."""
    till.start()
    till.add(shop.coffee, 3)
    sale = till.add(shop.mug)
    mug = [line for line in sale["lines"] if line["sku"] == "KRUS-1"][0]
    till.ok(LINE_UPDATE, lineId=mug["id"], unitPrice="79.50")
    till.ok(TEXT_LINE_ADD, text="Gavepapir", amount="10.00")
    return till.ok(TEXT_LINE_ADD, text="Servering", amount="46.00", vatRate="15")


def send_to(till, customer):
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    return till.ok(SEND)


def link_of(sale_gid):
    sale = TillSale.objects.get(pk=int(__import__("graphene").Node.from_global_id(sale_gid)[1]))
    return sale.links.order_by("-pk").first()


# -- search and cart -----------------------------------------------------------------------

def test_search_by_name_part_of_name_and_sku(till, shop):
    by_part = till.client.data(PRODUCTS, {"search": "fjel"})["tillProducts"]
    assert [p["sku"] for p in by_part] == ["KAFFE-1"]
    assert amount(by_part[0]["price"]["amount"]) == Decimal("129.00")
    assert amount(by_part[0]["vatRate"]) == Decimal("25")
    assert by_part[0]["quantityAvailable"] == 10
    by_sku = till.client.data(PRODUCTS, {"search": "kaffe-1"})["tillProducts"]
    assert by_sku[0]["sku"] == "KAFFE-1" and by_sku[0]["exactSku"] is True
    several = till.client.data(PRODUCTS, {"search": "k"})["tillProducts"]
    assert {p["sku"] for p in several} == {"KAFFE-1", "KRUS-1"}
    assert till.client.data(PRODUCTS, {"search": "   "})["tillProducts"] == []


def test_scanned_sku_adds_at_once_and_a_second_scan_adds_one(till, shop):
    till.start()
    till.ok(LINE_ADD, sku="KAFFE-1")
    sale = till.ok(LINE_ADD, sku="kaffe-1")
    assert [(line["sku"], line["quantity"]) for line in sale["lines"]] == [("KAFFE-1", 2)]
    error = till.error(LINE_ADD, sku="NOPE-9")
    assert (error["field"], error["code"]) == ("sku", "NOT_FOUND")


def test_cart_totals_item_count_and_vat_per_rate(till, shop):
    sale = full_cart(till, shop)
    lines = {line["name"]: line for line in sale["lines"]}
    assert amount(lines["Kaffe Fjell"]["total"]["amount"]) == Decimal("387.00")
    assert amount(lines["Kaffe Fjell"]["vat"]["amount"]) == Decimal("77.40")
    mug = lines["Krus"]
    assert mug["priceOverridden"] is True
    assert amount(mug["listUnitPrice"]["amount"]) == Decimal("89.50")
    assert amount(mug["priceChange"]["amount"]) == Decimal("-10.00")
    assert lines["Gavepapir"]["isText"] is True
    assert sale["itemCount"] == 4  # text lines are not items
    assert amount(sale["total"]["amount"]) == Decimal("522.50")
    groups = {amount(g["rate"]): g for g in sale["vatGroups"]}
    assert amount(groups[Decimal("25")]["vat"]["amount"]) == Decimal("95.30")
    assert amount(groups[Decimal("15")]["vat"]["amount"]) == Decimal("6.00")
    assert amount(sale["vatTotal"]["amount"]) == Decimal("101.30")
    assert amount(sale["net"]["amount"]) == Decimal("421.20")
    # quantity changes recompute the sum; reset brings the list price back; remove works
    sale = till.ok(LINE_UPDATE, lineId=mug["id"], quantity=2, resetPrice=True)
    mug = [line for line in sale["lines"] if line["name"] == "Krus"][0]
    assert amount(mug["total"]["amount"]) == Decimal("179.00")
    sale = till.ok(LINE_REMOVE, lineId=mug["id"])
    assert amount(sale["total"]["amount"]) == Decimal("443.00")


@pytest.mark.parametrize("document,variables,field,code", [
    (LINE_ADD, {"quantity": 0}, "quantity", "INVALID"),
    (LINE_ADD, {"variantId": "bogus"}, "variantId", "GRAPHQL_ERROR"),
    (LINE_ADD, {}, "variantId", "REQUIRED"),
    (TEXT_LINE_ADD, {"text": "  "}, "text", "REQUIRED"),
    (TEXT_LINE_ADD, {"text": "x", "amount": "1.001"}, "amount", "INVALID"),
    (TEXT_LINE_ADD, {"text": "x", "vatRate": "120"}, "vatRate", "INVALID"),
    (LINE_UPDATE, {"lineId": "VGlsbExpbmU6OTk5OTk=", "quantity": 2}, "lineId", "NOT_FOUND"),
    (CUSTOMER_SET, {"phone": "12"}, "phone", "INVALID"),
    (CUSTOMER_SET, {"email": "not-an-email"}, "email", "INVALID"),
    (SEND, {}, "lines", "TILL_CART_EMPTY"),
])
def test_bad_input_gets_typed_errors(till, shop, document, variables, field, code):
    till.start()
    if document is LINE_ADD and "variantId" not in variables and variables:
        variables["variantId"] = gid("ProductVariant", shop.coffee.pk)
    error = till.error(document, **variables)
    assert (error["field"], error["code"]) == (field, code)
    assert error["message"]


def test_price_override_must_be_a_positive_price(till, shop):
    till.start()
    line = till.add(shop.coffee)["lines"][0]
    error = till.error(LINE_UPDATE, lineId=line["id"], unitPrice="-5")
    assert (error["field"], error["code"]) == ("unitPrice", "INVALID")


def test_send_needs_a_phone_or_email(till, shop):
    till.start()
    till.add(shop.coffee)
    error = till.error(SEND)
    assert (error["field"], error["code"]) == ("phone", "TILL_NO_CONTACT")


def test_customer_search_by_name_phone_email_and_number(till, customer):
    other = factories.create_customer("ola@example.com", first_name="Ola", last_name="Hansen")
    other.default_billing_address.phone = "+4791234567"
    other.default_billing_address.save()
    search = lambda text: [c["email"] for c in till.client.data(  # noqa: E731
        CUSTOMERS, {"search": text})["tillCustomers"]]
    assert search("kari nord") == ["kari@example.com"]
    assert search("912 34 567") == ["ola@example.com"]
    assert search("OLA@") == ["ola@example.com"]
    assert search(str(customer.pk)) == ["kari@example.com"]
    found = till.client.data(CUSTOMERS, {"search": "Hansen"})["tillCustomers"][0]
    assert found["phone"] == "+4791234567" and found["customerNumber"] == str(other.pk)


def test_typed_phone_is_normalised(till, shop):
    till.start()
    sale = till.ok(CUSTOMER_SET, phone="912 34 567", email="Gjest@Example.com")
    assert (sale["phone"], sale["email"]) == ("+4791234567", "gjest@example.com")
    sale = till.ok(CUSTOMER_SET, phone="+46 70 123 45 67")
    assert sale["phone"] == "+46701234567"
    assert TillSale.objects.get().phone_country == "SE"


# -- sending and paying --------------------------------------------------------------------

def test_send_pay_and_finish_makes_a_paid_fulfilled_order_with_receipt(
        api, till, shop, customer, klarna):
    full_cart(till, shop)
    sale = send_to(till, customer)
    assert (sale["status"], sale["paymentStatus"]) == ("WAITING", "SENT")
    [sms] = klarna.outbox
    assert (sms["method"], sms["to"], sms["phone_country"]) == ("sms", "+4722334455", "NO")
    assert sale["link"]["url"].endswith(sms["session_id"])
    assert amount(sale["link"]["amount"]["amount"]) == Decimal("522.50")
    assert till.error(FINISH)["code"] == "TILL_SALE_NOT_PAID"

    klarna.hpp_action(sms["session_id"], "open")
    assert till.ok(REFRESH)["paymentStatus"] == "OPENED"
    klarna.hpp_action(sms["session_id"], "pay")
    sale = till.ok(REFRESH)
    assert (sale["status"], sale["paymentStatus"]) == ("PAID", "PAID")
    sale = till.ok(FINISH)
    assert sale["finishedAt"]

    order = Order.objects.get()
    assert sale["orderNumber"] == str(order.pk)
    assert order.user == customer and order.user_email == "kari@example.com"
    assert order.status == OrderStatus.FULFILLED
    assert order.total.gross.amount == Decimal("522.50")
    assert order.total.tax.amount == Decimal("101.30")
    assert order.language_code == "nb"
    lines = {line.product_name: line for line in order.lines.all()}
    assert set(lines) == {"Kaffe Fjell", "Krus", "Gavepapir", "Servering"}
    assert lines["Krus"].unit_price.gross.amount == Decimal("79.50")
    assert lines["Servering"].variant is None and lines["Servering"].tax_rate == Decimal("0.15")
    assert all(line.quantity_fulfilled == line.quantity for line in lines.values())
    assert order.discount_amount == 0  # text lines are lines, never discounts
    payment = order.payments.get()
    assert payment.charge_status == ChargeStatus.FULLY_CHARGED
    assert payment.captured_amount == Decimal("522.50")
    klarna_order = klarna.orders[payment.token]
    assert klarna_order["status"] == "CAPTURED" and klarna_order["captured_amount"] == 52250
    assert klarna.state.charge_count == 1
    shop.coffee.stocks.get().refresh_from_db()
    assert shop.coffee.stocks.get().quantity == 7
    note = order.events.filter(type="note_added").get().parameters["message"]
    assert "Disk 1" in note and "kasse@shop.example.com" in note and "89.50" in note

    [receipt] = mail.outbox
    assert receipt.to == ["kari@example.com"]
    assert str(order.pk) in receipt.subject and "Kvitteringen din" in receipt.subject
    # Norwegian receipt: decimal commas
    for expected in ("Kaffe Fjell", "Servering", "522,50", "101,30", "95,30", "6,00", "Disk 1"):
        assert expected in receipt.body

    # the order shows the till and the staff member
    manager = factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS])
    shown = api(manager).data("""query($id: ID!) { order(id: $id) {
        tillSale { tillName staffEmail } paymentStatus status } }""",
                              {"id": sale["orderId"]})["order"]
    assert shown["tillSale"] == {"tillName": "Disk 1", "staffEmail": "kasse@shop.example.com"}
    assert (shown["paymentStatus"], shown["status"]) == ("FULLY_CHARGED", "FULFILLED")

    # nothing changes a paid sale
    assert till.error(CANCEL)["code"] == "TILL_SALE_ALREADY_PAID"
    assert till.error(LINE_ADD, variantId=gid("ProductVariant", shop.mug.pk))["code"] == \
        "TILL_SALE_ALREADY_PAID"
    assert till.ok(REFRESH)["status"] == "PAID"
    assert Order.objects.count() == 1 and len(mail.outbox) == 1


def test_a_deduction_line_is_charged_net_of_the_deduction(till, shop, customer, klarna):
    till.start()
    till.add(shop.coffee, 2)
    till.ok(TEXT_LINE_ADD, text="Rabatt stand", amount="-58.00")
    sale = send_to(till, customer)
    assert amount(sale["total"]["amount"]) == Decimal("200.00")
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    assert till.ok(REFRESH)["status"] == "PAID"
    order = Order.objects.get()
    assert order.total.gross.amount == Decimal("200.00")
    assert klarna.orders[order.payments.get().token]["captured_amount"] == 20000


def test_sending_twice_makes_one_link_and_resend_sends_the_same_link(till, shop, customer,
                                                                     klarna):
    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    till.ok(SEND)
    assert len(klarna.requests_to("/hpp/v1/sessions", "POST")) == 2  # create + one distribution
    sale = till.ok(SEND, resend=True)
    assert [m["session_id"] for m in klarna.outbox] == [klarna.outbox[0]["session_id"]] * 2
    assert sale["link"]["sendCount"] == 2
    assert TillPaymentLink.objects.count() == 1


def test_editing_after_send_disables_the_old_link_first(till, shop, customer, klarna):
    till.start()
    line = till.add(shop.coffee)["lines"][0]
    send_to(till, customer)
    old = klarna.outbox[0]["session_id"]
    sale = till.ok(LINE_UPDATE, lineId=line["id"], quantity=2)
    assert (sale["status"], sale["paymentStatus"], sale["link"]) == ("OPEN", "NOT_SENT", None)
    assert klarna.state.hpp[old]["status"] == "DISABLED"
    with pytest.raises(Exception):
        klarna.hpp_action(old, "pay")  # the customer cannot pay the old cart
    sale = till.ok(SEND)
    new = klarna.outbox[-1]["session_id"]
    assert new != old and amount(sale["link"]["amount"]["amount"]) == Decimal("258.00")
    klarna.hpp_action(new, "pay")
    assert till.ok(REFRESH)["status"] == "PAID"
    assert Order.objects.get().total.gross.amount == Decimal("258.00")


def test_edit_after_the_customer_paid_the_old_cart_voids_that_payment(till, shop, customer,
                                                                      klarna):
    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    hpp = klarna.outbox[0]["session_id"]
    klarna.hpp_action(hpp, "pay")  # the callback is lost; the till has not polled yet
    sale = till.ok(LINE_ADD, variantId=gid("ProductVariant", shop.mug.pk))
    assert sale["status"] == "OPEN" and "nothing is charged" in sale["note"]
    klarna_order = klarna.orders[klarna.state.hpp[hpp]["order_id"]]
    assert klarna_order["status"] == "CANCELLED" and klarna_order["captured_amount"] == 0
    assert Order.objects.count() == 0


@pytest.mark.parametrize("action,shown", [
    ("open", "OPENED"), ("decline", "DECLINED"), ("cancel", "CANCELLED_BY_CUSTOMER"),
])
def test_live_status_follows_the_customer(till, shop, customer, klarna, action, shown):
    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    klarna.hpp_action(klarna.outbox[0]["session_id"], action)
    sale = till.ok(REFRESH)
    assert (sale["status"], sale["paymentStatus"]) == ("WAITING", shown)
    if action == "cancel":  # a final status at Klarna: a new send makes a new link
        till.ok(SEND)
        assert len({m["session_id"] for m in klarna.outbox}) == 2


def test_a_link_past_its_lifetime_stops_working(till, shop, customer, klarna):
    from django.utils import timezone

    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    hpp = klarna.outbox[0]["session_id"]
    TillPaymentLink.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    sale = till.ok(REFRESH)
    assert sale["status"] == "OPEN" and sale["note"] == "The payment link expired."
    assert klarna.state.hpp[hpp]["status"] == "DISABLED"
    till.ok(SEND)  # a fresh link for the same cart
    assert len({m["session_id"] for m in klarna.outbox}) == 2


def test_cancel_while_waiting_disables_the_link(till, shop, customer, klarna):
    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    hpp = klarna.outbox[0]["session_id"]
    klarna.hpp_action(hpp, "open")
    sale = till.ok(CANCEL)
    assert (sale["status"], sale["paymentStatus"]) == ("CANCELLED", "CANCELLED")
    assert klarna.state.hpp[hpp]["status"] == "DISABLED"
    with pytest.raises(Exception):
        klarna.hpp_action(hpp, "pay")
    assert till.ok(CANCEL)["status"] == "CANCELLED"  # repeating is harmless
    assert till.error(SEND)["code"] == "TILL_SALE_CLOSED"
    assert klarna.state.charge_count == 0 and Order.objects.count() == 0


def test_payment_landing_during_cancel_is_voided_at_klarna(till, shop, customer, klarna):
    """The customer pays between the till's last poll and Cancel: Klarna refuses to
    disable a completed page, so the till cancels Klarna's (uncaptured) order."""
    till.start()
    till.add(shop.coffee)
    send_to(till, customer)
    hpp = klarna.outbox[0]["session_id"]
    klarna.hpp_action(hpp, "pay")
    sale = till.ok(CANCEL)
    assert sale["status"] == "CANCELLED" and "nothing is charged" in sale["note"]
    klarna_order = klarna.orders[klarna.state.hpp[hpp]["order_id"]]
    assert klarna_order["status"] == "CANCELLED" and klarna_order["captured_amount"] == 0
    # a late poll or callback cannot bring it back
    assert till.ok(REFRESH)["status"] == "CANCELLED"
    assert Order.objects.count() == 0 and mail.outbox == []


def test_without_klarna_set_up_send_says_so(api, till_staff, shop, customer, db):
    configure_till()
    till = Till(api(till_staff))
    till.start()
    till.add(shop.coffee)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    assert till.error(SEND)["code"] == "TILL_KLARNA_NOT_CONFIGURED"


# -- permissions ---------------------------------------------------------------------------

OPERATIONS = [
    (SALE_CREATE, {}),
    (LINE_ADD, {"saleId": "x", "sku": "KAFFE-1"}),
    (TEXT_LINE_ADD, {"saleId": "x", "text": "t"}),
    (LINE_UPDATE, {"saleId": "x", "lineId": "y", "quantity": 1}),
    (LINE_REMOVE, {"saleId": "x", "lineId": "y"}),
    (CUSTOMER_SET, {"saleId": "x", "phone": "+4791234567"}),
    (SEND, {"saleId": "x"}),
    (REFRESH, {"saleId": "x"}),
    (FINISH, {"saleId": "x"}),
    (CANCEL, {"saleId": "x"}),
    (PRODUCTS, {"search": "kaffe"}),
    (CUSTOMERS, {"search": "kari"}),
    (SALE, {"id": "x"}),
]


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff_without_permission"])
def test_only_staff_with_the_till_permission_may_use_it(api, till_on, shop, customer, who):
    user = {"anonymous": None, "customer": customer,
            "staff_without_permission": factories.create_staff(
                permissions=[OrderPermissions.MANAGE_ORDERS])}[who]
    client = api(user)
    for document, variables in OPERATIONS:
        assert is_permission_denied(client.execute(document, variables)), document
    assert TillSale.objects.count() == 0


def test_an_inactive_plugin_is_an_unlicensed_till(api, till_staff, till_on, shop):
    configure_till(active=False)
    client = api(till_staff)
    result = client.data(SALE_CREATE, {})["tillSaleCreate"]
    assert result["tillErrors"][0]["code"] == "TILL_NOT_LICENSED"
    content = client.execute(PRODUCTS, {"search": "kaffe"})
    assert "not switched on" in content["errors"][0]["message"]


def test_staff_with_the_permission_can_open_a_colleagues_sale(api, till, shop):
    sale = till.start()
    colleague = Till(api(factories.create_staff(permissions=[
        "saleor_plugins.use_till"])))
    colleague.sale_id = sale["id"]
    assert colleague.add(shop.coffee)["itemCount"] == 1
    shown = colleague.client.data(SALE, {"id": sale["id"]})["tillSale"]
    assert shown["staffEmail"] == "kasse@shop.example.com"


# -- issue 15 --------------------------------------------------------------------------------

KLARNA_PAYER = {
    "given_name": "Ola", "family_name": "Hansen", "email": "Ola.Hansen@example.net",
    "street_address": "Storgata 5", "postal_code": "0155", "city": "Oslo", "country": "NO",
    "phone": "+47 912 34 567",
}


def test_item15_09_a_phone_only_sale_gets_the_receipt_at_the_address_given_to_klarna(
        till, shop, klarna):
    till.start()
    till.add(shop.coffee)
    till.ok(CUSTOMER_SET, phone="912 34 567")  # no customer, no e-mail at the till
    till.ok(SEND)
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay", billing_address=KLARNA_PAYER)
    assert till.ok(REFRESH)["status"] == "PAID"

    order = Order.objects.get()
    assert order.user is None and order.user_email == "ola.hansen@example.net"
    billing = order.billing_address
    assert (billing.first_name, billing.last_name, billing.street_address_1,
            billing.postal_code, billing.city, billing.country.code, billing.phone.as_e164) == (
        "Ola", "Hansen", "Storgata 5", "0155", "Oslo", "NO", "+4791234567")
    payment = order.payments.get()
    assert (payment.billing_email, payment.billing_first_name, payment.billing_last_name) == (
        "ola.hansen@example.net", "Ola", "Hansen")
    [receipt] = mail.outbox
    assert receipt.to == ["ola.hansen@example.net"] and "Kaffe Fjell" in receipt.body


def test_item15_12_typing_the_same_values_again_keeps_the_link_payable(
        till, shop, customer, klarna):
    till.start()
    line = till.add(shop.coffee, 2)["lines"][0]
    text = till.ok(TEXT_LINE_ADD, text="Gavepapir", amount="10.00")["lines"][1]
    sent = send_to(till, customer)
    hpp = klarna.outbox[0]["session_id"]

    for changes in ({"quantity": 2}, {"unitPrice": "129.00"}, {"unitPrice": "129"},
                    {"quantity": 2, "unitPrice": "129.00"}, {"resetPrice": True}):
        sale = till.ok(LINE_UPDATE, lineId=line["id"], **changes)
        assert (sale["status"], sale["paymentStatus"], sale["cartVersion"]) == (
            "WAITING", "SENT", sent["cartVersion"]), changes
    till.ok(LINE_UPDATE, lineId=text["id"], unitPrice="10.00")
    sale = till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))  # the same customer
    assert (sale["status"], sale["cartVersion"]) == ("WAITING", sent["cartVersion"])
    assert klarna.state.hpp[hpp]["status"] == "WAITING"

    klarna.hpp_action(hpp, "pay")  # the customer can still pay the link
    assert till.ok(REFRESH)["status"] == "PAID"
    assert Order.objects.get().total.gross.amount == Decimal("268.00")
    # and a paid sale still refuses even a no-op edit
    assert till.error(LINE_UPDATE, lineId=line["id"], quantity=2)["code"] == \
        "TILL_SALE_ALREADY_PAID"


def test_item15_06_a_till_sale_ignores_cart_rules_and_its_receipt_has_no_rule_lines(
        api, all_plugins_active, till, shop, customer, klarna):
    """The till prices what staff type (README: cart rules do not apply at the till), so an
    active discount and an active surcharge change neither the link, the order nor the
    receipt, and no rule use is recorded."""
    from saleor_plugins.discount_rules import rules
    from saleor_plugins.discount_rules.models import DiscountRule, OrderRule, RuleUse

    DiscountRule.objects.create(name="Ti prosent", kind=rules.PERCENTAGE,
                                direction=rules.DISCOUNT, value=Decimal("10"))
    DiscountRule.objects.create(name="Miljøgebyr", kind=rules.FIXED,
                                direction=rules.SURCHARGE, value=Decimal("29"))
    full_cart(till, shop)
    sale = send_to(till, customer)
    assert amount(sale["link"]["amount"]["amount"]) == Decimal("522.50")
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    till.ok(REFRESH)
    till.ok(FINISH)

    order = Order.objects.get()
    assert order.total.gross.amount == Decimal("522.50")
    assert order.discount_amount == 0 and not OrderRule.objects.exists()
    assert not RuleUse.objects.exists()
    [receipt] = mail.outbox
    assert "522,50" in receipt.body
    assert "Ti prosent" not in receipt.body and "Miljøgebyr" not in receipt.body
