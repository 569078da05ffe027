"""E-mails to subscribers (reminders and dunning), in the subscriber's language."""
import logging

from django.db import transaction

logger = logging.getLogger(__name__)

TEMPLATE = "saleor_plugins/subscription/notice"


def _send(subscription, kind, **extra):
    from saleor.core.emails import get_email_context
    from templated_email import send_templated_mail

    send_kwargs, context = get_email_context()
    context.update(kind=kind, subscription=subscription,
                   language_code=subscription.language_code, **extra)
    recipient = subscription.user.email

    def send():
        try:
            send_templated_mail(template_name=TEMPLATE, recipient_list=[recipient],
                                context=context, **send_kwargs)
        except Exception:  # a mail server problem must not undo a renewal
            logger.exception("Subscription e-mail %s to %s failed", kind, recipient)

    transaction.on_commit(send)


def renewal_reminder(subscription, amount):
    _send(subscription, "reminder", amount=amount, currency=subscription.currency,
          date=subscription.next_delivery_date)


def renewal_failed(subscription, renewal, retry_on):
    _send(subscription, "failed", retry_on=retry_on, date=renewal.delivery_date)


def renewal_dropped(subscription, renewal):
    _send(subscription, "dropped", date=renewal.delivery_date,
          next_date=subscription.next_delivery_date)


def payment_method_declined(subscription):
    _send(subscription, "payment_required")


def invoice_failed(subscription, invoice, retry_on=None):
    _send(subscription, "invoice_failed", month=invoice.month, retry_on=retry_on,
          amount=invoice.amount, currency=invoice.currency)
