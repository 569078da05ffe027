"""Points of an order's life: spent and noted when it is created (from a checkout or
without one: a subscription renewal, a completed draft), spendable when it is paid or
fulfilled, taken back when it is cancelled or refunded; the welcome bonus and reviews."""
from decimal import Decimal
from typing import Optional

from django.db import transaction

from . import earning, ledger, program, reversal
from .models import (
    EARN_PURCHASE,
    EARN_REFERRAL,
    EARN_REVIEW,
    EARN_SIGNUP,
    POSTED,
    LedgerEntry,
    LoyaltyAccount,
    OrderPoints,
)


def record_order(order, checkout, discounts, config, paid=False) -> Optional[OrderPoints]:
    """When the order is created: spend its checkout's held points, note what it will earn.

    ``checkout`` None: an order made without one (nothing held, it earns on its lines).
    ``paid``: the order is paid already; points that come on payment are then written
    spendable at once instead of pending and posted a moment later (the rest of
    ``order_paid`` is the caller's: ``reward_referral``)."""
    from django.db.models import Exists

    if order.user_id is None:
        return None
    store = program.cache()
    # no savepoints: this runs inside Saleor's order creation, which rolls back as a whole
    with transaction.atomic(savepoint=False):
        # locked now, not in each ledger write; whether an earlier call recorded the order
        # comes along (only this transaction can: it is creating the order)
        account = ledger.locked_account_for(order.user, order_recorded=Exists(
            OrderPoints.objects.filter(order=order.pk)))
        lines = []
        if checkout is not None and program.held_points(checkout, store) is not None:
            lines = program.checkout_lines(checkout)
        redemption = program.Redemption()
        if checkout is not None and not account.excluded:
            redemption = program.evaluate(checkout, lines, discounts, config, store)
        variant_cents = {str(line.variant_id): redemption.per_unit.get(line.pk, 0)
                         for line in lines}
        amount = Decimal(redemption.cents) / 100
        entry = None
        if redemption.points:
            entry = ledger.redeem_for_order(account, order, redemption.points, amount,
                                            config.point_value, checkout.token)
        elif checkout is not None and program.reservation_row(checkout, store) is not None:
            ledger.release(checkout.token)
        base = earning.order_earn_base(order, config, variant_cents,
                                       program.taxes_included(store))
        earned = 0 if account.excluded else program.points_for(base, config)
        # a second call for the order finds the first record; no other transaction can
        # write one for an order this transaction is creating
        record = OrderPoints.objects.filter(order=order).first() \
            if account.order_recorded else None
        created = record is None
        if created:
            record = OrderPoints.objects.create(
                order=order, account=account, points_earned=earned,
                points_redeemed=-entry.points if entry else 0,
                redeemed_amount=amount if entry else 0, currency=order.currency,
                earn_base=base, earn_rate=config.points_per_currency_unit,
                point_value=config.point_value,
            )
        spendable = paid and config.earn_when == "paid"
        # the order's first record comes with its earning, so a new record means the
        # earning's key is unused: written on the account locked above while no
        # redemption has changed its balance since
        earn = ledger.earn_unused_key if created and entry is None else ledger.earn
        earned_entry = earn(
            account, EARN_PURCHASE, earned, key=ledger.purchase_key(order),
            pending=not spendable, expiry_months=config.expiry_months, order=order,
            rate=config.points_per_currency_unit, amount=base) if earned else None
        if entry is not None:
            from saleor.order import events

            events.order_note_added_event(
                order=order, user=None,
                message="Redeemed points: %d points (-%s %s)" % (
                    record.points_redeemed, amount, order.currency))
    if spendable:
        if earned_entry is not None and earned_entry.status == POSTED:
            if created:
                notify_earned(earned_entry.pk)
        else:  # a pending earning of an earlier call for this order
            make_spendable(order, config)
    return record


def order_paid(order, config) -> None:
    """The order is paid: referral rewards; purchase points if they come on payment."""
    if order.user_id is None:
        return
    if config.earn_when == "paid":
        make_spendable(order, config)
    reward_referral(order, config)


def make_spendable(order, config) -> None:
    entry = ledger.pending_earning(order)
    if entry is not None:
        posted = ledger.post_pending(entry.pk, config.expiry_months)
        if posted is not None:
            notify_earned(posted.pk)


def reward_referral(order, config) -> None:
    """Both sides of a referral earn when the referred customer's first order is paid; the
    points belong to that order (``reversal.reverse_order`` takes them back with it)."""
    if not config.referral_points:
        return
    account = LoyaltyAccount.objects.filter(user_id=order.user_id).select_related(
        "referred_by").first()
    if account is None or account.referred_by is None or account.excluded:
        return
    referrer = account.referred_by
    for target, key in ((account, f"referral:{account.pk}:new"),
                        (referrer, f"referral:{account.pk}:referrer")):
        if target.excluded or ledger.entry_with_key(key):  # once, on the first paid order
            continue
        entry = ledger.earn(target, EARN_REFERRAL, config.referral_points, key=key,
                            expiry_months=config.expiry_months, order=order,
                            reason="Referral")
        if entry is not None:
            notify_earned(entry.pk)


def refunded_fraction(order) -> Decimal:
    """Share of the money paid for the order that was refunded."""
    from django.db.models import Sum
    from saleor.payment import TransactionKind
    from saleor.payment.models import Transaction

    refunded = Transaction.objects.filter(
        payment__order=order, kind=TransactionKind.REFUND, is_success=True,
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    paid = order.total_gross_amount
    if not refunded or not paid:
        return Decimal(0)
    return min(refunded / paid, Decimal(1))


def order_changed(order) -> None:
    """Cancelled: reverse all; refunded: reverse the refunded share."""
    from saleor.order import OrderStatus

    if not LedgerEntry.objects.filter(order=order).exists():
        return
    if order.status == OrderStatus.CANCELED:
        reversal.reverse_order(order, Decimal(1))
        return
    fraction = refunded_fraction(order)
    if fraction > 0:
        reversal.reverse_order(order, fraction)


EARNED_EMAIL_DELAY = 120  # seconds: after Saleor's order confirmation, not before


def notify_earned(entry_id) -> None:
    from .tasks import send_points_earned_email

    transaction.on_commit(lambda: send_points_earned_email.apply_async(
        (entry_id,), countdown=EARNED_EMAIL_DELAY))


def welcome(customer, config) -> None:
    """A new account: its loyalty account and the welcome bonus."""
    account = ledger.account_for(customer)
    entry = ledger.earn(account, EARN_SIGNUP, config.welcome_points, key=f"signup:{customer.pk}",
                        expiry_months=config.expiry_months, reason="Welcome")
    if entry is not None:
        notify_earned(entry.pk)


# --- reviews --------------------------------------------------------------------------------

def _review_earnings(review):
    from django.db.models import Q

    return LedgerEntry.objects.filter(kind=EARN_REVIEW).filter(
        Q(key=f"review:{review.pk}") | Q(key__startswith=f"review:{review.pk}:"))


def review_points(review) -> Optional[LedgerEntry]:
    """The review's earning the author still holds, if any."""
    for entry in _review_earnings(review).order_by("-pk"):
        if entry.points - reversal.reversed_of(entry) > 0:
            return entry
    return None


def moderate_review(review_pk, approve: bool, config, **moderated_by):
    """Approve or reject a review; its points follow its status: an approved review holds
    them once, a rejected one (also after its approval) holds none. ``moderated_by``: the
    review's fields naming who did it (``moderated_by=user``). Returns the review and the
    points its author holds for it; (None, 0) when the review is gone."""
    from django.utils import timezone

    from .models import ProductReview

    with transaction.atomic():
        review = ProductReview.objects.select_for_update(of=("self",)).select_related(
            "user").filter(pk=review_pk).first()
        if review is None:
            return None, 0
        review.status = ProductReview.APPROVED if approve else ProductReview.REJECTED
        review.moderated_at = timezone.now()
        for name, value in moderated_by.items():
            setattr(review, name, value)
        review.save(update_fields=["status", "moderated_at", *moderated_by])
        if review.user is None:
            return review, 0
        held = review_points(review)
        if not approve:
            if held is not None:
                reversal.take_back_all(held, "reverse-review", reason=held.reason)
            return review, 0
        if held is not None:
            return review, held.points
        account = ledger.account_for(review.user)
        if config is None or account.excluded:
            return review, 0
        earned = _review_earnings(review).count()
        key = f"review:{review.pk}" if not earned else f"review:{review.pk}:{earned + 1}"
        entry = ledger.earn(account, EARN_REVIEW, config.review_points, key=key,
                            expiry_months=config.expiry_months, reason="Review")
    if entry is None:
        return review, 0
    notify_earned(entry.pk)
    return review, entry.points
