"""What the Klarna gateway does for each Saleor payment call.

Saleor hands a ``PaymentData``: for ``process_payment`` its token is the Klarna
authorization token; for capture/refund/void it is the Klarna order id (the
``transaction_id`` this module returned when the order was placed).
"""
import logging
import os
import threading
from decimal import Decimal
from typing import Optional, Tuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from saleor.payment import TransactionKind
from saleor.payment.interface import CreditCardInfo, CustomerSource, GatewayResponse, PaymentData
from saleor.payment.models import Payment

from ..core import request_cache
from . import errors
from .amounts import from_minor_units, minor_units
from .client import KlarnaClient, stable_idempotency_key
from .models import KlarnaAuthorization, KlarnaCustomerToken, KlarnaOrder, KlarnaPaymentSession
from .saleor_data import checkout_order_data, klarna_address

logger = logging.getLogger(__name__)

GATEWAY_ID = "saleor_plugins.klarna"
CHECKOUT_PAYMENTS = "klarna_checkout_payments"  # request cache: checkout token -> any Klarna's
# request cache: the pk of the payment the running checkoutComplete charges if it is
# Klarna's (else None); Saleor hands process_payment only the payment's token
COMPLETING_PAYMENT = "klarna_completing_payment"
_clients = {}
_clients_lock = threading.Lock()


def _forget_clients_in_child():
    # A forked process (Celery prefork, gunicorn --preload, multiprocessing) must not
    # share the parent's pooled sockets: both would read each other's Klarna answers.
    global _clients_lock
    _clients.clear()
    _clients_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_clients_in_child)


def simulator_allowed() -> bool:
    """Whether the shop's settings let the gateway use a Klarna simulator on loopback
    (``SALEOR_PLUGINS_KLARNA_SIMULATOR = True``: the tests and the demo, never a live shop)."""
    from django.conf import settings

    return getattr(settings, "SALEOR_PLUGINS_KLARNA_SIMULATOR", False) is True


def client_for(config) -> KlarnaClient:
    """One client (and connection pool) per credentials and endpoint. An ``api_url`` that
    is not Klarna's (nor an allowed simulator) gives a client that refuses every call."""
    allow_loopback = simulator_allowed()
    key = (config.username, config.password, config.region, config.playground, config.api_url,
           allow_loopback)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = KlarnaClient(
                config.username,
                config.password,
                region=config.region,
                playground=config.playground,
                base_url=config.api_url or None,
                allow_loopback=allow_loopback,
                timeout=float(config.timeout_seconds),
            )
            _clients[key] = client
        return client


def store_customer_token(config, authorization_token: str, purchase: dict, user_id):
    """A customer token for subscriptions from the customer's approval, recorded for the
    customer. ``purchase``: locale, purchase country and currency, and a billing address."""
    token = client_for(config).create_customer_token(authorization_token, dict(
        purchase, description=config.token_description or "Subscription",
        intended_use="SUBSCRIPTION"))
    KlarnaCustomerToken.objects.get_or_create(token_id=token.token_id, defaults={
        "user_id": user_id, "currency": purchase["purchase_currency"],
        "country": purchase["purchase_country"]})
    return token


def not_for_this_checkout() -> str:
    return _("This Klarna approval is not for this checkout. Please approve the payment again.")


def already_used() -> str:
    return _("The Klarna approval has expired or was already used. "
             "Please approve the payment again.")


def customer_message(error: errors.KlarnaError) -> str:
    """What the shopper (and staff) read; details stay in the log and raw response."""
    if isinstance(error, errors.ConflictError):
        return _("Your cart changed after you approved the payment with Klarna. "
                 "Please approve the payment again.")
    if isinstance(error, errors.NotFoundError) and not error.decline:
        return already_used()
    if isinstance(error, errors.DeclineError):
        return _("Klarna declined the payment. Please choose another payment method.")
    if isinstance(error, errors.TransientError):
        return _("Klarna could not be reached. Please try again in a moment.")
    if isinstance(error, (errors.AuthenticationError, errors.EndpointNotAllowedError)):
        return _("Klarna payments are not set up correctly in this shop.")
    if isinstance(error, errors.NotAllowedError):
        return _("Klarna does not allow this for the order: %(reason)s") % {
            "reason": error.message[:150]
        }
    return _("Klarna could not process the payment.")


def _failure(payment_information: PaymentData, kind: str, message: str, error=None,
             transaction_id: Optional[str] = None) -> GatewayResponse:
    raw = {}
    if error is not None:
        raw = {"error_code": error.error_code, "correlation_id": error.correlation_id,
               "status": error.status}
        logger.warning("Klarna %s failed: %s", kind, error)
    return GatewayResponse(
        is_success=False,
        action_required=False,
        kind=kind,
        amount=payment_information.amount,
        currency=payment_information.currency,
        transaction_id=transaction_id or payment_information.token,
        error=message[:256],
        raw_response=raw,
    )


def _payment_to_charge(token: str) -> Optional[Payment]:
    """The payment ``process_payment`` was called for (Saleor hands only its token): in
    ``checkoutComplete`` the last payment of the checkout being completed, never another
    checkout's payment holding the same token; elsewhere the payment of the checkout the
    token is bound to."""
    payments = Payment.objects.filter(
        gateway=GATEWAY_ID, token=token, is_active=True
    ).select_related("checkout", "checkout__user")
    cache = request_cache.get()
    if cache is not None and COMPLETING_PAYMENT in cache:
        return payments.filter(pk=cache[COMPLETING_PAYMENT]).first()
    binding = KlarnaAuthorization.objects.filter(authorization_token=token).first()
    if binding is None:
        return None
    return payments.filter(checkout_id=binding.checkout_token).order_by("-pk").first()


def _discounts():
    from saleor.discount.utils import fetch_discounts

    return fetch_discounts(timezone.now())


def place_checkout_order(config, payment_information: PaymentData, auto_capture: bool
                         ) -> GatewayResponse:
    """``checkoutComplete``: place the Klarna order for the checkout being completed, with
    the authorization token bound to it that has placed no order yet."""
    kind = TransactionKind.CAPTURE if auto_capture else TransactionKind.AUTH
    authorization_token = payment_information.token or ""
    payment = _payment_to_charge(authorization_token)
    if payment is None or payment.checkout is None:
        return _failure(payment_information, kind, _("No Klarna payment for this checkout."))
    with transaction.atomic():
        # the token's row stays locked until its Klarna order is recorded: one order per
        # token, however many completions run at once
        binding = KlarnaAuthorization.objects.select_for_update().filter(
            authorization_token=authorization_token, checkout_token=payment.checkout_id).first()
        if binding is None:
            return _failure(payment_information, kind, not_for_this_checkout())
        if binding.klarna_order_id:
            return _failure(payment_information, kind, already_used())
        response, klarna_order_id = _place_order(
            config, payment_information, payment, auto_capture, kind)
        if klarna_order_id:  # the token is used up, even when Klarna then rejected it
            binding.klarna_order_id = klarna_order_id
            binding.payment = payment
            binding.save(update_fields=["klarna_order_id", "payment"])
        return response


def _order_body(config, checkout, payment_information: PaymentData, auto_capture: bool):
    """The Klarna order for the checkout, as (order data, body); None when the payment's
    amount is not the checkout's total."""
    from saleor.plugins.manager import get_plugins_manager

    order_data = checkout_order_data(
        checkout, list(checkout), _discounts(), get_plugins_manager(),
        default_country=config.default_country,
    )
    if from_minor_units(order_data.order_amount, order_data.purchase_currency).amount != Decimal(
        payment_information.amount
    ):
        return None
    body = order_data.as_dict()
    email = checkout.email or payment_information.customer_email or ""
    for name, address in (("billing_address", checkout.billing_address),
                          ("shipping_address", checkout.shipping_address)):
        if address is not None:
            body[name] = klarna_address(address, email)
    body["merchant_reference1"] = str(checkout.token)
    # never Klarna's auto_capture: the gateway captures right after placing (_place_order),
    # so an order whose answer is lost (placed, id unknown) holds an authorization only,
    # never the customer's money
    body["auto_capture"] = False
    return order_data, body


def _place_order(config, payment_information: PaymentData, payment: Payment,
                 auto_capture: bool, kind: str) -> Tuple[GatewayResponse, str]:
    """Tokenize when asked for, place the Klarna order, record it and capture it when
    ``auto_capture``: the answer for Saleor and the Klarna order id ("" when none was
    placed)."""
    checkout = payment.checkout
    authorization_token = payment_information.token or ""
    built = _order_body(config, checkout, payment_information, auto_capture)
    if built is None:
        return _failure(payment_information, kind, _(
            "The payment amount does not match the checkout total. Please start the payment again."
        )), ""
    order_data, body = built
    session = KlarnaPaymentSession.objects.filter(checkout_token=checkout.token).first()
    intent = session.intent if session else "buy"
    client = client_for(config)
    token_id = None
    if intent in ("tokenize", "buy_and_tokenize") and checkout.user_id:
        purchase = {name: body[name] for name in (
            "locale", "purchase_country", "purchase_currency", "billing_address") if name in body}
        try:
            token_id = store_customer_token(
                config, authorization_token, purchase, checkout.user_id).token_id
        except errors.KlarnaError as error:
            return _failure(payment_information, kind, customer_message(error), error), ""
    try:
        placed = client.create_order(authorization_token, body)
    except errors.KlarnaError as error:
        return _failure(payment_information, kind, customer_message(error), error), ""
    KlarnaOrder.objects.create(
        klarna_order_id=placed.order_id,
        payment=payment,
        checkout_token=checkout.token,
        order_amount=order_data.order_amount,
        currency=order_data.purchase_currency,
        fraud_status=placed.fraud_status,
        auto_captured=auto_capture and placed.fraud_status != "PENDING",
    )
    if placed.fraud_status == "REJECTED":
        try:
            cancel_klarna_order(config, placed.order_id)
        except errors.KlarnaError as error:  # recorded unlinked: the release task cancels it
            logger.warning("Could not cancel rejected Klarna order %s: %s", placed.order_id,
                           error)
        return _failure(payment_information, kind, _(
            "Klarna declined the payment. Please choose another payment method."
        ), transaction_id=placed.order_id), placed.order_id
    if placed.fraud_status == "PENDING":  # held for Klarna's review: authorized, not charged
        kind = TransactionKind.AUTH
    elif auto_capture:
        try:
            client.capture_order(
                placed.order_id, order_data.order_amount,
                idempotency_key=stable_idempotency_key(placed.order_id, "capture-when-placed"))
        except errors.KlarnaError as error:  # left unlinked: the release task settles it
            return _failure(payment_information, kind, customer_message(error), error,
                            transaction_id=placed.order_id), placed.order_id
    return GatewayResponse(
        is_success=True,
        action_required=False,
        kind=kind,
        amount=payment_information.amount,
        currency=payment_information.currency,
        transaction_id=placed.order_id,
        error=None,
        customer_id=token_id,
        raw_response={
            "order_id": placed.order_id,
            "fraud_status": placed.fraud_status,
            "authorized_payment_method": placed.authorized_payment_method,
            "customer_token": token_id or "",
        },
    ), placed.order_id


def _payment_for_order(klarna_order_id: str) -> Optional[Payment]:
    row = KlarnaOrder.objects.filter(klarna_order_id=klarna_order_id).select_related(
        "payment"
    ).first()
    return row.payment if row else None


def _money_movement(config, payment_information: PaymentData, kind: str) -> GatewayResponse:
    """Capture or refund through Order Management."""
    order_id = payment_information.token or ""
    payment = _payment_for_order(order_id)
    amount = minor_units(payment_information.amount, payment_information.currency)
    # Same Saleor state + same amount → same key: a repeated call after a timeout is
    # answered from Klarna's idempotency store instead of moving the money twice.
    key = stable_idempotency_key(
        order_id, kind, payment.captured_amount if payment else "-", amount
    )
    client = client_for(config)
    try:
        if kind == TransactionKind.CAPTURE:
            result = client.capture_order(order_id, amount, idempotency_key=key)
            raw = {"capture_id": result.capture_id, "captured_amount": amount}
        else:
            result = client.refund_order(order_id, amount, idempotency_key=key)
            raw = {"refund_id": result.refund_id, "refunded_amount": amount}
    except errors.KlarnaError as error:
        return _failure(payment_information, kind, customer_message(error), error)
    return GatewayResponse(
        is_success=True, action_required=False, kind=kind,
        amount=payment_information.amount, currency=payment_information.currency,
        transaction_id=order_id, error=None, raw_response=raw,
    )


def _fraud_hold(config, payment_information: PaymentData) -> Optional[GatewayResponse]:
    """A refusal while Klarna reviews the order (fraud status PENDING) or after it rejected
    it; the status is re-read from Klarna while it was pending."""
    order_id = payment_information.token or ""
    row = KlarnaOrder.objects.filter(klarna_order_id=order_id).first()
    if row is None or row.fraud_status not in ("PENDING", "REJECTED"):
        return None
    kind = TransactionKind.CAPTURE
    status = row.fraud_status
    if status == "PENDING":
        try:
            status = client_for(config).read_order(order_id).fraud_status
        except errors.KlarnaError as error:
            return _failure(payment_information, kind, customer_message(error), error)
        if status != row.fraud_status:
            KlarnaOrder.objects.filter(pk=row.pk).update(fraud_status=status)
    if status == "PENDING":
        return _failure(payment_information, kind, _(
            "Klarna is still reviewing this payment. Capture and ship only after Klarna has "
            "accepted it."))
    if status == "REJECTED":
        return _failure(payment_information, kind, _(
            "Klarna rejected this payment after its review. Do not ship; cancel the order."))
    return None


def capture(config, payment_information: PaymentData) -> GatewayResponse:
    return _fraud_hold(config, payment_information) or _money_movement(
        config, payment_information, TransactionKind.CAPTURE)


def refund(config, payment_information: PaymentData) -> GatewayResponse:
    return _money_movement(config, payment_information, TransactionKind.REFUND)


def cancel_klarna_order(config, order_id: str) -> None:
    client_for(config).cancel_order(
        order_id, idempotency_key=stable_idempotency_key(order_id, "cancel")
    )
    KlarnaOrder.objects.filter(klarna_order_id=order_id).update(cancelled=True)


def void(config, payment_information: PaymentData) -> GatewayResponse:
    order_id = payment_information.token or ""
    try:
        cancel_klarna_order(config, order_id)
    except errors.KlarnaError as error:
        return _failure(payment_information, TransactionKind.VOID, customer_message(error), error)
    return GatewayResponse(
        is_success=True, action_required=False, kind=TransactionKind.VOID,
        amount=payment_information.amount, currency=payment_information.currency,
        transaction_id=order_id, error=None, raw_response={"cancelled": True},
    )


def note_checkout_payments(checkout) -> None:
    """Before the order: whether any of the checkout's payments is Klarna's, from the
    payments ``checkoutComplete`` loaded with it (the claim read them already); the order
    gets exactly these, and Saleor's reassigning them empties that loaded list. And the
    payment Saleor is about to charge (its last active one), for ``process_payment``."""
    if "payments" in getattr(checkout, "_prefetched_objects_cache", {}):
        request_cache.section(CHECKOUT_PAYMENTS, {})[str(checkout.token)] = any(
            payment.gateway == GATEWAY_ID for payment in checkout.payments.all())
    cache = request_cache.get()
    if cache is not None:
        payment = checkout.get_last_active_payment()
        cache[COMPLETING_PAYMENT] = (
            payment.pk if payment is not None and payment.gateway == GATEWAY_ID else None)


def link_order(order) -> list:
    """After ``checkoutComplete``: remember which Saleor order a Klarna order paid."""
    if request_cache.section(CHECKOUT_PAYMENTS, {}).get(str(order.checkout_token)) is False:
        return []  # none of its payments is Klarna's: no Klarna order to link
    payment_ids = list(order.payments.filter(gateway=GATEWAY_ID).values_list("pk", flat=True))
    if not payment_ids:
        return []
    with transaction.atomic():
        rows = KlarnaOrder.objects.select_for_update().filter(
            payment_id__in=payment_ids, order__isnull=True
        )
        order_ids = [row.klarna_order_id for row in rows]
        KlarnaOrder.objects.filter(klarna_order_id__in=order_ids).update(order=order)
        if any(row.fraud_status == "PENDING" for row in rows):
            from saleor.order import events

            events.order_note_added_event(order=order, user=None, message=_(
                "Klarna is reviewing this payment for fraud. Do not ship or capture until "
                "Klarna has accepted it."))
    return order_ids


def stored_sources(customer_id: str):
    return [
        CustomerSource(
            id=customer_id,
            gateway=GATEWAY_ID,
            credit_card_info=CreditCardInfo(last_4="", exp_year=0, exp_month=0, brand="klarna"),
        )
    ]
