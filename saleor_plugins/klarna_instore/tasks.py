"""Celery tasks of the till (arguments are primary keys)."""
import logging

from saleor.celeryconf import app

logger = logging.getLogger(__name__)
# Klarna unreachable: tried again after 5, 10, 20, 40, 60... s; the beat poll is the backstop
UPDATE_RETRIES = 8


@app.task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=UPDATE_RETRIES)
def apply_klarna_update(self, link_pk: int, event_id: str = "") -> str:
    """What a Klarna callback announced, re-read from Klarna and applied (capture, order,
    receipt). Safe to run twice or at once for one link: the sale's row lock, the capture's
    idempotency key and one order per sale."""
    from .callbacks import apply_update
    from .till import ErrorCode, TillError

    try:
        return apply_update(link_pk, event_id)
    except TillError as error:
        if error.code == ErrorCode.KLARNA_UNAVAILABLE and not self.request.is_eager:
            raise self.retry(countdown=min(60, 5 * 2 ** self.request.retries))
        logger.warning("Till link %s: Klarna's update not applied: %s", link_pk, error.message)
        return "retry"


@app.task
def send_till_receipt(sale_pk: int) -> bool:
    """The receipt e-mail of a paid sale, in the sale's language; sent once per sale."""
    from django.utils import timezone
    from saleor.core.emails import get_email_context
    from saleor.order import events
    from templated_email import send_templated_mail

    from .models import TillSale
    from .orders import receipt_context

    sale = TillSale.objects.select_related("order", "staff").filter(pk=sale_pk).first()
    if sale is None or sale.order is None or not sale.order.user_email:
        return False
    # claim the receipt first: a repeated task never mails twice
    if not TillSale.objects.filter(pk=sale_pk, receipt_sent_at__isnull=True).update(
            receipt_sent_at=timezone.now()):
        return False
    send_kwargs, context = get_email_context()
    context.update(receipt_context(sale))
    send_templated_mail(template_name="saleor_plugins/till_receipt",
                        recipient_list=[sale.order.user_email], context=context, **send_kwargs)
    events.email_sent_event(order=sale.order, user=None,
                            email_type=events.OrderEventsEmails.ORDER)
    return True


@app.task
def refresh_waiting_till_sales() -> int:
    from .till import refresh_waiting_sales

    return refresh_waiting_sales()
