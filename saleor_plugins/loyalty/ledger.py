"""The points ledger: every change of a balance is an entry written under the account's row
lock, in the same transaction as the new balance.

- Earned points are lots with ``remaining`` points and their own expiry; spending,
  expiring and reversing take from lots first-to-expire first (``LotConsumption`` records
  which), and returned points go back to the lots they came from, with their old expiry.
- ``key`` makes a change happen once (a unique column): a second attempt returns the
  first entry instead of writing another one.
- A negative balance (a reversal of points already spent) holds no lots: the next points
  credited pay it off first. So the lots always hold exactly the positive balance, and
  expiry can never take a balance below zero. Reversals and returns: ``reversal``.
"""
import secrets
import string
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
    LedgerEntry,
    LotConsumption,
    LoyaltyAccount,
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


def consume(account, entry, points: int, exclude_lot=None) -> int:
    """Take up to ``points`` from the account's lots, first-to-expire first (a few queries,
    however many lots: emptied lots in one update, the one left partly used in another);
    returns the points taken."""
    lots = _open_lots(account).only("pk", "remaining", "expires_at", "created_at")
    if exclude_lot is not None:
        lots = lots.exclude(pk=exclude_lot.pk)
    wanted = points
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
    return wanted - points


def move_balance(account, points: int) -> None:
    account.balance += points
    LoyaltyAccount.objects.filter(pk=account.pk).update(balance=F("balance") + points)


def debt(account) -> int:
    """Points the customer owes (a negative balance), paid off by the next points."""
    return max(-account.balance, 0)


def _write(account, kind, points, *, key=None, status=POSTED, expires_at=None, order=None,
           rate=None, amount=None, reason="", staff_user=None, app=None,
           now=None) -> LedgerEntry:
    """One entry on a locked account; a posted entry moves the balance. Earned points pay
    off a debt first (the rest is the lot); spent points come from the lots."""
    now = now or timezone.now()
    remaining = 0
    if status == POSTED and points > 0 and kind != RETURN_REDEEMED:  # returns: ``reversal``
        remaining = points - min(points, debt(account))
    entry = LedgerEntry.objects.create(
        account=account, kind=kind, status=status, points=points, remaining=remaining,
        expires_at=expires_at, order=order, rate=rate, amount=amount, reason=reason[:255],
        staff_user=staff_user, app=app, key=key, created_at=now,
        posted_at=now if status == POSTED else None,
    )
    if status == POSTED:
        if points < 0:
            consume(account, entry, -points)
        move_balance(account, points)
    return entry


def entry_with_key(key):
    return LedgerEntry.objects.filter(key=key).first() if key else None


@transaction.atomic
def earn(account, kind, points: int, *, key, expiry_months=0, pending=False, **fields):
    """Credit points once per ``key``; pending points wait for ``post_pending``."""
    if points <= 0:
        return None
    account = locked(account.pk)
    existing = entry_with_key(key)
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
    entry.remaining = entry.points - min(entry.points, debt(account))
    entry.save(update_fields=["status", "posted_at", "expires_at", "remaining"])
    move_balance(account, entry.points)
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
    existing = entry_with_key(key)
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
    existing = entry_with_key(key)
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
    # once by the lock: only lots still holding points expire (no key: a lot given points
    # back after its expiry expires again, at any later run)
    entry = LedgerEntry.objects.create(
        account=account, kind=EXPIRE, status=POSTED, points=-points, created_at=now,
        posted_at=now)
    LotConsumption.objects.bulk_create(
        LotConsumption(entry=entry, lot=lot, points=lot.remaining) for lot in lots)
    LedgerEntry.objects.filter(pk__in=[lot.pk for lot in lots]).update(remaining=0)
    move_balance(account, -points)
    return points


def expiring_soon(account, days=30, now=None) -> int:
    now = now or timezone.now()
    return LedgerEntry.objects.filter(
        account=account, status=POSTED, remaining__gt=0, expires_at__gt=now,
        expires_at__lte=now + timedelta(days=days),
    ).aggregate(total=Sum("remaining"))["total"] or 0


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
    """The key of an order's purchase earning (``order``: the order or its pk)."""
    return f"earn:{getattr(order, 'pk', order)}"

