"""Loyalty points: one account per customer, a ledger of every change, checkout holds.

The account keeps the balance in a column so reading it is one row; every change to it
is written in the same transaction as a ledger entry, so ``balance`` always equals the
sum of the account's posted entries (``ledger.check_account`` verifies it).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

# ledger entry kinds
EARN_PURCHASE = "earn_purchase"
EARN_REVIEW = "earn_review"
EARN_SIGNUP = "earn_signup"
EARN_REFERRAL = "earn_referral"
REDEEM = "redeem"
EXPIRE = "expire"
ADJUST = "adjust"
REVERSE_EARN = "reverse_earn"
RETURN_REDEEMED = "return_redeemed"
KINDS = (EARN_PURCHASE, EARN_REVIEW, EARN_SIGNUP, EARN_REFERRAL, REDEEM, EXPIRE, ADJUST,
         REVERSE_EARN, RETURN_REDEEMED)

# entry status: a purchase earning waits (pending) until the order is paid or fulfilled
PENDING = "pending"
POSTED = "posted"
VOIDED = "voided"
STATUSES = (PENDING, POSTED, VOIDED)


class LoyaltyAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_account"
    )
    balance = models.IntegerField(default=0)
    referral_code = models.CharField(max_length=16, unique=True)
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    excluded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)


class LedgerEntry(models.Model):
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=[(k, k) for k in KINDS])
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default=POSTED)
    points = models.IntegerField(help_text="Signed change of the balance.")
    # earned lots: points not yet spent, expired or reversed (first to expire spent first)
    remaining = models.IntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the rate used: points per currency unit (earning) or value of a point (redeeming)
    rate = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="Money the points were earned on or worth when redeemed.",
    )
    reason = models.CharField(max_length=255, blank=True, default="")
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    app = models.ForeignKey("app.App", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", help_text="The Saleor app that adjusted.")
    # makes each change happen once: "earn:order:12", "signup:7", "review:3", ...
    key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # a reversal: the earned lot it takes back and how many of its points; more than
    # -points when some of them had expired already (taken from the expiry, not the balance)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversals")
    reversed_points = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["account", "status", "expires_at"]),
            models.Index(fields=["order", "kind"]),
        ]


class LotConsumption(models.Model):
    """Which earned lots a redemption, expiry or reversal took its points from, so that
    returned points go back to their original lot with its original expiry.

    ``returned``: given back since (a cancelled redemption, a reversal's loan repaid, or
    expired points that a reversal took over from the expiry)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="consumed")
    lot = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    returned = models.PositiveIntegerField(default=0)


class Reservation(models.Model):
    """Points held for one checkout: no other checkout can spend them."""

    account = models.ForeignKey(
        LoyaltyAccount, on_delete=models.CASCADE, related_name="reservations"
    )
    checkout_token = models.UUIDField(unique=True)
    points = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()


class OrderPoints(models.Model):
    """What an order earned and spent, with the rates of that moment."""

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="+")
    points_earned = models.IntegerField(default=0)
    points_redeemed = models.IntegerField(default=0)
    redeemed_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3)
    earn_base = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    earn_rate = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    point_value = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    created_at = models.DateTimeField(default=timezone.now)


class ProductPointsSetting(models.Model):
    """Per-product exceptions; products without a row earn and accept points."""

    product = models.OneToOneField("product.Product", on_delete=models.CASCADE, related_name="+")
    earns_points = models.BooleanField(default=True)
    redeemable = models.BooleanField(default=True)


class ProductReview(models.Model):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    STATUS_CHOICES = [(s, s) for s in (PENDING, APPROVED, REJECTED)]

    product = models.ForeignKey(
        "product.Product", on_delete=models.CASCADE, related_name="loyalty_reviews"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=100, blank=True, default="")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_by_app = models.ForeignKey("app.App", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="loyalty_one_review_each"),
        ]
