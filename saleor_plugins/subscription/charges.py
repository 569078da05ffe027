"""Charging a subscription's stored payment method: one ``ChargeAttempt`` per try.

An attempt is stored (key, amount, orders and the exact Klarna body) before it is sent. A
try whose outcome is not known (no answer, or the worker died while sending) is sent again
with the same key and the same stored body, never with a body built anew: Klarna answers a
known key with what it did the first time, whatever the body says. Only once its outcome is
known can a new attempt, with a new key and the amount due by then, be made.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from .gateways import DUMMY_GATEWAY, KLARNA_GATEWAY, dummy_gateway_allowed
from .models import ChargeAttempt

logger = logging.getLogger(__name__)

# A charge Klarna never answers is asked again at each (hourly) run at most this many
# times; then it is left to staff (it may have been taken) and never charged again.
UNANSWERED_SENDS_LIMIT = 12

NO_PAYMENT_METHOD = "no_payment_method"
AMOUNT_MISMATCH = "amount_mismatch"


@dataclass
class ChargeResult:
    status: str  # ChargeAttempt.CHARGED / DECLINED / HARD_DECLINED / UNKNOWN
    klarna_order_id: str = ""
    error: str = ""


def idempotency_key(kind: str, owner_pk, part, number: int) -> str:
    from saleor_plugins.klarna.client import stable_idempotency_key

    return stable_idempotency_key("subscription", kind, owner_pk, part, number)


def klarna_config(manager=None):
    from saleor.plugins.manager import get_plugins_manager

    gateway = (manager or get_plugins_manager()).get_plugin(KLARNA_GATEWAY)
    return gateway.config if gateway is not None and gateway.active else None


def unsettled_attempt(owner) -> Optional[ChargeAttempt]:
    """The renewal's or invoice's attempt whose outcome is not known yet."""
    return owner.attempts.select_for_update().filter(
        status__in=(ChargeAttempt.STARTED, ChargeAttempt.UNKNOWN)).order_by("number").first()


def new_attempt(subscription, orders, *, renewal=None, invoice=None, key_parts,
                manager=None):
    """Store the next attempt for ``orders``. Returns it and, when nothing is to be sent
    (the dummy gateway, or no way to charge), its result already."""
    owner = renewal or invoice
    number = owner.attempts.count() + 1
    attempt = ChargeAttempt(
        renewal=renewal, invoice=invoice, number=number, currency=orders[0].currency,
        amount=sum((order.total.gross.amount for order in orders), Decimal(0)),
        order_ids=[order.pk for order in orders],
        idempotency_key=idempotency_key(*key_parts, number))
    result = _without_klarna(subscription, manager)
    if result is None:
        result = _with_klarna_body(subscription, attempt, orders, manager)
    if result is not None:
        store(attempt, result)
    else:
        attempt.save()
    return attempt, result


def _without_klarna(subscription, manager) -> Optional[ChargeResult]:
    if subscription.gateway == KLARNA_GATEWAY and subscription.klarna_token_id:
        return None
    if subscription.gateway == DUMMY_GATEWAY and dummy_gateway_allowed(manager):
        return ChargeResult(ChargeAttempt.CHARGED, "dummy")
    # no payment method that can be charged: the customer is asked for one
    return ChargeResult(ChargeAttempt.HARD_DECLINED, error=NO_PAYMENT_METHOD)


def _with_klarna_body(subscription, attempt, orders, manager) -> Optional[ChargeResult]:
    from saleor_plugins.klarna.amounts import minor_units
    from saleor_plugins.klarna.saleor_data import order_order_data

    config = klarna_config(manager)
    if config is None:
        return ChargeResult(ChargeAttempt.DECLINED, error="Klarna is not available.")
    data = None
    for order in orders:
        part = order_order_data(order, default_country=config.default_country)
        if data is None:
            data = part
        else:
            data.order_lines.extend(part.order_lines)
    body = data.as_dict()
    body["order_amount"] = sum(line["total_amount"] for line in body["order_lines"])
    body["order_tax_amount"] = sum(line["total_tax_amount"] for line in body["order_lines"])
    if body["order_amount"] != minor_units(attempt.amount, attempt.currency):
        # Klarna would take another amount than the orders' totals: charge nothing
        logger.error("Subscription %s: Klarna lines sum to %s, the orders to %s %s",
                     subscription.pk, body["order_amount"], attempt.amount, attempt.currency)
        return ChargeResult(ChargeAttempt.DECLINED, error=AMOUNT_MISMATCH)
    body["auto_capture"] = True
    body["merchant_reference1"] = ",".join(str(order.pk) for order in orders)[:255]
    body["merchant_reference2"] = f"subscription-{subscription.pk}"
    attempt.customer_token, attempt.request_body = subscription.klarna_token_id, body
    return None


def send(attempt: ChargeAttempt, manager=None) -> ChargeResult:
    """Send the stored attempt (first time or again): its token, key and body."""
    from saleor_plugins.klarna import errors
    from saleor_plugins.klarna.payments import client_for

    config = klarna_config(manager)
    if config is None:  # switched off meanwhile: nothing was sent now, ask again later
        return ChargeResult(ChargeAttempt.UNKNOWN, error="Klarna is not available.")
    try:
        placed = client_for(config).create_token_order(
            attempt.customer_token, attempt.request_body,
            idempotency_key=attempt.idempotency_key)
    except errors.HardDeclineError as error:
        return ChargeResult(ChargeAttempt.HARD_DECLINED, error=str(error)[:255])
    except errors.TransientError as error:
        return ChargeResult(ChargeAttempt.UNKNOWN, error=str(error)[:255])
    except errors.KlarnaError as error:
        return ChargeResult(ChargeAttempt.DECLINED, error=str(error)[:255])
    if placed.fraud_status == "REJECTED":
        return ChargeResult(ChargeAttempt.DECLINED, placed.order_id, "Rejected by Klarna")
    return ChargeResult(ChargeAttempt.CHARGED, placed.order_id)


def store(attempt: ChargeAttempt, result: ChargeResult):
    attempt.status, attempt.error = result.status, result.error[:255]
    if result.klarna_order_id == "dummy":
        attempt.klarna_order_id = "dummy-" + attempt.idempotency_key
    else:
        attempt.klarna_order_id = result.klarna_order_id or attempt.klarna_order_id
    attempt.save()


def gave_up(attempt: ChargeAttempt) -> bool:
    return attempt.status == ChargeAttempt.UNKNOWN and attempt.sends >= UNANSWERED_SENDS_LIMIT


def record_payment(subscription, order, amount: Decimal, klarna_order_id: str,
                   link_klarna=True):
    """A captured Saleor payment on the order; then Saleor's paid-order processing."""
    from saleor.order import actions
    from saleor.payment import ChargeStatus, TransactionKind
    from saleor.payment.models import Transaction
    from saleor.payment.utils import create_payment

    payment = create_payment(
        gateway=subscription.gateway, total=amount, currency=order.currency,
        email=order.user_email, payment_token=klarna_order_id, order=order)
    payment.charge_status = ChargeStatus.FULLY_CHARGED
    payment.captured_amount = amount
    payment.save(update_fields=["charge_status", "captured_amount"])
    Transaction.objects.create(
        payment=payment, kind=TransactionKind.CAPTURE, token=klarna_order_id, is_success=True,
        amount=amount, currency=order.currency,
        gateway_response={"subscription": subscription.pk, "klarna_order_id": klarna_order_id})
    if link_klarna and subscription.gateway == KLARNA_GATEWAY:
        from saleor_plugins.klarna.amounts import minor_units
        from saleor_plugins.klarna.models import KlarnaOrder

        KlarnaOrder.objects.get_or_create(
            klarna_order_id=klarna_order_id,
            defaults={"payment": payment, "order": order, "order_amount": minor_units(
                amount, order.currency), "currency": order.currency, "auto_captured": True})
    actions.handle_fully_paid_order(order)
