"""Expiry first-to-expire first, reversal on cancel and partial refunds, rates kept."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from graphene import Node
from saleor.core.permissions import OrderPermissions
from saleor.order.models import Order

from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import EARN_REVIEW, LedgerEntry, LoyaltyAccount
from saleor_plugins.loyalty.tasks import expire_points

from . import factories
from .loyalty_helpers import (
    APPLY,
    ME,
    ORDER_LOYALTY,
    checkout_with_shipping,
    configure,
    give_points,
    order_id,
    pay_and_complete,
)

CANCEL = """mutation($id: ID!) { orderCancel(id: $id) { orderErrors { field message code } } }"""
REFUND = """mutation($id: ID!, $amount: Decimal!) { orderRefund(id: $id, amount: $amount) {
    orderErrors { field message code } } }"""


@pytest.fixture
def loyalty(all_plugins_active):
    configure()


@pytest.fixture
def staff(api):
    return api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))


def order_with_points(api, shop, customer, points):
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    if points:
        applied = client.data(APPLY, {"checkoutId": checkout["id"], "points": points}
                              )["checkoutLoyaltyPointsApply"]
        assert applied["loyaltyErrors"] == []
    completed = pay_and_complete(client, checkout)
    assert completed["checkoutErrors"] == []
    return client, Order.objects.get(token=completed["order"]["token"])


def test_points_expire_first_to_expire_first_and_returns_keep_their_lot(api, loyalty, shop,
                                                                        customer, staff):
    configure(points_per_currency_unit=0)
    account = ledger.account_for(customer)
    later = ledger.earn(account, EARN_REVIEW, 100, key="t:later", expiry_months=12)
    sooner = ledger.earn(account, EARN_REVIEW, 100, key="t:sooner", expiry_months=1)
    client, order = order_with_points(api, shop, customer, 150)
    later.refresh_from_db()
    sooner.refresh_from_db()
    # the lot that expires first is spent first, though it was earned last
    assert (sooner.remaining, later.remaining) == (0, 50)
    me = client.data(ME)["me"]["loyalty"]
    assert me["balance"] == 50 and me["pointsExpiringSoon"] == 0

    LedgerEntry.objects.filter(pk=later.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert expire_points.delay().get() == 50
    assert expire_points.delay().get() == 0  # nothing twice
    me = client.data(ME)["me"]["loyalty"]
    assert me["balance"] == 0
    assert [h["kind"] for h in me["history"]][:1] == ["EXPIRE"]

    # cancelling returns the 150 spent points into their lots with their old expiry dates
    assert staff.data(CANCEL, {"id": order_id(order)})["orderCancel"]["orderErrors"] == []
    sooner.refresh_from_db()
    later.refresh_from_db()
    assert (sooner.remaining, later.remaining) == (100, 50)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 150
    assert expire_points.delay().get() == 50  # the returned part of the expired lot
    account.refresh_from_db()
    assert account.balance == 100 and ledger.check_account(account)


def test_cancel_reverses_exactly_what_was_earned_at_the_old_rate(api, loyalty, shop, customer,
                                                                 staff):
    give_points(customer, 200)
    client, order = order_with_points(api, shop, customer, 200)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 456  # 476.50 - 20.00 earns 456
    configure(points_per_currency_unit=5, point_value="1.00")  # later rate changes
    assert staff.data(CANCEL, {"id": order_id(order)})["orderCancel"]["orderErrors"] == []
    shown = staff.data(ORDER_LOYALTY, {"id": order_id(order)})["order"]["loyalty"]
    assert (shown["pointsEarned"], shown["pointsReversed"]) == (456, 456)
    assert (shown["pointsRedeemed"], shown["pointsReturned"]) == (200, 200)
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 200 and ledger.check_account(account)
    # Saleor fires order_updated after the cancel too; nothing moves twice
    from saleor_plugins.loyalty.orders import order_changed

    order_changed(Order.objects.get(pk=order.pk))
    account.refresh_from_db()
    assert account.balance == 200


def test_partial_refund_reverses_proportionally_then_the_rest(api, loyalty, shop, customer,
                                                             staff):
    give_points(customer, 100)
    client, order = order_with_points(api, shop, customer, 100)
    assert order.total.gross.amount == Decimal("515.50")  # 525.50 - 10.00
    balance = client.data(ME)["me"]["loyalty"]["balance"]
    assert balance == 466  # 476.50 - 10.00
    refunded = staff.data(REFUND, {"id": order_id(order), "amount": "103.10"})["orderRefund"]
    assert refunded["orderErrors"] == []
    shown = staff.data(ORDER_LOYALTY, {"id": order_id(order)})["order"]["loyalty"]
    # 103.10 of 515.50 is 20 %: 93 of the 466 earned go, 20 of the 100 spent come back
    assert (shown["pointsReversed"], shown["pointsReturned"]) == (93, 20)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 466 - 93 + 20
    rest = staff.data(REFUND, {"id": order_id(order), "amount": "412.40"})["orderRefund"]
    assert rest["orderErrors"] == []
    shown = staff.data(ORDER_LOYALTY, {"id": order_id(order)})["order"]["loyalty"]
    assert (shown["pointsReversed"], shown["pointsReturned"]) == (466, 100)
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 100 and ledger.check_account(account)


def test_points_wait_for_payment_then_for_fulfilment_when_configured(api, loyalty, shop,
                                                                     customer, staff):
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    completed = pay_and_complete(client, checkout, token="not-charged")
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (0, 476)
    assert me["history"][0]["status"] == "PENDING"
    paid = staff.data("""mutation($id: ID!, $amount: Decimal!) {
        orderCapture(id: $id, amount: $amount) { orderErrors { code message } } }""",
                      {"id": order_id(order), "amount": str(order.total.gross.amount)}
                      )["orderCapture"]
    assert paid["orderErrors"] == []
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (476, 0)

    configure(earn_when="fulfilled")
    second = checkout_with_shipping(client, shop)
    done = pay_and_complete(client, second)
    assert done["checkoutErrors"] == []
    order = Order.objects.get(token=done["order"]["token"])
    assert client.data(ME)["me"]["loyalty"]["pending"] == 476
    fulfil(staff, order)
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (952, 0)


def fulfil(staff, order):
    from saleor.warehouse.models import Warehouse

    warehouse = Warehouse.objects.first()
    lines = [{"orderLineId": Node.to_global_id("OrderLine", line.pk),
              "stocks": [{"quantity": line.quantity,
                          "warehouse": Node.to_global_id("Warehouse", warehouse.pk)}]}
             for line in order.lines.all()]
    fulfilled = staff.data("""mutation($order: ID!, $input: OrderFulfillInput!) {
        orderFulfill(order: $order, input: $input) { orderErrors { field code message } } }""",
                           {"order": order_id(order), "input": {"lines": lines,
                                                                "notifyCustomer": False}})
    assert fulfilled["orderFulfill"]["orderErrors"] == []


def refund(staff, order, amount):
    refunded = staff.data(REFUND, {"id": order_id(order), "amount": amount})["orderRefund"]
    assert refunded["orderErrors"] == []


def cancel(staff, order):
    assert staff.data(CANCEL, {"id": order_id(order)})["orderCancel"]["orderErrors"] == []


def test_item14_11_a_refund_while_points_are_pending_counts_at_the_next_refund(
        api, loyalty, shop, customer, staff):
    configure(earn_when="fulfilled")
    client, order = order_with_points(api, shop, customer, 0)
    assert order.total.gross.amount == Decimal("525.50")
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (0, 476)
    refund(staff, order, "105.10")  # 20 %: 95 of the 476 pending points go
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (0, 381)
    fulfil(staff, order)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 381
    refund(staff, order, "105.10")  # 40 % in all: 190 of the 476 taken back, not 95 + 190
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (476 - 190, 0)
    shown = staff.data(ORDER_LOYALTY, {"id": order_id(order)})["order"]["loyalty"]
    assert (shown["pointsEarned"], shown["pointsReversed"]) == (476, 190)
    refund(staff, order, "315.30")  # the rest: all 476
    assert client.data(ME)["me"]["loyalty"]["balance"] == 0
    account = LoyaltyAccount.objects.get(user=customer)
    assert ledger.check_account(account)
    assert not LedgerEntry.objects.filter(account=account, remaining__gt=0).exists()


def expire_everything():
    LedgerEntry.objects.filter(expires_at__isnull=False).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    return expire_points.delay().get()


@pytest.mark.parametrize("first_cancelled", ["earning", "spending"])
def test_item14_12_points_earned_then_spent_elsewhere_and_both_cancelled_never_expire(
        api, loyalty, shop, customer, staff, first_cancelled):
    client, earning = order_with_points(api, shop, customer, 0)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 476
    # the second order spends them all (47.60) and earns 476.50 - 47.60 = 428
    client, spending = order_with_points(api, shop, customer, 476)
    assert client.data(ME)["me"]["loyalty"]["balance"] == 428
    orders = [earning, spending] if first_cancelled == "earning" else [spending, earning]
    for order in orders:
        cancel(staff, order)
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 0 and ledger.check_account(account)
    # nothing is left in a lot to expire: the cancelled order's lot holds no points
    assert list(LedgerEntry.objects.filter(account=account, remaining__gt=0)) == []
    assert expire_everything() == 0
    assert client.data(ME)["me"]["loyalty"]["balance"] == 0


def test_item14_12_a_debt_is_paid_by_returned_points_before_they_refill_a_lot(
        api, loyalty, shop, customer, staff):
    give_points(customer, 100)  # a gift that outlives the orders' lots
    client, earning = order_with_points(api, shop, customer, 0)  # 476, expiring first
    LedgerEntry.objects.filter(key=f"earn:{earning.pk}").update(
        expires_at=timezone.now() + datetime.timedelta(days=1))
    client, spending = order_with_points(api, shop, customer, 576)  # 476 + 100 spent
    assert client.data(ME)["me"]["loyalty"]["balance"] == 418  # 476.50 - 57.60 earns 418
    cancel(staff, earning)  # takes 476: 418 from the second order's lot, 58 owed
    assert client.data(ME)["me"]["loyalty"]["balance"] == -58
    cancel(staff, spending)  # its 418 go, its 576 spent come back: the gift's 100 is whole
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 100 and ledger.check_account(account)
    assert [(e.kind, e.remaining) for e in LedgerEntry.objects.filter(
        account=account, remaining__gt=0)] == [("adjust", 100)]
    assert expire_everything() == 100
    assert client.data(ME)["me"]["loyalty"]["balance"] == 0
