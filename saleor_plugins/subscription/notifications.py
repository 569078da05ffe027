"""E-mails to subscribers (reminders and dunning), in the subscriber's language.

Inside ``after_success()`` e-mails wait until the block ends without an error (a renewal
rolled back after a crash tells the customer nothing); outside it they are sent at once.
"""
import contextlib
import contextvars
import logging

logger = logging.getLogger(__name__)

_pending = contextvars.ContextVar("subscription_pending_mail", default=None)


@contextlib.contextmanager
def after_success():
    pending = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    for send in pending:
        send()


def later(send):
    """Run ``send`` when the surrounding ``after_success`` block succeeds (or now)."""
    pending = _pending.get()
    if pending is None:
        send()
    else:
        pending.append(send)

TEMPLATE = "saleor_plugins/subscription/notice"


def _send(subscription, kind, **extra):
    from saleor.core.emails import get_email_context
    from templated_email import send_templated_mail

    send_kwargs, context = get_email_context()
    context.update(kind=kind, subscription=subscription,
                   language_code=subscription.language_code,
                   self_service_url=self_service_url(subscription.user_id), **extra)
    recipient = subscription.user.email

    def send():
        try:
            send_templated_mail(template_name=TEMPLATE, recipient_list=[recipient],
                                context=context, **send_kwargs)
        except Exception:  # a mail server problem must not undo a renewal
            logger.exception("Subscription e-mail %s to %s failed", kind, recipient)

    later(send)


def public_base_url(config) -> str:
    """The shop's public address for links in e-mails: the plugin's setting, else the
    site's domain."""
    if config is not None and config.public_url:
        return config.public_url.rstrip("/")
    from saleor.core.utils import build_absolute_uri

    return build_absolute_uri("/").rstrip("/")


def self_service_url(customer_id) -> str:
    """A signed, expiring link to the customer's self-service page (every e-mail has one)."""
    from .self_service_links import page_link
    from .subscriptions import plugin

    found = plugin()
    config = found.config if found is not None else None
    days = config.self_service_link_days if config is not None else 14
    return page_link(public_base_url(config), customer_id, days)


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
          amount=invoice.amount, currency=invoice.currency,
          on_hold=subscription.status == subscription.PAYMENT_REQUIRED)
