"""Scheduled work of the loyalty points: abandoned holds, reminders, e-mails in the
customer's language."""
import datetime
import uuid

from django.core import mail
from django.utils import timezone

from saleor_plugins.conf import beat_schedule, features
from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import EARN_REVIEW, LedgerEntry, Reservation
from saleor_plugins.loyalty.tasks import (
    release_stale_reservations,
    send_expiry_reminders,
    send_points_earned_email,
)

from . import factories


def test_abandoned_holds_are_released_and_free_the_points(db, shop, customer):
    account = ledger.account_for(customer)
    ledger.earn(account, EARN_REVIEW, 300, key="t:1", expiry_months=12)
    live = factories.create_checkout(user=customer, lines=[(shop.mug, 1)])
    ledger.reserve(account, live.token, 100, 300)
    ledger.reserve(account, uuid.uuid4(), 100, 300)  # its checkout is gone
    stale = factories.create_checkout(user=customer, lines=[(shop.mug, 1)])
    ledger.reserve(account, stale.token, 100, 300)
    Reservation.objects.filter(checkout_token=stale.token).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    account.refresh_from_db()
    assert ledger.available_points(account) == 100  # the expired hold no longer counts
    assert release_stale_reservations.delay().get() == 2
    assert list(Reservation.objects.values_list("checkout_token", flat=True)) == [live.token]
    assert ledger.available_points(account) == 200
    names = {entry["task"] for entry in beat_schedule(features()).values()}
    assert {"saleor_plugins.loyalty.tasks.expire_points",
            "saleor_plugins.loyalty.tasks.release_stale_reservations",
            "saleor_plugins.loyalty.tasks.send_expiry_reminders"} <= names


def test_points_earned_email_in_the_language_of_the_order(db, shop, customer):
    order = factories.create_order(user=customer, lines=[(shop.mug, 1)])
    order.language_code = "nb"
    order.save(update_fields=["language_code"])
    account = ledger.account_for(customer)
    entry = ledger.earn(account, EARN_REVIEW, 89, key="t:mail", expiry_months=12, order=order)
    assert send_points_earned_email(entry.pk) is True
    message = mail.outbox[-1]
    assert message.to == [customer.email]
    assert message.subject == "Du har tjent 89 poeng hos Fjordbutikken"
    assert "89" in message.body and "Du har nå 89 poeng." in message.body


def test_expiry_reminder_once_per_lot(db, customer):
    account = ledger.account_for(customer)
    soon = ledger.earn(account, EARN_REVIEW, 40, key="t:soon", expiry_months=12)
    ledger.earn(account, EARN_REVIEW, 60, key="t:later", expiry_months=12)
    LedgerEntry.objects.filter(pk=soon.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=10))
    assert send_expiry_reminders.delay().get() == 1
    assert "40" in mail.outbox[-1].subject
    assert send_expiry_reminders.delay().get() == 0
    assert ledger.expiring_soon(account) == 40
