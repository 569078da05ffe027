"""The points ledger: every change of a balance is an entry written under the account's row
lock, in the same transaction as the new balance.

- Earned points are lots with ``remaining`` points and their own expiry; spending,
  expiring and reversing take from lots first-to-expire first (``LotConsumption`` records
  which), and returned points go back to the lots they came from, with their old expiry.
- ``key`` makes a change happen once (a unique column): a second attempt returns the
  first entry instead of writing another one.
"""
import math
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Optional

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from ..core import checkout_rows
from .models import (
    ADJUST,
    EXPIRE,
    PENDING,
    POSTED,
    REDEEM,
    RETURN_REDEEMED,
    REVERSE_EARN,
    VOIDED,
    LedgerEntry,
    LotConsumption,
    LoyaltyAccount,
    OrderPoints,
    Reservation,
)

REFERRAL_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
RESERVATION_LIFETIME = timedelta(hours=2)


class PointsError(Exception):
    """A change the ledger refuses; ``available`` is what could be used instead."""

    def __init__(self, message, available=0):
        super().__init__(message)
        self.available = available


def new_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))


def account_for(user, create=True) -> Optional[LoyaltyAccount]:
    """The customer's account, created on first use (guests have none)."""
    if user is None or not user.pk:
        return None
    account = LoyaltyAccount.objects.filter(user_id=user.pk).first()
    if account is not None or not create:
        return account
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return LoyaltyAccount.objects.get_or_create(
                    user_id=user.pk, defaults={"referral_code": new_referral_code()})[0]
        except IntegrityError:  # the rare clash of two random codes
            continue
    raise RuntimeError("could not create a loyalty account")


def locked(account_id) -> LoyaltyAccount:
    return LoyaltyAccount.objects.select_for_update().get(pk=account_id)


def locked_account_for(user, **annotations) -> LoyaltyAccount:
    """The customer's account under its row lock, created on first use: one read for a
    caller whose transaction writes its entries (``annotations`` are read along)."""
    account = LoyaltyAccount.objects.select_for_update().filter(user_id=user.pk).annotate(
        **annotations).first()
    if account is None:
        account_for(user)
        account = LoyaltyAccount.objects.select_for_update().filter(user_id=user.pk).annotate(
            **annotations).get()
    return account


def expiry_from(now, expiry_months: int):
    return now + relativedelta(months=expiry_months) if expiry_months else None


def _open_lots(account):
    return LedgerEntry.objects.filter(account=account, status=POSTED, remaining__gt=0).order_by(
        F("expires_at").asc(nulls_last=True), "created_at", "pk")


def _consume(account, entry, points: int, prefer_lot=None) -> None:
    """Take ``points`` from the account's lots, first-to-expire first (a few queries, however
    many lots: emptied lots in one update, the one left partly used in another)."""
    lots = list(_open_lots(account).only("pk", "remaining", "expires_at", "created_at"))
    if prefer_lot is not None:
        lots.sort(key=lambda lot: lot.pk != prefer_lot.pk)
    emptied, taken_rows = [], []
    for lot in lots:
        if points <= 0:
            break
        taken = min(points, lot.remaining)
        taken_rows.append(LotConsumption(entry=entry, lot_id=lot.pk, points=taken))
        if taken == lot.remaining:
            emptied.append(lot.pk)
        else:
            LedgerEntry.objects.filter(pk=lot.pk).update(remaining=F("remaining") - taken)
        points -= taken
    if emptied:
        LedgerEntry.objects.filter(pk__in=emptied).update(remaining=0)
    LotConsumption.objects.bulk_create(taken_rows)


def _write(account, kind, points, *, key=None, status=POSTED, expires_at=None, order=None,
           rate=None, amount=None, reason="", staff_user=None, app=None, prefer_lot=None,
           now=None) -> LedgerEntry:
    """One entry on a locked account; a posted entry moves the balance."""
    now = now or timezone.now()
    remaining = 0
    if status == POSTED and points > 0 and kind != RETURN_REDEEMED:
        remaining = points - min(points, max(-account.balance, 0))  # pays off a debt first
    entry = LedgerEntry.objects.create(
        account=account, kind=kind, status=status, points=points, remaining=remaining,
        expires_at=expires_at, order=order, rate=rate, amount=amount, reason=reason[:255],
        staff_user=staff_user, app=app, key=key, created_at=now,
        posted_at=now if status == POSTED else None,
    )
    if status == POSTED:
        if points < 0:
            _consume(account, entry, -points, prefer_lot)
        account.balance += points
        LoyaltyAccount.objects.filter(pk=account.pk).update(balance=F("balance") + points)
    return entry


def _existing(key):
    return LedgerEntry.objects.filter(key=key).first() if key else None


@transaction.atomic
def earn(account, kind, points: int, *, key, expiry_months=0, pending=False, **fields):
    """Credit points once per ``key``; pending points wait for ``post_pending``."""
    if points <= 0:
        return None
    account = locked(account.pk)
    existing = _existing(key)
    if existing is not None:
        return existing
    return earn_unused_key(account, kind, points, key=key, expiry_months=expiry_months,
                           pending=pending, **fields)


def earn_unused_key(locked_account, kind, points: int, *, key, expiry_months=0, pending=False,
                    **fields) -> LedgerEntry:
    """``earn`` for a caller in a transaction that holds the account locked and knows no
    entry has ``key`` yet (the key's unique constraint still refuses a second one)."""
    now = timezone.now()
    return _write(locked_account, kind, points, key=key, status=PENDING if pending else POSTED,
                  expires_at=None if pending else expiry_from(now, expiry_months), now=now,
                  **fields)


@transaction.atomic
def post_pending(entry_id, expiry_months=0) -> Optional[LedgerEntry]:
    """Make a pending earning spendable (the order was paid or fulfilled)."""
    entry = LedgerEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return None
    account = locked(entry.account_id)
    entry = LedgerEntry.objects.select_for_update().get(pk=entry_id)
    if entry.status != PENDING:
        return None
    now = timezone.now()
    entry.status = POSTED
    entry.posted_at = now
    entry.expires_at = expiry_from(now, expiry_months)
    entry.remaining = entry.points - min(entry.points, max(-account.balance, 0))
    entry.save(update_fields=["status", "posted_at", "expires_at", "remaining"])
    LoyaltyAccount.objects.filter(pk=account.pk).update(balance=F("balance") + entry.points)
    return entry


def reserved_points(account, exclude_token=None, now=None) -> int:
    now = now or timezone.now()
    held = Reservation.objects.filter(account=account, expires_at__gt=now)
    if exclude_token is not None:
        held = held.exclude(checkout_token=exclude_token)
    return held.aggregate(total=Sum("points"))["total"] or 0


def available_points(account, exclude_token=None) -> int:
    """Points that can be put on a checkout now (balance minus other checkouts' holds)."""
    if account is None:
        return 0
    return max(account.balance - reserved_points(account, exclude_token), 0)


@transaction.atomic
def reserve(account, checkout_token, points: int, limit: int) -> Reservation:
    """Hold ``points`` for a checkout; ``limit`` is what the checkout may use at most."""
    account = locked(account.pk)
    available = min(available_points(account, checkout_token), limit)
    if points > available:
        raise PointsError("not enough points", available=max(available, 0))
    now = timezone.now()
    reservation, _ = Reservation.objects.update_or_create(
        checkout_token=checkout_token,
        defaults={"account": account, "points": points, "created_at": now,
                  "expires_at": now + RESERVATION_LIFETIME},
    )
    checkout_rows.forget(checkout_token)
    return reservation


def release(checkout_token) -> int:
    deleted, _ = Reservation.objects.filter(checkout_token=checkout_token).delete()
    return deleted


def reservation_of(checkout_token) -> Optional[Reservation]:
    """The checkout's reservation, also when expired (callers check ``expires_at``)."""
    return Reservation.objects.select_related("account").filter(
        checkout_token=checkout_token).first()


@transaction.atomic
def redeem_for_order(account, order, points: int, amount: Decimal, point_value: Decimal,
                     checkout_token) -> Optional[LedgerEntry]:
    """Spend a checkout's held points on its order; the hold ends."""
    account = locked(account.pk)
    key = f"redeem:{order.pk}"
    existing = _existing(key)
    if existing is not None:
        return existing
    Reservation.objects.filter(checkout_token=checkout_token).delete()
    points = min(points, max(account.balance, 0))  # checked before payment; never below 0
    if points <= 0:
        return None
    return _write(account, REDEEM, -points, key=key, order=order, rate=point_value,
                  amount=amount)


@transaction.atomic
def adjust(account, points: int, reason: str, staff_user, key=None,
           expiry_months=0, app=None) -> LedgerEntry:
    account = locked(account.pk)
    existing = _existing(key)
    if existing is not None:
        return existing
    if points < 0 and account.balance + points < 0:
        raise PointsError("below zero", available=max(account.balance, 0))
    return _write(account, ADJUST, points, key=key, reason=reason, staff_user=staff_user,
                  app=app, expires_at=expiry_from(timezone.now(), expiry_months))


def expire_due(now=None) -> int:
    """Expire every lot past its expiry; returns the number of points expired."""
    now = now or timezone.now()
    account_ids = set(LedgerEntry.objects.filter(
        status=POSTED, remaining__gt=0, expires_at__lte=now).values_list("account_id", flat=True))
    total = 0
    for account_id in sorted(account_ids):
        total += _expire_account(account_id, now)
    return total


@transaction.atomic
def _expire_account(account_id, now) -> int:
    account = locked(account_id)
    lots = list(LedgerEntry.objects.select_for_update().filter(
        account=account, status=POSTED, remaining__gt=0, expires_at__lte=now).order_by(
        "expires_at", "pk"))
    points = sum(lot.remaining for lot in lots)
    if not points:
        return 0
    entry = LedgerEntry.objects.create(
        account=account, kind=EXPIRE, status=POSTED, points=-points, created_at=now,
        posted_at=now, key=f"expire:{account.pk}:{now.isoformat()}",
    )
    for lot in lots:
        LotConsumption.objects.create(entry=entry, lot=lot, points=lot.remaining)
    LedgerEntry.objects.filter(pk__in=[lot.pk for lot in lots]).update(remaining=0)
    LoyaltyAccount.objects.filter(pk=account.pk).update(balance=F("balance") - points)
    return points


def expiring_soon(account, days=30, now=None) -> int:
    now = now or timezone.now()
    return LedgerEntry.objects.filter(
        account=account, status=POSTED, remaining__gt=0, expires_at__gt=now,
        expires_at__lte=now + timedelta(days=days),
    ).aggregate(total=Sum("remaining"))["total"] or 0


@dataclass
class Reversal:
    reversed_earned: int = 0
    returned_redeemed: int = 0


@transaction.atomic
def reverse_order(order, fraction: Decimal) -> Reversal:
    """Take back ``fraction`` (0..1) of what the order earned and give back the same share of
    what it spent, counted from the stored order numbers (never from today's rates).

    Repeatable: the cumulative target is the entry key, so each state is written once.
    """
    record = OrderPoints.objects.filter(order=order).first()
    result = Reversal()
    if record is None:
        return result
    account = locked(record.account_id)
    fraction = min(max(Decimal(fraction), Decimal(0)), Decimal(1))
    earned_target = math.floor(record.points_earned * fraction) if fraction < 1 \
        else record.points_earned
    returned_target = math.floor(record.points_redeemed * fraction) if fraction < 1 \
        else record.points_redeemed
    earn_entry = LedgerEntry.objects.select_for_update().filter(
        key=purchase_key(order)).first()
    if earn_entry is not None and earn_entry.status == PENDING:
        left = record.points_earned - earned_target
        if left <= 0:
            earn_entry.status, earn_entry.points = VOIDED, 0
        else:
            earn_entry.points = left
        earn_entry.save(update_fields=["status", "points"])
    elif earn_entry is not None and earn_entry.status == POSTED:
        done = -(LedgerEntry.objects.filter(order=order, kind=REVERSE_EARN).aggregate(
            total=Sum("points"))["total"] or 0)
        delta = earned_target - done
        if delta > 0 and not _existing(f"reverse:{order.pk}:{earned_target}"):
            _write(account, REVERSE_EARN, -delta, key=f"reverse:{order.pk}:{earned_target}",
                   order=order, prefer_lot=earn_entry)
            result.reversed_earned = delta
    redeem_entry = LedgerEntry.objects.filter(key=f"redeem:{order.pk}").first()
    if redeem_entry is not None:
        done = LedgerEntry.objects.filter(order=order, kind=RETURN_REDEEMED).aggregate(
            total=Sum("points"))["total"] or 0
        delta = min(returned_target, -redeem_entry.points) - done
        if delta > 0 and not _existing(f"return:{order.pk}:{returned_target}"):
            _write(account, RETURN_REDEEMED, delta, key=f"return:{order.pk}:{returned_target}",
                   order=order)
            _return_to_lots(redeem_entry, delta)
            result.returned_redeemed = delta
    return result


def _return_to_lots(redeem_entry, points: int) -> None:
    """Put returned points back into the lots they were spent from, latest expiry first."""
    taken = LotConsumption.objects.filter(entry=redeem_entry, points__gt=F("returned")) \
        .select_related("lot").order_by(F("lot__expires_at").desc(nulls_first=True), "-pk")
    for consumption in taken:
        if points <= 0:
            break
        back = min(points, consumption.points - consumption.returned)
        LotConsumption.objects.filter(pk=consumption.pk).update(returned=F("returned") + back)
        LedgerEntry.objects.filter(pk=consumption.lot_id).update(remaining=F("remaining") + back)
        points -= back


def ledger_sum(account) -> int:
    return LedgerEntry.objects.filter(account=account, status=POSTED).aggregate(
        total=Sum("points"))["total"] or 0


def check_account(account) -> bool:
    """The invariant: the stored balance is the sum of the posted entries."""
    account.refresh_from_db(fields=["balance"])
    return account.balance == ledger_sum(account)


def pending_earning(order) -> Optional[LedgerEntry]:
    return LedgerEntry.objects.filter(key=purchase_key(order), status=PENDING).first()


def purchase_key(order) -> str:
    return f"earn:{order.pk}"

