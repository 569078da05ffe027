"""Issue 15, items 1 and 2: a cancelled or refunded order gives its code and limit uses back
(once), and a code that cannot apply is refused saying why; a code taken off a checkout
(Saleor 2.10.1 and 3.23, the world from ``tests.factories``)."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from graphene import Node
from saleor.order.models import Order

from saleor_plugins.core.permissions import DiscountRulePermissions
from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import CodeRedemption, DiscountCode, DiscountRule

from . import factories
from .cart_rules_helpers import (
    CODE_ADD,
    DECIMAL,
    amount,
    another_checkout,
    checkout_with_shipping,
    make_rule,
    order_of,
    order_staff,
    pay_and_complete,
    read,
)
from .graphql_client import GraphQLClient

CODE_ADD_WHY = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    applies message missingConditions { type message }
    checkout { totalPrice { gross { amount } } }
    discountRuleErrors { field message code }
  }
}"""
CANCEL = """mutation($id: ID!) { orderCancel(id: $id) {
    order { status } orderErrors { field message code } } }"""
REFUND = f"""mutation($id: ID!, $amount: {DECIMAL}!) {{ orderRefund(id: $id, amount: $amount) {{
    order {{ paymentStatus }} orderErrors {{ field message code }} }} }}"""


def staff():
    return order_staff()


def single_use_offer():
    """A once-per-customer code and a rule that may be used twice in all."""
    welcome = make_rule(rules.FIXED, "100", name="Velkommen", conditions=[
        {"type": rules.SINGLE_USE_CODE}])
    code = DiscountCode.objects.create(rule=welcome, code="VELKOMMEN", once_per_customer=True)
    limited = make_rule(rules.FIXED, "10", name="To ganger", usage_limit=2)
    return welcome, code, limited


def order_with_code(client, shop):
    checkout = checkout_with_shipping(client, shop)
    added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "VELKOMMEN"}
                        )["checkoutDiscountCodeAdd"]
    assert added["discountRuleErrors"] == []
    total = amount(read(client, checkout)["totalPrice"]["gross"]["amount"])
    assert total == Decimal("415.50")  # 525.50 - 100 - 10
    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    return order_of(completed)


def counts(code, *rule_list):
    code.refresh_from_db()
    return (code.used_count,) + tuple(DiscountRule.objects.get(pk=r.pk).used_count
                                      for r in rule_list)


def test_item15_01_cancelling_an_order_gives_its_code_and_limit_uses_back_once(
        api, all_plugins_active, shop, customer):
    welcome, code, limited = single_use_offer()
    client = api(customer)
    first = order_with_code(client, shop)
    order_with_code(api(factories.create_customer()), shop)  # another customer, same offers
    assert counts(code, welcome, limited) == (2, 2, 2)
    again = checkout_with_shipping(client, shop)
    refused = client.data(CODE_ADD, {"checkoutId": again["id"], "code": "VELKOMMEN"}
                          )["checkoutDiscountCodeAdd"]
    assert refused["discountRuleErrors"][0]["code"] == "CODE_NOT_USABLE"
    assert read(client, again)["discountRules"] == []  # "To ganger" is used up

    cancelled = staff().data(CANCEL, {"id": Node.to_global_id("Order", first.pk)})["orderCancel"]
    assert cancelled["orderErrors"] == [] and cancelled["order"]["status"] == "CANCELED"
    assert counts(code, welcome, limited) == (1, 1, 1)
    # Saleor fires the hooks again (order_updated after every change): given back once only
    first.refresh_from_db()
    manager = factories.plugins_manager()
    for _ in range(2):
        manager.order_cancelled(first)
        manager.order_updated(first)
    assert counts(code, welcome, limited) == (1, 1, 1)
    # the customer may use the code again, and the limited offer is back
    added = client.data(CODE_ADD, {"checkoutId": again["id"], "code": "VELKOMMEN"}
                        )["checkoutDiscountCodeAdd"]
    assert added["discountRuleErrors"] == []
    assert sorted(r["name"] for r in read(client, again)["discountRules"]) == [
        "To ganger", "Velkommen"]
    assert order_with_code(client, shop).total.gross.amount == Decimal("415.50")
    assert counts(code, welcome, limited) == (2, 2, 2)


def test_item15_01_a_fully_refunded_order_gives_its_uses_back_a_partly_refunded_one_not(
        api, all_plugins_active, shop, customer):
    welcome, code, limited = single_use_offer()
    first = order_with_code(api(customer), shop)
    order_id = Node.to_global_id("Order", first.pk)
    partly = staff().data(REFUND, {"id": order_id, "amount": "100.00"})["orderRefund"]
    assert partly["orderErrors"] == [] and partly["order"]["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert counts(code, welcome, limited) == (1, 1, 1)
    fully = staff().data(REFUND, {"id": order_id, "amount": "315.50"})["orderRefund"]
    assert fully["orderErrors"] == [] and fully["order"]["paymentStatus"] == "FULLY_REFUNDED"
    assert counts(code, welcome, limited) == (0, 0, 0)
    assert not CodeRedemption.objects.filter(order=first).exists()
    # and cancelling it afterwards gives nothing back a second time
    staff().data(CANCEL, {"id": order_id})
    assert counts(code, welcome, limited) == (0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_item15_01_concurrent_cancel_hooks_give_the_uses_back_once(shop, customer,
                                                                  all_plugins_active):
    from saleor.order import OrderStatus

    welcome, code, limited = single_use_offer()
    first = order_with_code(GraphQLClient(customer), shop)
    order_with_code(GraphQLClient(factories.create_customer()), shop)
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.CANCELED)
    barrier = threading.Barrier(4)

    def cancel_hook():
        try:
            order = Order.objects.get(pk=first.pk)
            barrier.wait()
            factories.plugins_manager().order_cancelled(order)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel_hook) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts(code, welcome, limited) == (1, 1, 1)
    assert CodeRedemption.objects.filter(code=code).count() == 1


CODES_CREATE = """
mutation($ruleId: ID!, $codes: [String!], $once: Boolean) {
  discountCodesCreate(ruleId: $ruleId, codes: $codes, oncePerCustomer: $once) {
    codes discountRuleErrors { field message code }
  }
}"""


def manager_client():
    return GraphQLClient(factories.create_staff(
        permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES]))


def add_code(client, checkout, code, query=CODE_ADD):
    return client.data(query, {"checkoutId": checkout["id"], "code": code}
                       )["checkoutDiscountCodeAdd"]


@pytest.mark.parametrize("fields,code,message", [
    ({"is_active": False}, "RULE_NOT_ACTIVE", "The offer Tilbud is not active."),
    ({"starts_at": timezone.now() + datetime.timedelta(days=2)}, "NOT_YET_VALID",
     "The offer Tilbud starts "),
    ({"ends_at": timezone.now() - datetime.timedelta(days=2)}, "EXPIRED",
     "The offer Tilbud ended "),
    ({"usage_limit": 1, "used_count": 1}, "CODE_NOT_USABLE", "The offer Tilbud has run out."),
])
def test_item15_02_a_code_of_an_offer_that_cannot_apply_is_refused_saying_why(
        api, all_plugins_active, shop, customer, fields, code, message):
    rule = make_rule(rules.FIXED, "50", name="Tilbud", conditions=[{"type": rules.CODE}],
                     **fields)
    DiscountCode.objects.create(rule=rule, code="TILBUD")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    result = add_code(client, checkout, "TILBUD")
    [error] = result["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("code", code)
    assert error["message"].startswith(message)
    assert read(client, checkout)["discountCodes"] == []


def test_item15_02_a_code_that_applies_says_so(api, all_plugins_active, shop, customer):
    rule = make_rule(rules.FIXED, "50", name="Tilbud", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="TILBUD")
    client = api(customer)
    result = add_code(client, checkout_with_shipping(client, shop), "TILBUD", CODE_ADD_WHY)
    assert (result["applies"], result["message"], result["missingConditions"]) == (True, None, [])


def test_item15_02_a_single_use_code_made_without_once_per_customer_works_once_per_account(
        api, all_plugins_active, shop, customer):
    staff_member = manager_client()
    rule = make_rule(rules.FIXED, "100", name="Engang", conditions=[
        {"type": rules.SINGLE_USE_CODE}])
    made = staff_member.data(CODES_CREATE, {
        "ruleId": Node.to_global_id("DiscountRule", rule.pk), "codes": ["ENGANG"]}
    )["discountCodesCreate"]
    assert made["discountRuleErrors"] == [] and made["codes"] == ["ENGANG"]
    refused = staff_member.data(CODES_CREATE, {
        "ruleId": Node.to_global_id("DiscountRule", rule.pk), "codes": ["TO"], "once": False}
    )["discountCodesCreate"]
    assert refused["discountRuleErrors"][0]["field"] == "oncePerCustomer"
    # a guest is told to log in; a customer gets the discount, once
    guest = api()
    guest_checkout = checkout_with_shipping(guest, shop)
    assert add_code(guest, guest_checkout, "ENGANG")["discountRuleErrors"] == [
        {"field": "code", "code": "LOGIN_REQUIRED", "message": "Log in to use this code."}]
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    added = add_code(client, checkout, "ENGANG")
    assert added["discountRuleErrors"] == []
    assert amount(added["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("425.50")
    assert pay_and_complete(client, checkout, Decimal("425.50"))["checkoutErrors"] == []
    again = checkout_with_shipping(client, shop)
    assert add_code(client, again, "ENGANG")["discountRuleErrors"][0]["code"] == \
        "CODE_NOT_USABLE"


def test_item15_02_a_code_on_a_rule_without_a_code_condition_is_refused(
        api, all_plugins_active, shop, customer):
    rule = make_rule(rules.FIXED, "20", name="Alltid")
    made = manager_client().data(CODES_CREATE, {
        "ruleId": Node.to_global_id("DiscountRule", rule.pk), "codes": ["ALLTID"]}
    )["discountCodesCreate"]
    assert [(e["field"], e["code"]) for e in made["discountRuleErrors"]] == [
        ("ruleId", "NO_CODE_CONDITION")]
    assert not DiscountCode.objects.exists()
    DiscountCode.objects.create(rule=rule, code="GAMMEL")  # made before the check existed
    client = api(customer)
    result = add_code(client, checkout_with_shipping(client, shop), "GAMMEL")
    assert result["discountRuleErrors"] == [{"field": "code", "code": "CODE_NOT_USABLE",
                                             "message": "This code does not unlock any offer."}]


def test_item15_02_a_code_whose_cart_does_not_qualify_yet_is_kept_with_what_is_missing(
        api, all_plugins_active, shop, customer):
    rule = make_rule(rules.FIXED, "100", name="Storhandel", conditions=[
        {"type": rules.CODE}, {"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal("1000")},
        {"type": rules.SHIPPING_COUNTRY, "country": "SE"}])
    DiscountCode.objects.create(rule=rule, code="STOR")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)  # 476.50 of goods, shipped to Norway
    result = add_code(client, checkout, "STOR", CODE_ADD_WHY)
    assert result["discountRuleErrors"] == [] and result["applies"] is False
    assert [m["type"] for m in result["missingConditions"]] == [
        "CART_AMOUNT_AT_LEAST", "SHIPPING_COUNTRY"]
    assert "1,000.00" in result["missingConditions"][0]["message"]
    assert result["missingConditions"][1]["message"] == "Ship to Sweden."
    assert result["message"].startswith("The code is saved. Storhandel applies when:")
    assert read(client, checkout)["discountCodes"] == ["STOR"]
    assert amount(result["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("525.50")
    # in the shopper's language
    norwegian = GraphQLClient(customer, language="nb")
    said = add_code(norwegian, checkout, "STOR", CODE_ADD_WHY)
    assert said["missingConditions"][1]["message"] == "Send til Sverige."


CODE_REMOVE = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeRemove(checkoutId: $checkoutId, code: $code) {
    checkout { totalPrice { gross { amount } } }
    discountRuleErrors { field message code }
  }
}"""


def remove_code(client, checkout, code):
    return client.data(CODE_REMOVE, {"checkoutId": checkout["id"], "code": code}
                       )["checkoutDiscountCodeRemove"]


def test_a_code_taken_off_the_checkout_takes_its_offer_and_its_hold_with_it(
        api, all_plugins_active, shop, customer):
    welcome, code, _limited = single_use_offer()
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert add_code(client, checkout, "VELKOMMEN")["discountRuleErrors"] == []
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("415.50")
    # only the checkout's customer may take it off
    stranger = remove_code(api(factories.create_customer()), checkout, "VELKOMMEN")
    assert stranger["discountRuleErrors"] == [
        {"field": "checkoutId", "code": "NOT_FOUND", "message": "Couldn't find the checkout."}]
    assert read(client, checkout)["discountCodes"] == ["VELKOMMEN"]
    removed = remove_code(client, checkout, " velkommen ")
    assert removed["discountRuleErrors"] == []
    shown = read(client, checkout)
    assert shown["discountCodes"] == []
    assert [r["name"] for r in shown["discountRules"]] == ["To ganger"]
    assert amount(shown["totalPrice"]["gross"]["amount"]) == Decimal("515.50")
    assert not CodeRedemption.objects.filter(code=code, order__isnull=True).exists()
    # a code that is not on the checkout: nothing to take off, nothing refused
    assert remove_code(client, checkout, "VELKOMMEN")["discountRuleErrors"] == []
    # the once-per-customer code is free for the customer's other checkout
    other = another_checkout(customer, shop)
    assert add_code(client, other, "VELKOMMEN")["discountRuleErrors"] == []
    assert sorted(r["name"] for r in read(client, other)["discountRules"]) == [
        "To ganger", "Velkommen"]
    assert counts(code, welcome) == (0, 0)
