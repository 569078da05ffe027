"""The payment that ``checkoutComplete`` charges must be the checkout's total.

Saleor 2.10.1 only checks that the active payments of a checkout add up to at least the
total (``is_fully_paid``), then charges the last one for its own amount. When the total
changes after a payment (a limited offer runs out, a code is used up elsewhere, points are
applied), an old payment can let ``checkoutComplete`` pass and charge more or less than
the order's total. Checking costs two queries: the prices are cached for the request.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_last_payment_is_total(checkout, discounts) -> None:
    """Refuse completion when the payment to be charged differs from the checkout total."""
    payment = checkout.get_last_active_payment()
    if payment is None:
        return  # Saleor refuses this itself
    from saleor.checkout import calculations

    total = calculations.checkout_total(checkout=checkout, lines=list(checkout),
                                        discounts=discounts)
    balance = checkout.get_total_gift_cards_balance().amount
    check_payment_is_due(payment, total.gross.amount - balance)


def check_payment_is_due(payment, due) -> None:
    """Refuse completion when ``payment`` (the one Saleor charges) is not ``due``. Saleor
    3.23 does the same as 2.10.1: ``is_fully_paid`` and then the last payment's amount."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    if payment.total != max(due, 0):
        raise ValidationError(
            _("The total has changed since you paid. Pay the new total."),
            code=CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID.value,
        )
