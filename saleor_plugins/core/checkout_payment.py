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
    from saleor.checkout.error_codes import CheckoutErrorCode

    total = calculations.checkout_total(checkout=checkout, lines=list(checkout),
                                        discounts=discounts)
    due = max(total.gross.amount - checkout.get_total_gift_cards_balance().amount, 0)
    if payment.total != due:
        raise ValidationError(
            _("The total has changed since you paid. Pay the new total."),
            code=CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID.value,
        )
