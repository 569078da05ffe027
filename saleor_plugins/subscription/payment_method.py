"""A new payment method for a subscription: a Klarna session with intent ``tokenize``, the
customer's approval turned into a customer token, the subscription charged with it.

After a hard decline the subscription is ``PAYMENT_REQUIRED``; the new token makes it
``ACTIVE`` again and the declined delivery (or month) is charged at the next renewal run as
a new attempt, so with a new idempotency key: the declined attempt charged nothing.
"""
import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ChargeAttempt, MonthlyInvoice, PaymentMethodChange, Renewal, Subscription
from .subscriptions import (
    KLARNA_GATEWAY,
    OPEN_STATUSES,
    SubscriptionError,
    delivery_calendar,
    first_unsettled_cycle,
    place_next,
    today,
)

logger = logging.getLogger(__name__)

SESSION_LIFETIME = datetime.timedelta(hours=47)  # Klarna keeps sessions 48 h


def _klarna_config():
    from .charges import klarna_config

    config = klarna_config()
    if config is None:
        raise SubscriptionError(_("Klarna is not available in this shop."),
                                "subscription_klarna_unavailable")
    return config


def _require_changeable(subscription):
    if subscription.status not in OPEN_STATUSES:
        raise SubscriptionError(_("This subscription has ended."), "subscription_ended")


def _purchase(subscription, config):
    from saleor_plugins.klarna.amounts import klarna_locale
    from saleor_plugins.klarna.saleor_data import klarna_address, purchase_country

    country = purchase_country(subscription.billing_address, subscription.shipping_address,
                               default=config.default_country)
    body = {
        "purchase_country": country,
        "purchase_currency": subscription.currency,
        "locale": klarna_locale(subscription.language_code, country),
    }
    address = klarna_address(subscription.billing_address, subscription.user.email)
    if address:
        body["billing_address"] = address
    return body


def tokenize_session_body(subscription, config) -> dict:
    """Klarna's tokenize-only session: nothing is charged, so the lines are at 0."""
    from prices import Money, TaxedMoney

    from saleor_plugins.klarna.amounts import product_line

    from .checkout_lines import klarna_subscription

    zero = Money(0, subscription.currency)
    line = product_line(
        subscription.product_name, subscription.quantity, TaxedMoney(zero, zero),
        reference=subscription.product_sku,
        subscription=klarna_subscription(subscription.plan.name if subscription.plan else
                                         subscription.product_name, subscription.interval))
    return dict(_purchase(subscription, config), intent="tokenize", order_amount=0,
                order_tax_amount=0, order_lines=[line.as_dict()],
                merchant_reference1=f"subscription-{subscription.pk}")


def open_session(subscription: Subscription, opened_by) -> PaymentMethodChange:
    """The Klarna session the customer approves the new payment method in
    (``opened_by``: the ``core.actors.Actor`` who asked)."""
    from saleor_plugins.klarna import errors
    from saleor_plugins.klarna.payments import client_for, customer_message

    _require_changeable(subscription)
    config = _klarna_config()
    try:
        created = client_for(config).create_session(tokenize_session_body(subscription, config))
    except errors.KlarnaError as error:
        logger.warning("Klarna tokenize session for subscription %s: %s", subscription.pk, error)
        raise SubscriptionError(customer_message(error), "subscription_klarna_unavailable")
    change = PaymentMethodChange.objects.create(
        subscription=subscription, session_id=created.session_id,
        opened_by=opened_by.user, opened_by_app=opened_by.app,
        expires_at=timezone.now() + SESSION_LIFETIME)
    change.client_token = created.client_token
    return change


def replace_token(subscription: Subscription, authorization_token: str, config) -> str:
    """Turn the customer's approval into the subscription's customer token (the caller
    holds the subscription's row lock). Returns the token that is no longer used."""
    from saleor_plugins.klarna import errors
    from saleor_plugins.klarna.payments import store_customer_token

    _require_changeable(subscription)
    authorization_token = (authorization_token or "").strip()
    if not authorization_token or len(authorization_token) > 255:
        raise SubscriptionError(_("The Klarna approval is not valid. Please approve again."),
                                "subscription_authorization_invalid", "authorizationToken")
    if PaymentMethodChange.objects.filter(authorization_token=authorization_token).exists():
        raise SubscriptionError(
            _("This Klarna approval was already used. Please approve again."),
            "subscription_authorization_used", "authorizationToken")
    klarna = _klarna_config()
    purchase = _purchase(subscription, klarna)
    try:
        token = store_customer_token(klarna, authorization_token, purchase,
                                     subscription.user_id)
    except (errors.NotFoundError, errors.InvalidRequestError, errors.ConflictError,
            errors.NotAllowedError) as error:
        logger.info("Klarna refused the approval for subscription %s: %s", subscription.pk,
                    error)
        raise SubscriptionError(
            _("The Klarna approval has expired or is not valid. Please approve again."),
            "subscription_authorization_invalid", "authorizationToken")
    except errors.KlarnaError as error:
        logger.warning("Klarna customer token for subscription %s: %s", subscription.pk, error)
        raise SubscriptionError(_("Klarna could not be reached. Please try again in a moment."),
                                "subscription_klarna_unavailable")
    change = subscription.payment_method_changes.filter(
        authorization_token__isnull=True, expires_at__gt=timezone.now()).first()
    if change is None:  # approved in a session opened elsewhere (e.g. Klarna's own page)
        change = PaymentMethodChange(subscription=subscription, session_id=f"-{token.token_id}",
                                     expires_at=timezone.now())
    change.authorization_token, change.token_id = authorization_token, token.token_id
    change.completed_at = timezone.now()
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:  # the same approval, at the same moment, for another subscription
        raise SubscriptionError(
            _("This Klarna approval was already used. Please approve again."),
            "subscription_authorization_used", "authorizationToken")
    previous = subscription.klarna_token_id
    subscription.klarna_token_id, subscription.gateway = token.token_id, KLARNA_GATEWAY
    if subscription.status == Subscription.PAYMENT_REQUIRED:
        _charge_again(subscription, config)
    subscription.save()
    return previous if previous != token.token_id else ""


def _charge_again(subscription, config):
    """Back to ACTIVE; what the declined token could not pay is charged at the next run."""
    subscription.status = Subscription.ACTIVE
    calendar = delivery_calendar(config)
    day = today(config)
    invoice = subscription.invoices.filter(status=MonthlyInvoice.FAILED).order_by(
        "-month").first()
    if invoice is not None and _hard_declined(invoice.attempts):
        invoice.status, invoice.retry_on, invoice.failed_days = MonthlyInvoice.RETRYING, None, 0
        invoice.save()
    renewal = subscription.renewals.order_by("-cycle").first()
    if renewal is not None and renewal.status == Renewal.DROPPED and \
            _hard_declined(renewal.attempts) and renewal.delivery_date > day:
        renewal.status, renewal.retry_on, renewal.failed_days = Renewal.RETRYING, None, 0
        renewal.save()
        subscription.next_cycle = renewal.cycle
        subscription.next_delivery_date = renewal.delivery_date
        subscription.next_order_date = calendar.order_date(renewal.delivery_date)
        subscription.due_on = day
    else:  # that delivery's day has passed: the next one
        place_next(subscription, first_unsettled_cycle(subscription), calendar, day)


def _hard_declined(attempts) -> bool:
    last = attempts.order_by("-number").first()
    return last is not None and last.status == ChargeAttempt.HARD_DECLINED


def cancel_unused_token(token_id: str, user_id):
    """Cancel the replaced token at Klarna unless another open subscription still uses it."""
    from saleor_plugins.klarna import errors
    from saleor_plugins.klarna.models import KlarnaCustomerToken
    from saleor_plugins.klarna.payments import client_for

    if not token_id or Subscription.objects.filter(
            klarna_token_id=token_id, status__in=OPEN_STATUSES).exists():
        return False
    stored = KlarnaCustomerToken.objects.filter(token_id=token_id, user_id=user_id).first()
    if stored is None:
        return False
    if stored.status == KlarnaCustomerToken.ACTIVE:
        config = _klarna_config()
        try:
            client_for(config).cancel_customer_token(token_id)
        except errors.KlarnaError as error:  # it is no longer charged by us anyway
            logger.warning("Cancelling replaced Klarna token %s: %s", token_id, error)
            return False
    KlarnaCustomerToken.objects.filter(pk=stored.pk).update(
        status=KlarnaCustomerToken.CANCELLED, cancelled_at=timezone.now())
    return True
