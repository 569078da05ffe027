"""Fifty storefront clients check out at once over real HTTP, racing for codes, offers and points.

Two Saleor server processes serve /graphql/ on loopback; each client is a thread with its own
``requests`` session that runs Saleor's whole checkout: guest cart → JWT login and
``checkoutCustomerAttach`` → add lines → shipping method → rule code and/or loyalty points →
dummy payment → ``checkoutComplete``.
Contention is built in: 20 clients for 10 one-use codes, 25 carts for an offer limited to 8
orders, 8 sessions of one customer spending one 500-point balance, automatic percentage and
free-shipping rules for everyone. A refusal must be a typed error; the client then pays the
new total and completes, as a shopper would. Afterwards every client has exactly one order
and the codes, offer uses, points and totals add up.
"""
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import List, Optional

import pytest
from graphene import Node
from saleor.account.models import User
from saleor.order.models import Order
from saleor.warehouse.models import Stock

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import CodeRedemption, DiscountCode, OrderRule
from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import (
    POSTED,
    REDEEM,
    LedgerEntry,
    OrderPoints,
    Reservation,
)

from . import factories
from .cart_rules_helpers import CODE_ADD, make_rule
from .checkout_helpers import (
    CHECKOUT_COMPLETE,
    LINES_ADD,
    PAYMENT_CREATE,
    SHIPPING_UPDATE,
    create_checkout,
    first_errors,
)
from .graphql_client import HttpGraphQLClient
from .loyalty_helpers import APPLY, configure, give_points
from .shop_server import shop_servers  # noqa: F401 (fixture)

CLIENTS = 50
SERVERS = 2
CODES = 10  # one use each, two clients per code
CODE_RACERS = range(18, 38)
SHARED_SESSIONS = range(0, 8)  # one customer, 500 points, 100 points per session
SHARED_POINTS, SHARED_SPEND = 500, 100
OWN_BALANCES = range(8, 18)  # a customer each with 300 points, spending what they may
OWN_POINTS = 300
OFFER_LIMIT = 8  # orders the mug offer may give, raced for by every cart with a mug
DEADLINE_SECONDS = 150
ATTEMPTS = 15  # payments per client; a refused one pays the new total and tries again
# what a refused step may answer; anything else is a failure
EXPECTED_REFUSALS = {
    "checkoutDiscountCodeAdd": {"CODE_NOT_USABLE"},
    "checkoutLoyaltyPointsApply": {"INSUFFICIENT_POINTS"},
    "checkoutPaymentCreate": {"PARTIAL_PAYMENT_NOT_ALLOWED"},
    "checkoutComplete": {"VOUCHER_NOT_APPLICABLE", "CHECKOUT_NOT_FULLY_PAID"},
}

CUSTOMER_ATTACH = """
mutation($checkoutId: ID!) {
  checkoutCustomerAttach(checkoutId: $checkoutId) { checkoutErrors { field message code } }
}"""

CHECKOUT_STATE = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { gross { amount } }
    discountRules { name code }
    loyalty { pointsApplied }
  }
}"""


@dataclass
class Plan:
    index: int
    email: str
    with_mug: bool
    code: Optional[str] = None
    points: Optional[int] = None  # None: no points; 0: as many as allowed
    # filled in by the run
    refusals: List[tuple] = field(default_factory=list)
    order: Optional[dict] = None
    shown_total: Optional[Decimal] = None
    payment_token: Optional[str] = None
    shown_points: int = 0
    shown_rules: List[dict] = field(default_factory=list)
    failure: Optional[str] = None
    statuses: List[int] = field(default_factory=list)
    errors: List[dict] = field(default_factory=list)
    history: List[tuple] = field(default_factory=list)


class Deadline(Exception):
    pass


def build_shop(shop):
    configure()  # loyalty on, 1 point per krone earned on payment, 0.10 kr per point
    Stock.objects.update(quantity=10_000)
    make_rule(rules.PERCENTAGE, "10", name="Ti prosent")
    make_rule(rules.FREE_SHIPPING, name="Fri frakt over 350", conditions=[
        {"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal("350")}])
    offer = make_rule(rules.FIXED, "25", name="Krustilbud", usage_limit=OFFER_LIMIT, conditions=[
        {"type": rules.PRODUCT, "product": shop.mug.product}])
    code_rule = make_rule(rules.FIXED, "30", name="Kode 30", conditions=[{"type": rules.CODE}])
    codes = [DiscountCode.objects.create(rule=code_rule, code=f"EN-GANG-{i}", max_uses=1)
             for i in range(CODES)]
    shared = factories.create_customer("delt.konto@example.com")
    give_points(shared, SHARED_POINTS)
    plans, accounts = [], {shared.email: SHARED_POINTS}
    for index in range(CLIENTS):
        plan = Plan(index, shared.email, with_mug=index % 2 == 0)
        if index in SHARED_SESSIONS:
            plan.points = SHARED_SPEND
        else:
            customer = factories.create_customer(f"kunde{index}@example.com")
            plan.email = customer.email
            if index in OWN_BALANCES:
                give_points(customer, OWN_POINTS)
                accounts[customer.email] = OWN_POINTS
                plan.points = 0
        if index in CODE_RACERS:
            plan.code = codes[(index - CODE_RACERS.start) % CODES].code
        plans.append(plan)
    return plans, accounts, offer, codes


def shop_once(plan, url, shop, barriers, deadline):
    """One storefront: the whole checkout, paying again after a typed refusal."""
    client = HttpGraphQLClient(url, timeout=60)

    def call(query, variables, name):
        if time.monotonic() > deadline:
            raise Deadline(name)
        return client.data(query, variables)[name]

    try:
        # a logged-in checkoutCreate hands back the customer's existing checkout, so the
        # sessions of the shared customer would share one whenever another's came first:
        # each session starts as a guest cart and logs in, as a shopper in another window
        checkout = create_checkout(client, [(shop.coffee, 2)], email=plan.email)
        ids = {"checkoutId": checkout["id"]}
        client.login(plan.email, "password")
        attached = call(CUSTOMER_ATTACH, ids, "checkoutCustomerAttach")
        assert attached["checkoutErrors"] == [], attached
        added = call(LINES_ADD, dict(ids, lines=[{
            "variantId": Node.to_global_id("ProductVariant", (shop.mug if plan.with_mug
                                                                else shop.coffee).pk),
            "quantity": 1}]), "checkoutLinesAdd")
        assert added["checkoutErrors"] == [], added
        shipping = call(SHIPPING_UPDATE, dict(ids, shippingMethodId=Node.to_global_id(
            "ShippingMethod", shop.shipping_method.pk)), "checkoutShippingMethodUpdate")
        assert shipping["checkoutErrors"] == [], shipping
        barriers[0].wait(timeout=deadline - time.monotonic())  # codes and points at once
        if plan.code:
            entered = call(CODE_ADD, dict(ids, code=plan.code), "checkoutDiscountCodeAdd")
            plan.refusals += [("checkoutDiscountCodeAdd", e["code"])
                              for e in entered["discountRuleErrors"]]
        if plan.points is not None:
            points = {"points": plan.points} if plan.points else {"maximum": True}
            applied = call(APPLY, dict(ids, **points), "checkoutLoyaltyPointsApply")
            plan.refusals += [("checkoutLoyaltyPointsApply", e["code"])
                              for e in applied["loyaltyErrors"]]
        barriers[1].wait(timeout=deadline - time.monotonic())  # pay and complete at once
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(min(0.25 * attempt, 2))  # as a shopper reads the message first
            shown = call(CHECKOUT_STATE, {"token": checkout["token"]}, "checkout")
            total = Decimal(str(shown["totalPrice"]["gross"]["amount"]))
            # one token per amount: Saleor 2.10.1 hands back the payment it made for a token
            # on this checkout, so paying the same total again reuses that payment
            token = f"paid-{plan.index}-{total}"
            paid = call(PAYMENT_CREATE, dict(ids, input={
                "gateway": "mirumee.payments.dummy", "token": token, "amount": str(total)}),
                "checkoutPaymentCreate")
            if paid["paymentErrors"]:  # the total moved since it was shown
                plan.refusals += [("checkoutPaymentCreate", e["code"])
                                  for e in paid["paymentErrors"]]
                continue
            completed = call(CHECKOUT_COMPLETE, ids, "checkoutComplete")
            if completed["order"]:
                plan.order = completed["order"]
                plan.shown_total = total
                plan.payment_token = token
                plan.shown_points = (shown["loyalty"] or {}).get("pointsApplied") or 0
                plan.shown_rules = shown["discountRules"]
                break
            plan.refusals += [("checkoutComplete", e["code"]) for e in first_errors(completed)]
    except Exception as error:  # noqa: BLE001 (reported by the test, not lost in a thread)
        plan.failure = f"{type(error).__name__}: {error}"
        for barrier in barriers:
            barrier.abort()
    finally:
        plan.statuses, plan.errors, plan.history = client.statuses, client.errors, client.history
        client.close()


def run_clients(plans, servers, shop):
    barriers = [threading.Barrier(len(plans)) for _ in range(2)]
    deadline = time.monotonic() + DEADLINE_SECONDS
    threads = [
        threading.Thread(target=shop_once, daemon=True, args=(
            plan, servers[plan.index % len(servers)].url, shop, barriers, deadline))
        for plan in plans
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0) + 65)  # + one request's timeout
    return [plan.index for plan, thread in zip(plans, threads) if thread.is_alive()]


def explain(plan, order=None) -> str:
    """A client's requests and answers, and its order's payments: why a check failed."""
    lines = [f"client {plan.index} ({plan.email}, mug={plan.with_mug}, code={plan.code}, "
             f"points={plan.points}) refusals={plan.refusals}"]
    for seconds, operation, variables, content in plan.history:
        variables = {k: v for k, v in (variables or {}).items() if k != "password"}
        lines.append(f"  {seconds:.3f} {operation} {variables} -> {content}")
    for payment in (order.payments.order_by("pk") if order else []):
        lines.append(f"  payment {payment.pk} token={payment.token} total={payment.total} "
                     f"captured={payment.captured_amount} active={payment.is_active}")
        for txn in payment.transactions.order_by("pk"):
            lines.append(f"    {txn.created} {txn.kind} {txn.amount} success={txn.is_success}")
    return "\n".join(lines)


def amount(value):
    return Decimal(str(value))


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_check_out_at_once_with_rules_codes_and_points(
        shop_servers, shop, all_plugins_active):  # noqa: F811
    plans, accounts, offer, codes = build_shop(shop)
    servers = shop_servers(SERVERS)
    started = time.monotonic()
    still_running = run_clients(plans, servers, shop)
    elapsed = time.monotonic() - started
    refusals = Counter(refusal for plan in plans for refusal in plan.refusals)
    print(f"\n{CLIENTS} clients on {SERVERS} server processes: "
          f"{sum(1 for p in plans if p.order)} orders, "
          f"{sum(1 for p in plans if p.refusals)} clients refused at least once, "
          f"{sum(refusals.values())} typed refusals {dict(refusals)}, "
          f"{sum(len(p.statuses) for p in plans)} requests, {elapsed:.1f} s")

    assert still_running == [], f"clients still running after the deadline: {still_running}"
    assert [(p.index, p.failure) for p in plans if p.failure] == [], "\n".join(
        explain(p) for p in plans if p.failure)
    assert {status for p in plans for status in p.statuses} == {200}
    assert [e for p in plans for e in p.errors] == []
    assert [s.log.name for s in servers if "Traceback" in s.log.read_text()] == []
    for step, code in refusals:
        assert code in EXPECTED_REFUSALS[step], (step, code)

    # every client has exactly one order, as shown on its checkout
    orders = {o.token: o for o in Order.objects.select_related("user")}
    assert [(p.index, p.with_mug, p.code, p.points, p.refusals) for p in plans if not p.order] == []
    assert len(orders) == CLIENTS == len({p.order["token"] for p in plans})
    for plan in plans:
        order = orders[plan.order["token"]]
        assert order.user.email == plan.email, explain(plan, order)
        assert order.total.gross.amount == plan.shown_total, explain(plan, order)
        assert amount(plan.order["total"]["gross"]["amount"]) == plan.shown_total
        assert [p.total for p in order.payments.filter(token=plan.payment_token)] == [
            plan.shown_total], explain(plan, order)
        # charged once, for the total (older payments of the checkout stay uncharged)
        assert sum(p.captured_amount for p in order.payments.all()) == plan.shown_total, \
            explain(plan, order)
        assert sorted(r.name for r in OrderRule.objects.filter(order=order)) == sorted(
            r["name"] for r in plan.shown_rules)

    # each one-use code gave exactly one order; the other client of the code was refused
    for code in codes:
        code.refresh_from_db()
        with_code = OrderRule.objects.filter(code=code.code)
        assert code.used_count == 1 and with_code.count() == 1, code.code
        assert CodeRedemption.objects.filter(code=code, order__isnull=False).count() == 1
        racers = [p for p in plans if p.code == code.code]
        winners = [p for p in racers if p.order["token"] == with_code.get().order.token]
        assert len(winners) == 1
        losers = [p for p in racers if p not in winners]
        assert all(p.refusals for p in losers), [p.index for p in losers]
    assert not CodeRedemption.objects.filter(order__isnull=True).exists()

    # the limited offer: never more orders than its limit, and the limit was reached
    offer.refresh_from_db()
    offer_orders = OrderRule.objects.filter(rule=offer).count()
    assert offer.used_count == offer_orders == OFFER_LIMIT
    with_offer = set(OrderRule.objects.filter(rule=offer).values_list("order__token", flat=True))
    assert all(p.refusals for p in plans if p.with_mug and p.order["token"] not in with_offer)

    # points: balances are their ledgers, never negative, spent = what the orders show
    assert not Reservation.objects.exists()
    for email, initial in accounts.items():
        account = ledger.account_for(User.objects.get(email=email))
        assert ledger.check_account(account) and account.balance >= 0, email
        redeemed = -sum(LedgerEntry.objects.filter(account=account, kind=REDEEM)
                        .values_list("points", flat=True))
        on_orders = sum(OrderPoints.objects.filter(account=account)
                        .values_list("points_redeemed", flat=True))
        shown = sum(p.shown_points for p in plans if p.email == email)
        assert redeemed == on_orders == shown <= initial, email
        earned_now = sum(LedgerEntry.objects.filter(account=account, status=POSTED)
                         .exclude(kind=REDEEM).values_list("points", flat=True))
        assert account.balance == earned_now - redeemed, email
    shared = [p for p in plans if p.index in SHARED_SESSIONS]
    assert sum(p.shown_points for p in shared) == SHARED_POINTS  # five holds, all spent
    assert Counter(r for p in shared for r in p.refusals)[
        ("checkoutLoyaltyPointsApply", "INSUFFICIENT_POINTS")] == 3
