"""Orders made without a checkout (subscription renewals, till sales to a known customer)
earn points like any paid order and give them back when cancelled."""
import datetime

import pytest
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import LoyaltyAccount

from .loyalty_helpers import ME, configure
from .subscription_helpers import make_subscription, run_renewals, subscriptions_on  # noqa: F401
from .till_helpers import CUSTOMER_SET, REFRESH, SEND, gid, till, till_on, till_staff  # noqa: F401

D = datetime.date


@pytest.fixture
def loyalty(all_plugins_active, subscriptions_on):
    configure()


def test_item14_15_renewal_orders_earn_like_any_paid_order(api, loyalty, shop, customer):
    from saleor.order.actions import cancel_order

    subscription = make_subscription(customer, shop.coffee, D(2027, 1, 4), "1w", quantity=2)
    assert run_renewals(subscription.next_order_date) == 1
    order = Order.objects.get(metadata__subscription_id=str(subscription.pk))
    assert order.checkout_token == "" or order.checkout_token is None
    assert order.is_fully_paid() and order.total.gross.amount == 2 * 129 + 49
    # 2 × 129.00 of products; the 49.00 shipping earns nothing
    me = api(customer).data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (258, 0)
    assert [(h["kind"], h["status"], h["points"]) for h in me["history"]] == [
        ("EARN_PURCHASE", "POSTED", 258)]
    cancel_order(order, None)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 0 and ledger.check_account(account)


def test_a_till_sale_to_a_known_customer_earns_net_of_vat(api, till, shop, customer, klarna):
    configure()
    till.start()
    till.add(shop.coffee, 2)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    till.ok(SEND)
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    assert till.ok(REFRESH)["status"] == "PAID"
    order = Order.objects.get()
    assert order.user == customer and order.is_fully_paid()
    # 2 × 129.00 with 25 % VAT included: 206.40 net
    me = api(customer).data(ME)["me"]["loyalty"]
    assert (me["balance"], me["pending"]) == (206, 0)
