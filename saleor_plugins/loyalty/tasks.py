"""Celery tasks of the loyalty points (arguments are primary keys)."""
import datetime

from django.conf import settings
from django.utils import timezone, translation
from saleor.celeryconf import app

from . import ledger
from .models import POSTED, LedgerEntry, Reservation

REMIND_DAYS_BEFORE = 30


@app.task
def expire_points() -> int:
    """Expire lots past their expiry, first-earned first; returns the points expired."""
    return ledger.expire_due()


@app.task
def release_stale_reservations() -> int:
    """Holds of checkouts that were abandoned (or completed elsewhere) end."""
    from saleor.checkout.models import Checkout

    now = timezone.now()
    stale = Reservation.objects.filter(expires_at__lte=now)
    gone = Reservation.objects.exclude(
        checkout_token__in=Checkout.objects.values("token"))
    deleted = stale.delete()[0] + gone.delete()[0]
    return deleted


def customer_language(user, order=None) -> str:
    if order is not None and order.language_code:
        return order.language_code
    from saleor.order.models import Order

    last = Order.objects.filter(user=user).order_by("-pk").values_list(
        "language_code", flat=True).first()
    return last or settings.LANGUAGE_CODE


def _send(template, user, language, context):
    from saleor.core.emails import get_email_context
    from templated_email import send_templated_mail

    send_kwargs, ctx = get_email_context()
    ctx.update(context)
    with translation.override(language):
        send_templated_mail(template_name=f"saleor_plugins/loyalty/{template}",
                            recipient_list=[user.email], context=ctx, **send_kwargs)


@app.task
def send_points_earned_email(entry_id) -> bool:
    entry = LedgerEntry.objects.select_related("account__user", "order").filter(
        pk=entry_id, status=POSTED).first()
    if entry is None or entry.points <= 0 or not entry.account.user.email:
        return False
    user = entry.account.user
    _send("points_earned", user, customer_language(user, entry.order), {
        "points": entry.points, "balance": entry.account.balance, "kind": entry.kind,
        "order_number": entry.order_id, "expires_at": entry.expires_at,
    })
    return True


@app.task
def send_expiry_reminders(days=REMIND_DAYS_BEFORE) -> int:
    """One e-mail per customer whose points expire within ``days`` (each lot reminded once)."""
    now = timezone.now()
    due = LedgerEntry.objects.filter(
        status=POSTED, remaining__gt=0, reminded_at__isnull=True, expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=days),
    ).select_related("account__user").order_by("expires_at")
    by_account = {}
    for lot in due:
        by_account.setdefault(lot.account, []).append(lot)
    sent = 0
    for account, lots in by_account.items():
        user = account.user
        if account.excluded or not user.email:
            continue
        _send("points_expiring", user, customer_language(user), {
            "points": sum(lot.remaining for lot in lots), "expires_at": lots[0].expires_at,
            "balance": account.balance,
        })
        LedgerEntry.objects.filter(pk__in=[lot.pk for lot in lots]).update(reminded_at=now)
        sent += 1
    return sent
