"""Cart rules through Saleor's /graphql/: checkout → payment → order → recalculation."""
import threading
from decimal import Decimal

import pytest
from django.db import connection
from graphene import Node
from saleor.core.permissions import OrderPermissions
from saleor.order.models import Order
from saleor.order.utils import recalculate_order
from saleor.payment.models import Payment
from saleor.warehouse.models import Allocation

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import (
    CheckoutCode,
    CodeRedemption,
    DiscountCode,
    DiscountRule,
    RuleCondition,
    RuleUse,
)

from . import factories
from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE, SHIPPING_UPDATE, create_checkout
from .graphql_client import GraphQLClient

CHECKOUT = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { gross { amount } }
    subtotalPrice { gross { amount } }
    shippingPrice { gross { amount } }
    discountCodes
    discountRules { name kind direction amount { amount currency } code freeShipping giftVariantId }
  }
}"""

CODE_ADD = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    checkout { totalPrice { gross { amount } } }
    discountRuleErrors { field message code }
  }
}"""

ORDER = """
query($id: ID!) {
  order(id: $id) {
    total { gross { amount } }
    shippingPrice { gross { amount } }
    lines { productSku quantity unitPrice { gross { amount } } }
    discountRules { name kind direction amount { amount } code freeShipping }
  }
}"""

UPDATE_SHIPPING = """
mutation($order: ID!, $method: ID!) {
  orderUpdateShipping(order: $order, input: {shippingMethod: $method}) {
    order { total { gross { amount } } shippingPrice { gross { amount } } }
    orderErrors { field message code }
  }
}"""


@pytest.fixture
def rules_on(all_plugins_active):
    return all_plugins_active


def make_rule(kind, value="0", direction=rules.DISCOUNT, conditions=(), **fields):
    rule = DiscountRule.objects.create(name=fields.pop("name", f"{kind} {direction}"), kind=kind,
                                       direction=direction, value=Decimal(value), **fields)
    for condition in conditions:
        RuleCondition.objects.create(rule=rule, **condition)
    return rule


def checkout_with_shipping(client, shop):
    checkout = create_checkout(client, [(shop.coffee, 3), (shop.mug, 1)])
    result = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": Node.to_global_id("ShippingMethod", shop.shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert result["checkoutErrors"] == []
    return checkout


def read(client, checkout):
    return client.data(CHECKOUT, {"token": checkout["token"]})["checkout"]


def pay_and_complete(client, checkout, total):
    payment = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": str(total)}}
    )["checkoutPaymentCreate"]
    assert payment["paymentErrors"] == [], payment
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def amount(value):
    return Decimal(str(value))


def paid(order, refunded="0"):
    """The order paid in full (captured), less ``refunded``, as Saleor's gateway leaves it."""
    from saleor.payment import ChargeStatus

    refunded = Decimal(refunded)
    total = order.total.gross.amount
    status = ChargeStatus.FULLY_CHARGED if not refunded else (
        ChargeStatus.FULLY_REFUNDED if refunded >= total else ChargeStatus.PARTIALLY_REFUNDED)
    Payment.objects.create(
        order=order, gateway="mirumee.payments.dummy", total=total, currency=order.currency,
        captured_amount=total - refunded, charge_status=status,
        is_active=status != ChargeStatus.FULLY_REFUNDED)
    return order


# kind, value, direction, checkout total (387.00 coffee + 89.50 mug + 49.00 shipping = 525.50)
FLOWS = [
    (rules.FIXED, "50.00", rules.DISCOUNT, Decimal("475.50")),
    (rules.PERCENTAGE, "10", rules.DISCOUNT, Decimal("477.85")),  # 47.65 off the products
    (rules.FIXED, "19.00", rules.SURCHARGE, Decimal("544.50")),
    (rules.PERCENTAGE, "2", rules.SURCHARGE, Decimal("535.03")),
    (rules.FREE_SHIPPING, "0", rules.DISCOUNT, Decimal("476.50")),
    (rules.GIFT, "0", rules.DISCOUNT, Decimal("525.50")),
]


@pytest.mark.parametrize("kind,value,direction,total", FLOWS)
def test_checkout_payment_order_and_recalculation_agree(
        api, rules_on, shop, customer, kind, value, direction, total):
    gift = factories.create_variant("0.00", "Kaffeskje", "GAVE-1", warehouse=shop.warehouse) \
        if kind == rules.GIFT else None
    make_rule(kind, value, direction, name="Sommer", gift_variant=gift, gift_quantity=1,
              conditions=[{"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal("400")}])
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    shown = read(client, checkout)
    assert amount(shown["totalPrice"]["gross"]["amount"]) == total
    applied = shown["discountRules"]
    assert [(a["name"], a["kind"], a["direction"]) for a in applied] == [
        ("Sommer", kind.upper(), direction.upper())]
    change = amount(applied[0]["amount"]["amount"])
    if kind in (rules.FIXED, rules.PERCENTAGE):
        assert change == total - Decimal("525.50")  # the change is what the total moved by
    assert applied[0]["freeShipping"] == (kind == rules.FREE_SHIPPING)

    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    order_id = Node.to_global_id("Order", order.pk)
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    shown_order = staff.data(ORDER, {"id": order_id})["order"]
    assert amount(shown_order["total"]["gross"]["amount"]) == total
    assert [r["name"] for r in shown_order["discountRules"]] == ["Sommer"]
    assert amount(shown_order["discountRules"][0]["amount"]["amount"]) == change
    lines_total = sum(amount(l["unitPrice"]["gross"]["amount"]) * l["quantity"]
                      for l in shown_order["lines"])
    assert lines_total + amount(shown_order["shippingPrice"]["gross"]["amount"]) == total
    if kind == rules.GIFT:
        gift_line = [l for l in shown_order["lines"] if l["productSku"] == "GAVE-1"]
        assert gift_line == [{"productSku": "GAVE-1", "quantity": 1,
                              "unitPrice": {"gross": {"amount": 0.0}}}]
        assert Allocation.objects.filter(order_line__order=order,
                                         order_line__product_sku="GAVE-1").exists()
    # staff change the shipping method: Saleor recalculates the order from its lines
    recalculated = staff.data(UPDATE_SHIPPING, {
        "order": order_id, "method": Node.to_global_id("ShippingMethod", shop.shipping_method.pk)}
    )["orderUpdateShipping"]
    assert recalculated["orderErrors"] == []
    assert amount(recalculated["order"]["total"]["gross"]["amount"]) == total
    if kind == rules.FREE_SHIPPING:
        assert recalculated["order"]["shippingPrice"]["gross"]["amount"] == 0


def test_rules_about_the_customer_and_the_address_see_them_at_checkout(api, rules_on, shop,
                                                                      customer):
    # the cart carries only the facts its rules ask about: each kind is read when asked
    from saleor_plugins.discount_rules.models import CustomerGroup

    group = CustomerGroup.objects.create(name="Stamkunder")
    group.members.add(customer)
    make_rule(rules.FIXED, "10", name="Gruppe", conditions=[
        {"type": rules.CUSTOMER_GROUP, "customer_group": group}])
    make_rule(rules.FIXED, "20", name="Igjen", conditions=[{"type": rules.FROM_SECOND_ORDER}])
    make_rule(rules.FIXED, "5", name="Norge", conditions=[
        {"type": rules.SHIPPING_COUNTRY, "country": "NO"}])
    make_rule(rules.FIXED, "7", name="Sverige", conditions=[
        {"type": rules.SHIPPING_COUNTRY, "country": "SE"}])
    client = api(customer)
    first = checkout_with_shipping(client, shop)
    assert sorted(r["name"] for r in read(client, first)["discountRules"]) == ["Gruppe", "Norge"]
    paid(factories.create_order(user=customer, lines=[(shop.mug, 1)]))
    second = checkout_with_shipping(client, shop)
    assert sorted(r["name"] for r in read(client, second)["discountRules"]) == [
        "Gruppe", "Igjen", "Norge"]
    assert amount(read(client, second)["totalPrice"]["gross"]["amount"]) == Decimal("490.50")
    stranger = api(factories.create_customer())
    assert [r["name"] for r in read(stranger, checkout_with_shipping(stranger, shop)
                                    )["discountRules"]] == ["Norge"]


def test_a_rule_used_up_by_an_order_is_gone_from_the_next_checkout(api, rules_on, shop,
                                                                  customer):
    make_rule(rules.FIXED, "50", name="Én gang", usage_limit=1)
    client = api(customer)
    first = checkout_with_shipping(client, shop)
    assert [r["name"] for r in read(client, first)["discountRules"]] == ["Én gang"]
    assert pay_and_complete(client, first, Decimal("475.50"))["checkoutErrors"] == []
    assert DiscountRule.objects.get(name="Én gang").used_count == 1
    second = checkout_with_shipping(client, shop)
    assert read(client, second)["discountRules"] == []
    assert amount(read(client, second)["totalPrice"]["gross"]["amount"]) == Decimal("525.50")


def test_rules_apply_only_while_the_plugin_is_on_and_survive_switching(api, shop, customer,
                                                                       all_plugins_active):
    from saleor.plugins.models import PluginConfiguration

    make_rule(rules.FIXED, "50.00")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    PluginConfiguration.objects.filter(identifier="saleor_plugins.discount_rules").update(active=False)
    shown = read(client, checkout)
    assert amount(shown["totalPrice"]["gross"]["amount"]) == Decimal("525.50")
    assert shown["discountRules"] == []
    PluginConfiguration.objects.filter(identifier="saleor_plugins.discount_rules").update(active=True)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    assert DiscountRule.objects.count() == 1


def test_codes_are_entered_on_the_checkout_next_to_saleors_voucher(api, rules_on, shop, customer):
    rule = make_rule(rules.PERCENTAGE, "10", name="Kode", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="KAFFE10")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert read(client, checkout)["discountRules"] == []
    result = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": " kaffe10 "}
                         )["checkoutDiscountCodeAdd"]
    assert result["discountRuleErrors"] == []
    assert amount(result["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("477.85")
    shown = read(client, checkout)
    assert shown["discountCodes"] == ["KAFFE10"] and shown["discountRules"][0]["code"] == "KAFFE10"
    wrong = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "NOPE"}
                        )["checkoutDiscountCodeAdd"]
    assert wrong["discountRuleErrors"] == [
        {"field": "code", "message": "This code is not valid.", "code": "NOT_FOUND"}]
    other = api(factories.create_customer()).data(
        CODE_ADD, {"checkoutId": checkout["id"], "code": "KAFFE10"})["checkoutDiscountCodeAdd"]
    assert other["discountRuleErrors"][0]["code"] == "NOT_FOUND"
    completed = pay_and_complete(client, checkout, Decimal("477.85"))
    assert completed["checkoutErrors"] == []
    assert DiscountCode.objects.get(code="KAFFE10").used_count == 1
    assert DiscountRule.objects.get(pk=rule.pk).used_count == 1
    order = Order.objects.get(token=completed["order"]["token"])
    assert list(CodeRedemption.objects.filter(code__code="KAFFE10").values_list(
        "order_id", flat=True)) == [order.pk]
    assert not CheckoutCode.objects.filter(checkout_token=checkout["token"]).exists()


def test_single_use_code_needs_an_account_and_works_once(api, rules_on, shop, customer):
    rule = make_rule(rules.FIXED, "100", name="Velkommen", conditions=[
        {"type": rules.SINGLE_USE_CODE}])
    DiscountCode.objects.create(rule=rule, code="VELKOMMEN", once_per_customer=True)
    guest = api()
    guest_checkout = checkout_with_shipping(guest, shop)
    refused = guest.data(CODE_ADD, {"checkoutId": guest_checkout["id"], "code": "VELKOMMEN"}
                         )["checkoutDiscountCodeAdd"]
    assert refused["discountRuleErrors"][0]["code"] == "LOGIN_REQUIRED"

    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "VELKOMMEN"})
    completed = pay_and_complete(client, checkout, Decimal("425.50"))
    assert completed["checkoutErrors"] == []
    again = checkout_with_shipping(client, shop)
    second = client.data(CODE_ADD, {"checkoutId": again["id"], "code": "VELKOMMEN"}
                         )["checkoutDiscountCodeAdd"]
    assert second["discountRuleErrors"] == [{"field": "code", "code": "CODE_NOT_USABLE",
                                             "message": "This code has already been used."}]


@pytest.mark.django_db(transaction=True)
def test_single_use_code_completes_once_when_two_checkouts_race(shop, customer, all_plugins_active):
    rule = make_rule(rules.FIXED, "100", name="En gang", conditions=[
        {"type": rules.SINGLE_USE_CODE}])
    code = DiscountCode.objects.create(rule=rule, code="ENGANG", once_per_customer=True)
    checkouts = []
    for _ in range(2):
        checkout = factories.create_checkout(
            user=customer, lines=[(shop.coffee, 3), (shop.mug, 1)],
            shipping_method=shop.shipping_method)
        CheckoutCode.objects.create(checkout_token=checkout.token, code=code)
        checkouts.append(Node.to_global_id("Checkout", checkout.token))
    for checkout_id in checkouts:
        paid = GraphQLClient(customer).data(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": "charged", "amount": "425.50"}})
        assert paid["checkoutPaymentCreate"]["paymentErrors"] == []

    barrier = threading.Barrier(2)
    results = []

    def complete(checkout_id):
        try:
            client = GraphQLClient(customer)
            barrier.wait()
            results.append(client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout_id}
                                       )["checkoutComplete"])
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(c,)) for c in checkouts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r["checkoutErrors"] for r in results if r["checkoutErrors"]]
    assert len(results) == 2 and len(errors) == 1
    # the loser is refused at the code's lock (naming the code), or, when it prices its cart
    # after the winner committed, by Saleor: its one payment no longer covers the total
    refusal = errors[0][0]
    assert refusal["code"] in {"VOUCHER_NOT_APPLICABLE", "CHECKOUT_NOT_FULLY_PAID"}, refusal
    if refusal["code"] == "VOUCHER_NOT_APPLICABLE":
        assert "ENGANG" in refusal["message"], refusal
    order = Order.objects.get()
    assert CodeRedemption.objects.filter(code=code, order__isnull=False).count() == 1
    code.refresh_from_db()
    assert code.used_count == 1 and order.total.gross.amount == Decimal("425.50")
    # nothing charged for the loser: its payment is not the order's and took no money
    assert Payment.objects.exclude(order=order).get().captured_amount == 0
    assert not Payment.objects.exclude(order=order).get().transactions.filter(
        kind="capture").exists()


def test_a_code_used_up_while_paying_is_named_in_the_refusal(shop, customer, all_plugins_active):
    rule = make_rule(rules.FIXED, "100", name="En gang", conditions=[{"type": rules.CODE}])
    code = DiscountCode.objects.create(rule=rule, code="ENGANG", max_uses=1)

    def pay(checkout_id, token, amount):
        paid = GraphQLClient(customer).data(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": token, "amount": amount}})
        assert paid["checkoutPaymentCreate"]["paymentErrors"] == []

    checkouts = []
    for index in range(2):
        checkout = factories.create_checkout(
            user=customer, lines=[(shop.coffee, 3), (shop.mug, 1)],
            shipping_method=shop.shipping_method)
        checkout_id = Node.to_global_id("Checkout", checkout.token)
        if index:  # the second shopper paid once before entering the code
            pay(checkout_id, "before-code", "525.50")
        CheckoutCode.objects.create(checkout_token=checkout.token, code=code)
        pay(checkout_id, "with-code", "425.50")
        checkouts.append(checkout_id)
    first, second = (GraphQLClient(customer).data(CHECKOUT_COMPLETE, {"checkoutId": c}
                                                  )["checkoutComplete"] for c in checkouts)
    assert first["checkoutErrors"] == [] and first["order"]
    # the payments cover the new total, but the one to charge was for the old one: the code
    # going is the reason to tell the shopper, not the sum
    assert second["checkoutErrors"] == [{"field": None, "code": "VOUCHER_NOT_APPLICABLE",
                                         "message": "The code ENGANG has been used up."}]
    assert Order.objects.count() == 1
    assert [p.captured_amount for p in Payment.objects.filter(order__isnull=True)] == [0, 0]


def test_last_use_of_a_limited_rule_is_reserved_before_payment(api, rules_on, shop, customer):
    import uuid

    offer = make_rule(rules.FIXED, "50.00", name="Siste", usage_limit=1)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    elsewhere = RuleUse.objects.create(rule=offer, checkout_token=uuid.uuid4())  # paying now
    refused = pay_and_complete(client, checkout, Decimal("475.50"))
    assert refused["checkoutErrors"] == [{"field": None, "code": "VOUCHER_NOT_APPLICABLE",
                                          "message": "The offer Siste has run out."}]
    assert not Order.objects.exists() and RuleUse.objects.get() == elsewhere
    elsewhere.delete()  # that payment failed: the use is free again
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert completed["checkoutErrors"] == []
    order = Order.objects.get()
    assert RuleUse.objects.get().order == order and order.total.gross.amount == Decimal("475.50")
    offer.refresh_from_db()
    assert offer.used_count == 1


def test_completion_charges_exactly_the_total_after_it_changed(api, rules_on, shop, customer):
    rule = make_rule(rules.FIXED, "50.00", name="Kode", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="SENT")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    paid = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": "before-code", "amount": "525.50"}})
    assert paid["checkoutPaymentCreate"]["paymentErrors"] == []
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "SENT"})  # total now 475.50
    # Saleor alone would charge 525.50 for a 475.50 order (525.50 covers it)
    refused = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert [e["code"] for e in refused["checkoutErrors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    assert not Order.objects.exists()
    completed = pay_and_complete(client, checkout, Decimal("475.50"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get()
    charged = order.payments.get(captured_amount__gt=0)
    assert order.total.gross.amount == charged.captured_amount == Decimal("475.50")


@pytest.mark.parametrize("included,net,gross,change", [
    # prices include VAT: 10 % of the gross goods (476.50) = 47.65; net follows the 25 % rate
    (True, Decimal("382.28"), Decimal("477.85"), Decimal("-47.65")),
    # prices exclude VAT: 10 % of the net goods (476.50) = 47.65; VAT is added on top, per
    # unit as the order's unit prices keep it (3 x 145.13, not 435.38 for the line)
    (False, Decimal("477.85"), Decimal("597.33"), Decimal("-47.65")),
])
def test_vat_inclusive_shops_discount_gross_exclusive_shops_net(
        api, shop, customer, all_plugins_active, settings, included, net, gross, change):
    from saleor.site.models import SiteSettings

    plugins = list(settings.PLUGINS)
    plugins.insert(plugins.index("saleor_plugins.discount_rules.plugin.DiscountRulesPlugin"),
                   "tests.sample_plugins.FlatVatSamplePlugin")
    settings.PLUGINS = plugins
    SiteSettings.objects.update(include_taxes_in_prices=included)
    make_rule(rules.PERCENTAGE, "10", name="Ti prosent")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    shown = client.data("""query($token: UUID!) { checkout(token: $token) {
        totalPrice { net { amount } gross { amount } }
        discountRules { amount { amount } } } }""", {"token": checkout["token"]})["checkout"]
    assert amount(shown["totalPrice"]["net"]["amount"]) == net
    assert amount(shown["totalPrice"]["gross"]["amount"]) == gross
    assert amount(shown["discountRules"][0]["amount"]["amount"]) == change
    completed = pay_and_complete(client, checkout, gross)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert (order.total.net.amount, order.total.gross.amount) == (net, gross)
    recalculate_order(order)  # as Saleor does when staff change the order
    order.refresh_from_db()
    assert (order.total.net.amount, order.total.gross.amount) == (net, gross)


def test_klarna_charges_what_the_rules_leave(api, all_plugins_active, klarna_gateway, shop,
                                              customer, klarna):
    from saleor_plugins.klarna.models import KlarnaOrder

    from .test_klarna_gateway import open_session, pay

    make_rule(rules.FIXED, "50.00", name="Femti")
    make_rule(rules.FREE_SHIPPING, name="Fri frakt")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    checkout["total"] = Decimal("426.50")  # 387.00 + 89.50 - 50.00, shipping free
    session = open_session(client, checkout)
    assert amount(session["amount"]["amount"]) == checkout["total"]
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    remote = klarna.orders[KlarnaOrder.objects.get(order=order).klarna_order_id]
    assert remote["order_amount"] == 42650 == int(order.total.gross.amount * 100)
    # the products at their prices, the rule as its own named line (shipping is free)
    assert [(line["type"], line["name"], line["total_amount"]) for line in remote["order_lines"]
            ] == [("physical", "Kaffe Fjell", 38700), ("physical", "Krus", 8950),
                  ("discount", "Femti", -5000)]


def test_saleor_voucher_and_a_rule_code_apply_together(api, rules_on, shop, customer):
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher

    Voucher.objects.create(code="SALEOR20", type=VoucherType.ENTIRE_ORDER,
                           discount_value_type=DiscountValueType.FIXED, discount_value=20)
    rule = make_rule(rules.FIXED, "50.00", name="Kode", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="RULE50")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "RULE50"})
    added = client.data("""mutation($id: ID!) { checkoutAddPromoCode(checkoutId: $id,
        promoCode: "SALEOR20") { checkoutErrors { code } checkout { voucherCode
        totalPrice { gross { amount } } } } }""", {"id": checkout["id"]})["checkoutAddPromoCode"]
    assert added["checkoutErrors"] == []
    assert added["checkout"]["voucherCode"] == "SALEOR20"
    total = Decimal("455.50")  # 525.50 - 50 (rule) - 20 (voucher)
    assert amount(added["checkout"]["totalPrice"]["gross"]["amount"]) == total
    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.voucher.code == "SALEOR20" and order.discount.amount == Decimal("20.00")
    assert order.total.gross.amount == total


def test_abandoned_code_reservations_are_released(db, customer):
    import datetime
    import uuid

    from django.utils import timezone

    from saleor_plugins.discount_rules.tasks import release_stale_code_reservations

    rule = make_rule(rules.FIXED, "10")
    code = DiscountCode.objects.create(rule=rule, code="HOLD", once_per_customer=True)
    old = CodeRedemption.objects.create(code=code, user=customer, per_customer=True,
                                        checkout_token=uuid.uuid4())
    CodeRedemption.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3))
    fresh_code = DiscountCode.objects.create(rule=rule, code="FRESH", once_per_customer=True)
    CodeRedemption.objects.create(code=fresh_code, user=customer, per_customer=True,
                                  checkout_token=uuid.uuid4())
    limited = make_rule(rules.FIXED, "10", usage_limit=1)
    stale_use = RuleUse.objects.create(rule=limited, checkout_token=uuid.uuid4())
    RuleUse.objects.filter(pk=stale_use.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3))
    fresh_use = RuleUse.objects.create(rule=limited, checkout_token=uuid.uuid4())
    assert release_stale_code_reservations.delay().get() == 2
    assert list(CodeRedemption.objects.values_list("code__code", flat=True)) == ["FRESH"]
    assert list(RuleUse.objects.all()) == [fresh_use]


@pytest.mark.parametrize("language,message", [("nb", "Denne koden er ikke gyldig."),
                                              ("de", "Dieser Code ist nicht gültig.")])
def test_code_errors_in_the_shoppers_language(rules_on, shop, customer, language, message):
    client = GraphQLClient(customer, language=language)
    checkout = checkout_with_shipping(client, shop)
    result = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "NOPE"}
                         )["checkoutDiscountCodeAdd"]
    assert result["discountRuleErrors"][0]["message"] == message


def test_item15_04_order_history_counts_paid_web_orders_net_of_refunds_in_shop_currency(
        api, rules_on, shop, customer):
    from saleor.order import OrderStatus

    from saleor_plugins.klarna_instore.orders import METADATA_KEY

    make_rule(rules.FIXED, "20", name="Andre", conditions=[{"type": rules.SECOND_ORDER}])
    make_rule(rules.FIXED, "30", name="Stempelkort", conditions=[
        {"type": rules.LIFETIME_TOTAL_AT_LEAST, "amount": Decimal("400")}])
    client = api(customer)

    def applied():
        return sorted(r["name"] for r in read(client, checkout_with_shipping(client, shop)
                                              )["discountRules"])

    factories.create_order(user=customer, lines=[(shop.coffee, 3)])  # unpaid: 387.00
    till = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    till.metadata = {METADATA_KEY: {"till": "Kasse 1"}}
    till.save(update_fields=["metadata"])
    cancelled = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    Order.objects.filter(pk=cancelled.pk).update(status=OrderStatus.CANCELED)
    paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]), refunded="387.00")
    euro = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    Order.objects.filter(pk=euro.pk).update(currency="EUR")
    payment = euro.payments.get()
    payment.currency = "EUR"
    payment.save(update_fields=["currency"])
    # none is a paid web-shop order in the shop's currency... but the euro one is paid: it is
    # an order (the second order comes after it), its money is not in the punch card's NOK
    assert applied() == ["Andre"]
    paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]), refunded="87.00")
    # now two orders count (no second order any more); 300.00 NOK paid, less than 400.00
    assert applied() == []
    paid(factories.create_order(user=customer, lines=[(shop.mug, 2)]))  # 179.00
    assert applied() == ["Stempelkort"]  # 479.00 NOK
