"""One ``checkoutComplete`` at a time per checkout, and never a second charge of a payment.

Saleor 2.10.1 hands a logged-in customer the checkout they already have when they call
``checkoutCreate``, so two windows or devices of one customer share a checkout, each with
its own payment. ``checkoutComplete`` locks nothing: two at once both charge the checkout's
last payment, and the later one gets the earlier one's order (or a second order for the
same checkout). The package's ``preprocess_order_creation`` hooks run before the charge,
but in a transaction Saleor commits before charging, so a row lock would end too soon:
a session advisory lock on the checkout token is held until the request ends. Holding it,
the checkout is read again; completed meanwhile, or its payment already charged, means a
refusal before Saleor charges anything.
"""
import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from . import request_cache

logger = logging.getLogger(__name__)

SECTION = "checkout_completion"
LOCK_WAIT = "20s"  # another completion of the checkout takes a second or two
LOCK_NOT_AVAILABLE = "55P03"


_ASKED_WHEN_CLAIMED: dict = {}  # name -> SQL truth value with one %s for the token


def ask_when_claimed(name: str, sql: str) -> None:
    """A feature's question about the checkout, asked along with the claim's re-check (no
    round trip), so after the lock: no other completion can change its answer since."""
    _ASKED_WHEN_CLAIMED[name] = sql


def answer(checkout, name: str):
    """The claim's answer to ``name`` in this request; None when not asked (outside a
    request, or before the claim)."""
    return request_cache.section(SECTION, {}).get(str(checkout.token), {}).get(name)


def lock_key(checkout_token) -> int:
    """The checkout's advisory lock: the token's first 64 bits as a signed bigint."""
    return int.from_bytes(checkout_token.bytes[:8], "big", signed=True)


def claim(checkout) -> None:
    """Before the charge: hold the checkout until the request ends, then refuse when the
    checkout was completed meanwhile or its payment is charged already.

    Every package plugin calls this; the first call of a request does the work."""
    from saleor.checkout.error_codes import CheckoutErrorCode
    from saleor.order.models import Order
    from saleor.payment import ChargeStatus
    from saleor.payment.models import Payment

    claimed = request_cache.section(SECTION, {})
    token = str(checkout.token)
    if token in claimed:
        return
    key = lock_key(checkout.token)
    in_request = request_cache.get() is not None
    # outside a request (a shell, a task) the lock lasts the caller's transaction
    lock = "pg_advisory_lock" if in_request else "pg_advisory_xact_lock"
    payment = checkout.get_last_active_payment()
    if in_request:  # registered first: a lock taken by a statement that then failed goes too
        request_cache.at_end(lambda: release(key))
    asked = list(_ASKED_WHEN_CLAIMED)
    try:
        # no savepoint (two round trips): a failure here fails Saleor's whole transaction
        # anyway, and outside one this block is the transaction
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                f"SET LOCAL lock_timeout = '{LOCK_WAIT}'; SELECT {lock}(%s); "
                f"SET LOCAL lock_timeout = DEFAULT; "
                f"SELECT EXISTS (SELECT 1 FROM {Order._meta.db_table} WHERE checkout_token = %s), "
                f"(SELECT charge_status FROM {Payment._meta.db_table} WHERE id = %s)"
                + "".join(", " + _ASKED_WHEN_CLAIMED[name] for name in asked),
                [key, token, payment.pk if payment else None, *[token] * len(asked)],
            )
            completed, charge_status, *answers = cursor.fetchone()
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
            raise
        raise ValidationError(
            _("This order is being placed in another window. Check your orders before "
              "you try again."),
            code=CheckoutErrorCode.INVALID.value,
        )
    claimed[token] = dict(zip(asked, answers))
    if completed:
        raise ValidationError(
            _("This checkout has already been completed. Your order is in your order history."),
            code=CheckoutErrorCode.NOT_FOUND.value,
        )
    if charge_status not in (None, ChargeStatus.NOT_CHARGED):
        # charged by an earlier attempt that placed no order: charging again would take
        # the money twice; the shop has to settle it
        logger.error("Checkout %s: payment %s is charged already and has no order",
                     token, payment.pk)
        raise ValidationError(
            _("Your payment has already been taken, but the order was not placed. Contact "
              "us and do not pay again."),
            code=CheckoutErrorCode.PAYMENT_ERROR.value,
        )


def release(key: int) -> None:
    if connection.connection is None:
        return  # the connection closed: its session locks went with it
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:
        logger.exception("Could not release checkout lock %s; closing the connection", key)
        connection.close()  # ends the session, and with it the lock
