"""Celery tasks of the till (arguments are primary keys)."""
from saleor.celeryconf import app


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
