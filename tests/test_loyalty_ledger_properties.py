"""Random sequences of earning, spending, paying, refunding, cancelling, rejecting and
expiring on the ledger itself (its functions on the real database, no checkout around
them) never let the lots and the balance disagree, nor expiry take a balance below what
it should be: once every order is cancelled and expiry has run, the customer has exactly
the gift points whose time has not come."""
import datetime
import itertools
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_plugins.loyalty import ledger, reversal
from saleor_plugins.loyalty.models import (
    ADJUST,
    EARN_PURCHASE,
    EARN_REVIEW,
    POSTED,
    RETURN_REDEEMED,
    LedgerEntry,
    OrderPoints,
)

from . import factories

_keys = itertools.count(1)
offsets = st.one_of(st.none(), st.integers(min_value=1, max_value=400))  # days; None: never
step = st.one_of(
    st.tuples(st.just("gift"), st.integers(1, 300), offsets, st.booleans()),
    st.tuples(st.just("order"), st.integers(0, 500), st.integers(0, 500), st.booleans(),
              offsets),
    st.tuples(st.just("pay"), st.integers(0, 20), offsets),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 5)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("reject"), st.integers(0, 20)),
    st.tuples(st.just("expire"), st.integers(1, 200)),
    st.tuples(st.just("again")),
)


class World:
    """One customer's account and a clock; the expected gifts are kept on the side."""

    def __init__(self):
        self.account = ledger.account_for(factories.create_customer())
        self.clock = timezone.now()
        self.gifts = []  # [entry, rejected]
        self.orders = []  # [order, refunded tenths]
        self.last_reversal = None

    def expiry(self, offset):
        return None if offset is None else self.clock + datetime.timedelta(days=offset)

    def gift(self, points, offset, review):
        entry = ledger.earn(self.account, EARN_REVIEW if review else ADJUST, points,
                            key=f"property:{next(_keys)}")
        LedgerEntry.objects.filter(pk=entry.pk).update(expires_at=self.expiry(offset))
        self.gifts.append([entry, False])

    def order(self, earn, spend, pending, offset):
        order = factories.create_order(self.account.user)
        with transaction.atomic():
            redeemed = ledger.redeem_for_order(self.account, order, spend, Decimal(spend) / 10,
                                               Decimal("0.10"), uuid.uuid4()) if spend else None
            OrderPoints.objects.create(
                order=order, account=self.account, points_earned=earn,
                points_redeemed=-redeemed.points if redeemed else 0, currency="NOK")
            entry = ledger.earn(self.account, EARN_PURCHASE, earn,
                                key=ledger.purchase_key(order), pending=pending, order=order)
        if entry is not None and not pending:
            LedgerEntry.objects.filter(pk=entry.pk).update(expires_at=self.expiry(offset))
        self.orders.append([order, 0])

    def pay(self, index, offset):
        if self.orders:
            order = self.orders[index % len(self.orders)][0]
            entry = ledger.pending_earning(order)
            if entry is not None and ledger.post_pending(entry.pk) is not None:
                LedgerEntry.objects.filter(pk=entry.pk).update(expires_at=self.expiry(offset))

    def reverse(self, index, tenths=10):
        if self.orders:
            item = self.orders[index % len(self.orders)]
            item[1] = min(item[1] + tenths, 10)
            self.last_reversal = (item[0], Decimal(item[1]) / 10)
            reversal.reverse_order(*self.last_reversal)

    def reject(self, index):
        reviews = [gift for gift in self.gifts if gift[0].kind == EARN_REVIEW]
        if reviews:
            gift = reviews[index % len(reviews)]
            reversal.take_back_all(gift[0], "property-reject")
            gift[1] = True

    def expire(self, days):
        self.clock += datetime.timedelta(days=days)
        before = self.balance()
        due = LedgerEntry.objects.filter(
            account=self.account, status=POSTED, remaining__gt=0,
            expires_at__lte=self.clock).aggregate(total=Sum("remaining"))["total"] or 0
        ledger.expire_due(now=self.clock)
        after = self.balance()
        assert after == before - due and after >= min(before, 0)

    def again(self):
        if self.last_reversal is not None:
            count, balance = LedgerEntry.objects.count(), self.balance()
            reversal.reverse_order(*self.last_reversal)
            assert (LedgerEntry.objects.count(), self.balance()) == (count, balance)

    def balance(self):
        self.account.refresh_from_db(fields=["balance"])
        return self.account.balance

    def check(self):
        balance = self.balance()
        assert ledger.check_account(self.account)
        lots = LedgerEntry.objects.filter(account=self.account, status=POSTED, points__gt=0)
        held = lots.aggregate(total=Sum("remaining"))["total"] or 0
        assert held == max(balance, 0), "the lots hold the positive balance, no more"
        for lot in lots.exclude(kind=RETURN_REDEEMED):
            owned = lot.points - reversal.reversed_of(lot)
            assert 0 <= lot.remaining <= max(owned, 0), "a lot holds no reversed points"

    def expected_at_the_end(self):
        return sum(entry.points for entry, rejected in self.gifts if not rejected and (
            entry.expires_at is None or entry.expires_at > self.clock))


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=st.lists(step, max_size=14))
def test_random_ledger_sequences_keep_lots_and_balance_true(db, steps):
    run(steps)


def run(steps):
    world = World()
    for step in steps:
        getattr(world, {"refund": "reverse", "cancel": "reverse"}.get(step[0], step[0]))(
            *step[1:])
        world.check()
    for index in range(len(world.orders)):  # every order cancelled: only gifts are left
        world.reverse(index)
        world.check()
    for gift in world.gifts:
        gift[0].refresh_from_db(fields=["expires_at"])
    world.expire(0)
    world.check()
    assert world.balance() == world.expected_at_the_end()
