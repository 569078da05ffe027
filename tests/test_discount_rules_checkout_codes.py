"""Cart-rule codes at the checkout through Saleor's /graphql/ on Saleor 2.10.1 and 3.23:
entered beside Saleor's voucher, single-use codes, two completions racing for one code, a
code used up while paying, and completion charging exactly the new total.

The world is ``tests.factories``' (the ``shop`` fixture), the storefront steps
``tests.cart_rules_helpers``'; what 3.23 answers differently by design comes from
``ON_THIS_SALEOR`` there."""
import threading
from decimal import Decimal

import pytest
from django.db import connection
from saleor.order.models import Order
from saleor.payment.models import Payment

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import (
    CheckoutCode,
    CodeRedemption,
    DiscountCode,
    DiscountRule,
    RuleUse,
)

from . import factories
from .cart_rules_helpers import (
    CODE_ADD,
    ON_THIS_SALEOR,
    ORDER_VOUCHER,
    PROMO_CODE_ADD,
    amount,
    another_checkout,
    checkout_with_shipping,
    make_rule,
    order_of,
    order_staff,
    pay_and_complete,
    read,
)
from .checkout_helpers import complete, pay
from .graphql_client import GraphQLClient


@pytest.fixture


def rules_on(all_plugins_active):
    return all_plugins_active


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
    order = order_of(completed)
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
        client = GraphQLClient(customer)
        checkout = another_checkout(customer, shop)
        added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "ENGANG"}
                            )["checkoutDiscountCodeAdd"]
        assert added["discountRuleErrors"] == []
        pay(client, checkout, "425.50")
        checkouts.append(checkout)

    barrier = threading.Barrier(2)
    results = []

    def complete_when_both_are_ready(checkout):
        try:
            client = GraphQLClient(customer)
            barrier.wait()
            results.append(complete(client, checkout))
        finally:
            connection.close()

    threads = [threading.Thread(target=complete_when_both_are_ready, args=(c,))
               for c in checkouts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r["checkoutErrors"] for r in results if r["checkoutErrors"]]
    assert len(results) == 2 and len(errors) == 1
    # the loser is refused at the code's lock (naming the code), or, when it prices its cart
    # after the winner committed, by Saleor: its one payment no longer covers the total
    refusal = errors[0][0]
    assert refusal["code"] in ON_THIS_SALEOR.race_refusals, refusal
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

    client = GraphQLClient(customer)
    checkouts = []
    for index in range(2):
        checkout = another_checkout(customer, shop)
        if index:  # the second shopper paid once before entering the code
            pay(client, checkout, "525.50", token="before-code")
        added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "ENGANG"}
                            )["checkoutDiscountCodeAdd"]
        assert added["discountRuleErrors"] == []
        pay(client, checkout, "425.50", token="with-code")
        checkouts.append(checkout)
    first, second = (complete(client, c) for c in checkouts)
    assert first["checkoutErrors"] == [] and first["order"]
    # the payments cover the new total, but the one to charge was for the old one: the code
    # going is the reason to tell the shopper, not the sum
    assert second["checkoutErrors"] == ON_THIS_SALEOR.used_up_code_refusal("ENGANG")
    assert Order.objects.count() == 1
    assert [p.captured_amount for p in Payment.objects.filter(order__isnull=True)] == [0, 0]


def test_completion_charges_exactly_the_total_after_it_changed(api, rules_on, shop, customer):
    rule = make_rule(rules.FIXED, "50.00", name="Kode", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="SENT")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    pay(client, checkout, "525.50", token="before-code")
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "SENT"})  # total now 475.50
    # Saleor alone would charge 525.50 for a 475.50 order (525.50 covers it)
    refused = complete(client, checkout)
    assert [e["code"] for e in refused["checkoutErrors"]] == ["CHECKOUT_NOT_FULLY_PAID"]
    assert not Order.objects.exists()
    completed = pay_and_complete(client, checkout, Decimal("475.50"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get()
    charged = order.payments.get(captured_amount__gt=0)
    assert order.total.gross.amount == charged.captured_amount == Decimal("475.50")


def test_saleor_voucher_and_a_rule_code_apply_together(api, rules_on, shop, customer):
    factories.create_voucher("SALEOR20", "20")
    rule = make_rule(rules.FIXED, "50.00", name="Kode", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="RULE50")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "RULE50"})
    added = client.data(PROMO_CODE_ADD, {"id": checkout["id"], "code": "SALEOR20"}
                        )["checkoutAddPromoCode"]
    assert added["checkoutErrors"] == []
    assert added["checkout"]["voucherCode"] == "SALEOR20"
    total = Decimal("455.50")  # 525.50 - 50 (rule) - 20 (voucher)
    assert amount(added["checkout"]["totalPrice"]["gross"]["amount"]) == total
    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    shown = order_staff().data(ORDER_VOUCHER, {"id": completed["order"]["id"]})["order"]
    assert shown["voucher"]["code"] == "SALEOR20"
    assert amount(shown["discount"]["amount"]) == Decimal("20.00")
    assert amount(shown["total"]["gross"]["amount"]) == total
    assert order_of(completed).total.gross.amount == total


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
