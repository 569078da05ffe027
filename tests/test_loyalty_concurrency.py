"""One balance, twenty checkouts at once: holds never spend a point twice."""
import threading
from decimal import Decimal

import pytest
from django.db import connection
from graphene import Node
from saleor.order.models import Order

from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import LedgerEntry, LoyaltyAccount, Reservation

from . import factories
from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE
from .graphql_client import GraphQLClient
from .loyalty_helpers import APPLY, configure, give_points

WORKERS = 20


def run_at_once(function, arguments):
    barrier = threading.Barrier(len(arguments))
    results = [None] * len(arguments)

    def work(index, argument):
        try:
            barrier.wait()
            results[index] = function(argument)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_checkouts_spending_one_balance(shop, customer, all_plugins_active):
    configure(points_per_currency_unit=0)  # no earning: the balance only goes down
    give_points(customer, 500)
    checkouts = [
        factories.create_checkout(user=customer, lines=[(shop.mug, 1)],
                                  shipping_method=shop.shipping_method)
        for _ in range(WORKERS)
    ]
    ids = [Node.to_global_id("Checkout", c.token) for c in checkouts]

    def apply_points(checkout_id):
        return GraphQLClient(customer).data(APPLY, {"checkoutId": checkout_id, "points": 100}
                                            )["checkoutLoyaltyPointsApply"]

    results = run_at_once(apply_points, ids)
    held = [i for i, r in zip(ids, results) if not r["loyaltyErrors"]]
    refused = [r["loyaltyErrors"][0] for r in results if r["loyaltyErrors"]]
    assert len(held) == 5 and len(refused) == 15
    assert {e["code"] for e in refused} == {"INSUFFICIENT_POINTS"}
    assert {e["availablePoints"] for e in refused} <= {0}
    assert Reservation.objects.count() == 5

    for checkout_id in held:  # 89.50 + 49.00 - 10.00
        paid = GraphQLClient(customer).data(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": "charged", "amount": "128.50"}})
        assert paid["checkoutPaymentCreate"]["paymentErrors"] == []

    def complete(checkout_id):
        return GraphQLClient(customer).data(CHECKOUT_COMPLETE, {"checkoutId": checkout_id}
                                            )["checkoutComplete"]

    completed = run_at_once(complete, held)
    assert [c["checkoutErrors"] for c in completed] == [[]] * 5
    assert all(Decimal(str(c["order"]["total"]["gross"]["amount"])) == Decimal("128.50")
               for c in completed)
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 0
    assert ledger.check_account(account)
    assert LedgerEntry.objects.filter(kind="redeem").count() == 5
    assert Order.objects.count() == 5 and not Reservation.objects.exists()
    # nothing left to spend: a new hold is refused
    spare = next(i for i in ids if i not in held)
    again = apply_points(spare)
    assert again["loyaltyErrors"][0]["code"] == "INSUFFICIENT_POINTS"


@pytest.mark.django_db(transaction=True)
def test_the_same_reversal_and_moderation_at_once_are_written_once(shop, customer,
                                                                     all_plugins_active):
    from saleor.order import OrderStatus
    from saleor.plugins.manager import get_plugins_manager

    from saleor_plugins.core.permissions import LoyaltyPermissions
    from saleor_plugins.loyalty.models import ProductReview

    from .loyalty_helpers import checkout_with_shipping, pay_and_complete

    configure(referral_points=100, review_points=25)
    referrer = factories.create_customer()
    LoyaltyAccount.objects.filter(pk=ledger.account_for(customer).pk).update(
        referred_by=ledger.account_for(referrer))
    give_points(customer, 300)
    client = GraphQLClient(customer)
    checkout = checkout_with_shipping(client, shop)
    assert client.data(APPLY, {"checkoutId": checkout["id"], "points": 300}
                       )["checkoutLoyaltyPointsApply"]["loyaltyErrors"] == []
    completed = pay_and_complete(client, checkout)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 300 - 300 + 446 + 100  # 476.50 - 30.00 earns 446

    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELED)
    run_at_once(lambda _: get_plugins_manager().order_cancelled(Order.objects.get(pk=order.pk)),
                range(8))
    account.refresh_from_db()
    assert account.balance == 300 and ledger.check_account(account)
    assert LoyaltyAccount.objects.get(user=referrer).balance == 0
    assert LedgerEntry.objects.filter(kind="reverse_earn").count() == 3  # purchase, 2 referrals
    assert LedgerEntry.objects.filter(kind="return_redeemed").count() == 1

    review = ProductReview.objects.create(product=shop.coffee.product, user=customer, rating=5)
    staff = factories.create_staff(permissions=[LoyaltyPermissions.MANAGE_LOYALTY])
    moderate = """mutation($id: ID!, $approve: Boolean!) { productReviewModerate(id: $id,
        approve: $approve) { pointsAwarded loyaltyErrors { code } } }"""
    review_id = Node.to_global_id("ProductReview", review.pk)
    for approve, balance in ((True, 325), (False, 300)):
        results = run_at_once(lambda _: GraphQLClient(staff).data(
            moderate, {"id": review_id, "approve": approve})["productReviewModerate"], range(8))
        assert {r["pointsAwarded"] for r in results} == {25 if approve else 0}
        account.refresh_from_db()
        assert account.balance == balance and ledger.check_account(account)
    assert LedgerEntry.objects.filter(kind="earn_review").count() == 1
