"""Celery tasks of the Klarna layer (arguments are primary keys)."""
import datetime
import logging

from django.db import transaction
from django.utils import timezone
from saleor.celeryconf import app

from . import errors
from .client import stable_idempotency_key
from .models import KlarnaOrder
from .payments import GATEWAY_ID, client_for

logger = logging.getLogger(__name__)

# checkoutComplete places the Klarna order and creates Saleor's order within one request;
# a Klarna order still without a Saleor order after this long never got one.
UNLINKED_GRACE = datetime.timedelta(minutes=30)


def _gateway_config():
    from saleor.plugins.manager import get_plugins_manager

    plugin = get_plugins_manager().get_plugin(GATEWAY_ID)
    if plugin is None or not plugin.active or not plugin.configured:
        return None
    return plugin.config


def _order_paid_by(klarna_order_id: str):
    """The Saleor order a payment by this Klarna order belongs to, whichever payment the
    row names: Saleor records the Klarna order id as the payment's transaction token (and
    the till and renewals as the payment's token)."""
    from django.db.models import Q
    from saleor.payment.models import Payment

    return (
        Payment.objects.filter(gateway=GATEWAY_ID, order__isnull=False)
        .filter(Q(token=klarna_order_id)
                | Q(transactions__token=klarna_order_id, transactions__is_success=True))
        .values_list("order_id", flat=True)
        .first()
    )


@app.task
def release_unlinked_klarna_orders():
    """Cancel (or refund, if captured) Klarna orders whose checkout never became an order;
    never one whose money backs a Saleor order."""
    config = _gateway_config()
    if config is None:
        return 0
    cutoff = timezone.now() - UNLINKED_GRACE
    ids = list(
        KlarnaOrder.objects.filter(order__isnull=True, cancelled=False, created_at__lt=cutoff)
        .values_list("pk", flat=True)[:200]
    )
    released = 0
    for pk in ids:
        released += release_unlinked_klarna_order(config, pk)
    return released


def release_unlinked_klarna_order(config, pk: int) -> int:
    with transaction.atomic():
        row = (
            KlarnaOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("payment")
            .filter(pk=pk, order__isnull=True, cancelled=False)
            .first()
        )
        if row is None:
            return 0
        payment = row.payment
        backed_order_id = payment.order_id if payment is not None else None
        if not backed_order_id:
            backed_order_id = _order_paid_by(row.klarna_order_id)
            if backed_order_id:
                logger.warning("Klarna order %s pays order %s but was recorded for payment %s",
                               row.klarna_order_id, backed_order_id, row.payment_id)
        if backed_order_id:  # its money backs an order (the hook missed it): link, keep
            row.order_id = backed_order_id
            row.save(update_fields=["order"])
            return 0
        client = client_for(config)
        order_id = row.klarna_order_id
        try:
            remote = client.read_order(order_id)
            if remote.status == "AUTHORIZED":
                client.cancel_order(order_id,
                                    idempotency_key=stable_idempotency_key(order_id, "cancel"))
            elif remote.captured_amount > remote.refunded_amount:
                client.refund_order(
                    order_id, remote.captured_amount - remote.refunded_amount,
                    idempotency_key=stable_idempotency_key(order_id, "release-refund"),
                    description="Checkout was not completed",
                )
        except errors.KlarnaError as error:
            logger.warning("Could not release unlinked Klarna order %s: %s", order_id, error)
            return 0
        row.cancelled = True
        row.save(update_fields=["cancelled"])
        if payment is not None and payment.is_active:
            payment.is_active = False
            payment.save(update_fields=["is_active"])
        logger.info("Released Klarna order %s: its checkout never became an order", order_id)
        return 1
