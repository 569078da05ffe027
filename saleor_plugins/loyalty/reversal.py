"""Taking earned points back and giving spent points back, with the lots kept true.

An earned lot's points are in the lot (``remaining``), with whoever took them
(``LotConsumption``: a redemption, an expiry, a reversal) or they paid off a debt when the
lot was credited. A reversal of ``n`` of a lot's points takes them where they are:

1. from the lot's remaining points;
2. from its expired points: those are off the balance already, so the reversal takes
   them over from the expiry and costs nothing more;
3. the rest was spent: it comes from the account's other lots, first to expire first (a
   loan), and beyond them makes the balance negative (a debt the next points pay off).

Returned points (a cancelled or refunded redemption) pay off a debt first, then go back
into the lots they were spent from, each taking back only what it still owns (its points
less what was reversed of them, what it holds and what others hold of it: its *room*);
what those lots cannot take repays the lots that lent to a reversal or paid off a debt,
latest expiry first. So a lot never holds points that were taken back, and expiry never
takes more than the customer still has.

Every step is written once per key, on accounts locked in primary-key order.
"""
import logging
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Iterable

from django.db import transaction
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.utils import timezone

from . import ledger
from .models import (
    EARN_REFERRAL,
    EXPIRE,
    PENDING,
    POSTED,
    RETURN_REDEEMED,
    REVERSE_EARN,
    VOIDED,
    LedgerEntry,
    LotConsumption,
    LoyaltyAccount,
    OrderPoints,
)

logger = logging.getLogger(__name__)

OUTSTANDING = F("points") - F("returned")


def reversed_of(lot) -> int:
    """Points of the lot taken back so far."""
    return LedgerEntry.objects.filter(reverses=lot).order_by().aggregate(
        total=Sum("reversed_points"))["total"] or 0


def rooms(lot_ids: Iterable[int]) -> Dict[int, int]:
    """lot pk -> points the lot may take back: its points less what was reversed of them,
    what it holds and what other entries hold of it (negative: others hold points it no
    longer owns, which a reversal covered)."""
    lot_ids = list(set(lot_ids))
    if not lot_ids:
        return {}
    held = {row["lot_id"]: row for row in LotConsumption.objects.filter(lot_id__in=lot_ids)
            .order_by().values("lot_id").annotate(
                total=Sum(OUTSTANDING),
                own=Sum(Case(When(entry__reverses_id=F("lot_id"), then=OUTSTANDING),
                             default=Value(0), output_field=IntegerField())))}
    reversed_points = dict(LedgerEntry.objects.filter(reverses_id__in=lot_ids).order_by()
                           .values("reverses_id").annotate(total=Sum("reversed_points"))
                           .values_list("reverses_id", "total"))
    result = {}
    for pk, points, remaining in LedgerEntry.objects.filter(pk__in=lot_ids).values_list(
            "pk", "points", "remaining"):
        row = held.get(pk, {})
        by_others = (row.get("total") or 0) - (row.get("own") or 0)
        result[pk] = points - reversed_points.get(pk, 0) - remaining - by_others
    return result


def _refill(lot_id, points: int) -> None:
    if points > 0:
        LedgerEntry.objects.filter(pk=lot_id).update(remaining=F("remaining") + points)


def take_back(account, lot, points: int, *, key, order=None, reason="") -> LedgerEntry:
    """Reverse ``points`` of a posted lot on its locked account (see the module's text)."""
    lot = LedgerEntry.objects.get(pk=lot.pk)
    now = timezone.now()
    from_lot = min(points, max(lot.remaining, 0))
    rest = points - from_lot
    taken_over = []
    if rest:
        for row in LotConsumption.objects.filter(lot=lot, entry__kind=EXPIRE,
                                                 points__gt=F("returned")).order_by("pk"):
            take = min(rest - sum(n for _, n in taken_over), row.points - row.returned)
            if take <= 0:
                break
            taken_over.append((row.pk, take))
    from_expired = sum(n for _, n in taken_over)
    charged = points - from_expired
    entry = LedgerEntry.objects.create(
        account=account, kind=REVERSE_EARN, status=POSTED, points=-charged, reverses=lot,
        reversed_points=points, order=order, key=key, reason=reason[:255], created_at=now,
        posted_at=now)
    if from_lot:
        LedgerEntry.objects.filter(pk=lot.pk).update(remaining=F("remaining") - from_lot)
    for row_pk, take in taken_over:
        LotConsumption.objects.filter(pk=row_pk).update(returned=F("returned") + take)
    if from_lot or from_expired:
        LotConsumption.objects.create(entry=entry, lot=lot, points=from_lot + from_expired)
    spent = rest - from_expired
    if spent:
        ledger.consume(account, entry, spent, exclude_lot=lot)  # short: the balance goes negative
    ledger.move_balance(account, -charged)
    return entry


def give_back(account, redemption, points: int, *, key, order=None) -> LedgerEntry:
    """Return ``points`` of a redemption on its locked account (see the module's text)."""
    now = timezone.now()
    to_lots = points - min(points, ledger.debt(account))
    entry = LedgerEntry.objects.create(
        account=account, kind=RETURN_REDEEMED, status=POSTED, points=points, order=order,
        key=key, created_at=now, posted_at=now)
    ledger.move_balance(account, points)
    back: Dict[int, int] = {}  # lot pk -> points back from the redemption, latest expiry first
    left = points
    rows = LotConsumption.objects.filter(entry=redemption, points__gt=F("returned")).order_by(
        F("lot__expires_at").desc(nulls_first=True), "-pk")
    for row in rows:
        if left <= 0:
            break
        n = min(left, row.points - row.returned)
        LotConsumption.objects.filter(pk=row.pk).update(returned=F("returned") + n)
        back[row.lot_id] = back.get(row.lot_id, 0) + n
        left -= n
    if to_lots and back:
        room = rooms(back)
        for lot_id, n in back.items():
            give = min(n, max(room[lot_id], 0), to_lots)
            _refill(lot_id, give)
            to_lots -= give
    if to_lots:
        to_lots = _repay_lenders(account, to_lots)
    if to_lots:
        to_lots = _repay_debt_payers(account, to_lots)
    if to_lots:  # no lot can take them: they stay with the return, never lost
        logger.warning("Loyalty account %s: %d returned points kept as their own lot",
                       account.pk, to_lots)
        LedgerEntry.objects.filter(pk=entry.pk).update(remaining=to_lots)
    return entry


def _repay_lenders(account, points: int) -> int:
    """Repay loans reversals took from other lots; returns what is left to place."""
    loans = LotConsumption.objects.filter(
        entry__account=account, entry__kind=REVERSE_EARN, points__gt=F("returned"),
    ).exclude(lot_id=F("entry__reverses_id")).order_by(
        F("lot__expires_at").desc(nulls_first=True), "-pk")
    for loan in loans:
        if points <= 0:
            break
        n = min(points, loan.points - loan.returned)
        LotConsumption.objects.filter(pk=loan.pk).update(returned=F("returned") + n)
        give = min(n, max(rooms([loan.lot_id])[loan.lot_id], 0))
        _refill(loan.lot_id, give)
        points -= give
    return points


def _repay_debt_payers(account, points: int) -> int:
    """Give points back to lots that paid off a debt when they were credited."""
    lots = list(LedgerEntry.objects.filter(
        account=account, status=POSTED, points__gt=0).exclude(kind=RETURN_REDEEMED).order_by(
        F("expires_at").desc(nulls_first=True), "-pk").values_list("pk", flat=True))
    room = rooms(lots)
    for lot_id in lots:
        if points <= 0:
            break
        give = min(points, max(room[lot_id], 0))
        _refill(lot_id, give)
        points -= give
    return points


# --- an order's reversal ----------------------------------------------------------------

@dataclass
class Reversal:
    reversed_earned: int = 0
    returned_redeemed: int = 0


def share(points: int, fraction: Decimal) -> int:
    """The reversed share of ``points``: rounded down, all of them at 1."""
    return points if fraction >= 1 else math.floor(points * fraction)


def purchase_points_reversed(record, earning) -> int:
    """Purchase points of the order taken back: cut while they were pending, and after."""
    if earning is None:
        return 0
    return record.points_earned - earning.points + reversed_of(earning)


@transaction.atomic
def reverse_order(order, fraction: Decimal) -> Reversal:
    """Take back ``fraction`` (0..1) of what the order earned (its purchase points and the
    referral points its payment brought both sides) and give back the same share of what
    it spent, counted from the stored numbers (never from today's rates).

    Repeatable: the cumulative target is the entry key, so each state is written once."""
    fraction = min(max(Decimal(fraction), Decimal(0)), Decimal(1))
    result = Reversal()
    record = OrderPoints.objects.filter(order=order).first()
    referrals = list(LedgerEntry.objects.filter(order=order, kind=EARN_REFERRAL, status=POSTED))
    account_ids = {entry.account_id for entry in referrals}
    if record is not None:
        account_ids.add(record.account_id)
    accounts = {account.pk: account for account in LoyaltyAccount.objects.select_for_update()
                .filter(pk__in=account_ids).order_by("pk")}
    if record is not None:
        account = accounts[record.account_id]
        result.reversed_earned = _reverse_purchase(account, order, record, fraction)
        result.returned_redeemed = _return_redeemed(account, order, record, fraction)
    for referral in referrals:
        target = share(referral.points, fraction)
        delta = target - reversed_of(referral)
        key = f"reverse-entry:{referral.pk}:{target}"
        if delta > 0 and not ledger.entry_with_key(key):
            take_back(accounts[referral.account_id], referral, delta, key=key, order=order,
                      reason=referral.reason)
    return result


def _reverse_purchase(account, order, record, fraction) -> int:
    target = share(record.points_earned, fraction)
    earning = LedgerEntry.objects.select_for_update().filter(
        key=ledger.purchase_key(order)).first()
    if earning is None or earning.status == VOIDED:
        return 0
    if earning.status == PENDING:  # never spendable yet: what is left waits
        left = record.points_earned - target
        if left <= 0:
            earning.status, earning.points = VOIDED, 0
        elif left < earning.points:
            earning.points = left
        earning.save(update_fields=["status", "points"])
        return 0
    delta = target - purchase_points_reversed(record, earning)
    key = f"reverse:{order.pk}:{target}"
    if delta <= 0 or ledger.entry_with_key(key):
        return 0
    take_back(account, earning, delta, key=key, order=order)
    return delta


def _return_redeemed(account, order, record, fraction) -> int:
    target = share(record.points_redeemed, fraction)
    redemption = LedgerEntry.objects.filter(key=f"redeem:{order.pk}").first()
    if redemption is None:
        return 0
    done = LedgerEntry.objects.filter(order=order, kind=RETURN_REDEEMED).order_by().aggregate(
        total=Sum("points"))["total"] or 0
    delta = min(target, -redemption.points) - done
    key = f"return:{order.pk}:{target}"
    if delta <= 0 or ledger.entry_with_key(key):
        return 0
    give_back(account, redemption, delta, key=key, order=order)
    return delta


@transaction.atomic
def take_back_all(earning, key_prefix: str, reason="") -> int:
    """Reverse what is left of an earning (a review rejected after its approval); the
    points may be spent already: then the balance goes negative."""
    account = ledger.locked(earning.account_id)
    left = earning.points - reversed_of(earning)
    key = f"{key_prefix}:{earning.pk}"
    if left <= 0 or earning.status != POSTED or ledger.entry_with_key(key):
        return 0
    take_back(account, earning, left, key=key, reason=reason)
    return left
