"""Shipping once per parcel: a customer's renewals for one delivery day, one address and
one shipping method go in one parcel, whose shipping is charged on one renewal's order.

The parcel's ``Shipment`` row names the renewal that pays. It is claimed in the renewal's
transaction with one upsert that locks the row, so two workers renewing siblings at once
are serialised: the second sees the first's outcome (paid: ships free; failed: the row was
deleted in the same transaction, so the second pays). A renewal whose charge fails
releases the parcel, so the next sibling renewal or its own retry pays the shipping; one
whose Klarna answer was lost keeps it, because its retry must send the same amount.
"""
import hashlib
from typing import Optional

from django.db import connection
from django.utils import timezone

from .models import ChargeAttempt, Renewal, Shipment

ADDRESS_FIELDS = ("first_name", "last_name", "company_name", "street_address_1",
                  "street_address_2", "city", "city_area", "postal_code", "country_area",
                  "phone")


def address_key(subscription) -> str:
    """Same content = same parcel: every subscription of a checkout has its own copy."""
    address = subscription.shipping_address
    parts = [str(subscription.shipping_method_id or "")]
    if address is not None:
        parts.append(str(getattr(address.country, "code", address.country) or ""))
        parts.extend(" ".join(str(getattr(address, name) or "").split()).casefold()
                     for name in ADDRESS_FIELDS)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def claim(subscription, renewal: Renewal, delivery_date) -> int:
    """The pk of the renewal that pays this parcel's shipping (``renewal`` itself if it
    is the first). Holds the parcel's row lock until the transaction ends."""
    table = connection.ops.quote_name(Shipment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, delivery_date, address_key, renewal_id, created_at)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (user_id, delivery_date, address_key)"
            f" DO UPDATE SET renewal_id = {table}.renewal_id RETURNING renewal_id",
            [subscription.user_id, delivery_date, address_key(subscription), renewal.pk,
             timezone.now()])
        return cursor.fetchone()[0]


def paying_order_id(payer_renewal_pk: int) -> Optional[int]:
    return Renewal.objects.filter(pk=payer_renewal_pk).values_list(
        "order_id", flat=True).first()


def release(renewal: Renewal):
    """The renewal failed: the parcel's shipping is paid by whoever renews it next, unless
    a charge of this renewal is still unknown (its retry resends the same amount)."""
    Shipment.objects.filter(renewal=renewal).exclude(
        renewal__attempts__status=ChargeAttempt.UNKNOWN).delete()


def parcel_of(subscription, delivery_date):
    return subscription.user_id, delivery_date, address_key(subscription)


def payers(parcels_wanted) -> dict:
    """{parcel: pk of the subscription whose renewal pays its shipping} for the parcels
    ((user, delivery date, address key)) already claimed; one query."""
    parcels_wanted = set(parcels_wanted)
    if not parcels_wanted:
        return {}
    rows = Shipment.objects.filter(
        user_id__in={p[0] for p in parcels_wanted},
        delivery_date__in={p[1] for p in parcels_wanted},
    ).values_list("user_id", "delivery_date", "address_key", "renewal__subscription_id")
    return {row[:3]: row[3] for row in rows if row[:3] in parcels_wanted}


def ships_free(subscriptions) -> set:
    """Pks of ``subscriptions`` whose next delivery's shipping a sibling already pays."""
    wanted = {s.pk: parcel_of(s, s.next_delivery_date) for s in subscriptions}
    paid_by = payers(wanted.values())
    return {pk for pk, parcel in wanted.items() if paid_by.get(parcel, pk) != pk}
