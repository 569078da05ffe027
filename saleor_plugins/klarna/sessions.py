"""Klarna Payments sessions for checkouts (what the storefront's Klarna widget loads)."""
import datetime
from typing import Callable, List

from django.utils import timezone

from . import errors
from .models import KlarnaPaymentSession
from .payments import client_for
from .saleor_data import checkout_order_data, klarna_address

# Callables (checkout, lines) → True when the checkout must give us a customer token
# (the subscription feature registers one). Lines carrying a Klarna ``subscription``
# object ask for a token too.
TOKENIZE_CHECKS: List[Callable] = []
SESSION_LIFETIME = datetime.timedelta(hours=47)  # Klarna keeps sessions 48 h


def register_tokenize_check(check: Callable) -> Callable:
    if check not in TOKENIZE_CHECKS:
        TOKENIZE_CHECKS.append(check)
    return check


def checkout_intent(checkout, lines, order_lines) -> str:
    wants_token = any(line.subscription for line in order_lines) or any(
        check(checkout, lines) for check in TOKENIZE_CHECKS
    )
    if not wants_token or not checkout.user_id:
        return "buy"
    amount = sum(line.total_amount for line in order_lines)
    return "buy_and_tokenize" if amount > 0 else "tokenize"


def session_body(config, checkout, lines, discounts, manager) -> dict:
    order_data = checkout_order_data(
        checkout, lines, discounts, manager, default_country=config.default_country
    )
    body = order_data.as_dict()
    body["intent"] = checkout_intent(checkout, lines, order_data.order_lines)
    body["merchant_reference1"] = str(checkout.token)
    email = checkout.email or ""
    for name, address in (("billing_address", checkout.billing_address),
                          ("shipping_address", checkout.shipping_address)):
        if address is not None:
            body[name] = klarna_address(address, email)
    return body


def open_checkout_session(config, checkout, discounts, manager) -> KlarnaPaymentSession:
    """Create the checkout's Klarna session, or update the open one with the current cart."""
    lines = list(checkout)
    body = session_body(config, checkout, lines, discounts, manager)
    client = client_for(config)
    now = timezone.now()
    session = KlarnaPaymentSession.objects.filter(checkout_token=checkout.token).first()
    if session and session.expires_at > now and session.intent == body["intent"]:
        try:
            client.update_session(session.session_id, body)
        except errors.NotFoundError:  # expired or completed at Klarna: open a new one
            session = None
    else:
        session = None
    if session is None:
        created = client.create_session(body)
        session, _ = KlarnaPaymentSession.objects.update_or_create(
            checkout_token=checkout.token,
            defaults={
                "session_id": created.session_id,
                "client_token": created.client_token,
                "intent": body["intent"],
                "order_amount": body["order_amount"],
                "currency": body["purchase_currency"],
                "created_at": now,
                "expires_at": now + SESSION_LIFETIME,
            },
        )
        session.payment_method_categories = created.payment_method_categories
    else:
        session.payment_method_categories = client.read_session(
            session.session_id
        ).payment_method_categories
    session.intent = body["intent"]
    session.order_amount = body["order_amount"]
    session.currency = body["purchase_currency"]
    session.user_id = checkout.user_id
    session.updated_at = now
    session.save()
    return session
