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
