"""The cart-rule tests' world and steps through /graphql/, the same on Saleor 2.10.1 and
3.23: rules made as staff make them (rows of the package's tables), the storefront's
checkout (``tests.checkout_helpers``: create, delivery, pay, complete) on the ``shop``
fixture (``tests.factories``: on 3.23 in the shop's default channel), orders read as staff.

Where 3.23 answers differently by design (README "Discount rules › On Saleor 3.23"), the
expectation comes from ``ON_THIS_SALEOR`` below, never from a test asking the platform."""
from decimal import Decimal

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import DiscountRule, RuleCondition

from . import factories
from .checkout_helpers import SALEOR3, complete, create_checkout, pay, set_delivery_method
from .graphql_client import GraphQLClient

MANAGE_ORDERS = "order.manage_orders"
# the scalar of money arguments such as orderRefund's amount
DECIMAL = "PositiveDecimal" if SALEOR3 else "Decimal"

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

_PROMO_ERRORS = "checkoutErrors: errors" if SALEOR3 else "checkoutErrors"
PROMO_CODE_ADD = f"""
mutation($id: ID!, $code: String!) {{
  checkoutAddPromoCode(checkoutId: $id, promoCode: $code) {{
    {_PROMO_ERRORS} {{ code }}
    checkout {{ voucherCode totalPrice {{ gross {{ amount }} }} }}
  }}
}}"""
ORDER_VOUCHER = """
query($id: ID!) {
  order(id: $id) { voucher { code } discount { amount } total { gross { amount } } }
}"""


class _Saleor2:
    """What the cart-rule tests see on Saleor 2.10.1 where 3.23 differs."""
    # the losing one of two simultaneous completions with one single-use code: refused at the
    # code's lock, or by Saleor when it prices its cart after the winner committed
    race_refusals = {"VOUCHER_NOT_APPLICABLE", "CHECKOUT_NOT_FULLY_PAID"}

    @staticmethod
    def used_up_code_refusal(code):
        """``checkoutComplete``'s errors when the checkout's code was used up meanwhile."""
        return [{"field": None, "code": "VOUCHER_NOT_APPLICABLE",
                 "message": f"The code {code} has been used up."}]

    @staticmethod
    def run_out_offer_refusal(name):
        """``checkoutComplete``'s errors when a limited rule's last use went elsewhere."""
        return [{"field": None, "code": "VOUCHER_NOT_APPLICABLE",
                 "message": f"The offer {name} has run out."}]


class _Saleor3(_Saleor2):
    """What the cart-rule tests see on Saleor 3.23 (README "On Saleor 3.23")."""

    @staticmethod
    def used_up_code_refusal(code):
        # completion re-evaluates the checkout's rows first: the code's rule going is a change
        # of the cart's offers, refused before the code's reservation could name it
        return [{"field": None, "code": "CHECKOUT_NOT_FULLY_PAID",
                 "message": "The cart's offers changed. Check the new total and try again."}]


ON_THIS_SALEOR = _Saleor3 if SALEOR3 else _Saleor2


def amount(value) -> Decimal:
    return Decimal(str(value))


def make_rule(kind, value="0", direction=rules.DISCOUNT, conditions=(), **fields):
    """A rule (and its conditions) as the staff mutations save it."""
    rule = DiscountRule.objects.create(name=fields.pop("name", f"{kind} {direction}"), kind=kind,
                                       direction=direction, value=Decimal(value), **fields)
    for condition in conditions:
        RuleCondition.objects.create(rule=rule, **condition)
    return rule


def checkout_with_shipping(client, shop, lines=None):
    """The storefront's checkout of 3 coffees and a mug (387.00 + 89.50) shipped to Norway
    with the shop's 49.00 method: ``{id, token}``."""
    lines = lines if lines is not None else [(shop.coffee, 3), (shop.mug, 1)]
    checkout = create_checkout(client, lines)
    set_delivery_method(client, checkout, shop.shipping_method)
    return checkout


def another_checkout(customer, shop) -> dict:
    """One more open checkout of ``customer`` (the same lines and shipping), ``{id, token}``:
    Saleor 2.10.1's checkoutCreate would give a logged-in customer their open one again."""
    from graphene import Node

    checkout = factories.create_checkout(user=customer, lines=[(shop.coffee, 3), (shop.mug, 1)],
                                         shipping_method=shop.shipping_method)
    return {"id": Node.to_global_id("Checkout", checkout.token), "token": str(checkout.token)}


def read(client, checkout) -> dict:
    """The checkout as the storefront reads it (totals, codes, applied rules)."""
    return client.data(CHECKOUT, {"token": checkout["token"]})["checkout"]


def pay_and_complete(client, checkout, total, token="charged") -> dict:
    """A dummy payment of ``total``, then ``checkoutComplete``: its payload (``order``,
    ``checkoutErrors``), errors unchecked."""
    pay(client, checkout, str(total), token=token)
    return complete(client, checkout)


def order_of(completed):
    """The ``Order`` a ``checkoutComplete`` payload made."""
    return factories.order_by_number(completed["order"]["number"])


def order_staff() -> GraphQLClient:
    """Staff who manage orders."""
    return GraphQLClient(factories.create_staff(permissions=[MANAGE_ORDERS]))


def paid(order, refunded="0"):
    """The order paid in full (captured), less ``refunded``, as Saleor's gateway leaves it."""
    from saleor.payment import ChargeStatus
    from saleor.payment.models import Payment

    refunded = Decimal(refunded)
    total = order.total.gross.amount
    status = ChargeStatus.FULLY_CHARGED if not refunded else (
        ChargeStatus.FULLY_REFUNDED if refunded >= total else ChargeStatus.PARTIALLY_REFUNDED)
    Payment.objects.create(
        order=order, gateway="mirumee.payments.dummy", total=total, currency=order.currency,
        captured_amount=total - refunded, charge_status=status,
        is_active=status != ChargeStatus.FULLY_REFUNDED)
    return order
