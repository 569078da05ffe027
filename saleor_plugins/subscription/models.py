from django.conf import settings
from django.contrib.postgres.fields import ArrayField, JSONField
from django.db import models
from django.utils import timezone

from . import scheduling

FIXED = "fixed"
FLOATING = "floating"
PRICING_MODES = [(FIXED, FIXED), (FLOATING, FLOATING)]

PER_DELIVERY = "per_delivery"
MONTHLY = "monthly"
BILLING_MODES = [(PER_DELIVERY, PER_DELIVERY), (MONTHLY, MONTHLY)]


class SubscriptionPlan(models.Model):
    """How a product (or one variant) can be bought as a subscription."""

    name = models.CharField(max_length=120)
    product = models.ForeignKey(
        "product.Product", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    variant = models.ForeignKey(
        "product.ProductVariant", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    # interval codes such as "2w", "1m", "10d" (see scheduling.Interval)
    intervals = ArrayField(models.CharField(max_length=8), default=list)
    pricing_mode = models.CharField(max_length=10, choices=PRICING_MODES, default=FIXED)
    first_order_discount = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="Percent off the first order.")
    later_order_discount = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="Percent off each renewal.")
    deliveries = models.PositiveIntegerField(
        null=True, blank=True, help_text="Fixed number of deliveries; empty = until cancelled.")
    max_deliveries = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Customers may extend a fixed term up to this many deliveries in all; "
                  "empty = no extension.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)

    def interval_objects(self):
        return [scheduling.Interval.parse(code) for code in self.intervals]


class Holiday(models.Model):
    """A date the shop does not deliver (the weekly closing days are plugin settings)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ("date",)


class CheckoutSubscriptionLine(models.Model):
    """A checkout line the customer buys as a subscription."""

    checkout_line = models.OneToOneField(
        "checkout.CheckoutLine", on_delete=models.CASCADE, related_name="+")
    checkout_token = models.UUIDField(db_index=True)
    plan = models.ForeignKey(SubscriptionPlan, on_delete=models.CASCADE, related_name="+")
    interval = models.CharField(max_length=8)


class Subscription(models.Model):
    ACTIVE = "active"
    PAUSED = "paused"
    PAYMENT_REQUIRED = "payment_required"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    STATUSES = [(s, s) for s in (ACTIVE, PAUSED, PAYMENT_REQUIRED, CANCELLED, COMPLETED)]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="product_subscriptions")
    variant = models.ForeignKey(
        "product.ProductVariant", null=True, on_delete=models.SET_NULL, related_name="+")
    product_name = models.CharField(max_length=386)
    variant_name = models.CharField(max_length=255, blank=True, default="")
    product_sku = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(default=1)
    plan = models.ForeignKey(SubscriptionPlan, null=True, on_delete=models.SET_NULL,
                             related_name="subscriptions")
    interval = models.CharField(max_length=8)
    pricing_mode = models.CharField(max_length=10, choices=PRICING_MODES, default=FIXED)
    later_order_discount = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    # the schedule: cycle k is delivered on anchor_date + (k - anchor_cycle) intervals
    anchor_date = models.DateField()
    anchor_cycle = models.PositiveIntegerField(default=0)
    next_cycle = models.PositiveIntegerField(default=1)
    next_delivery_date = models.DateField()
    next_order_date = models.DateField()
    # when the renewal job next looks at it: next_order_date, or the day of a retry
    due_on = models.DateField(db_index=True)
    # DeliveryCalendar.key of the calendar the next delivery was planned with (replan)
    calendar_key = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=20, choices=STATUSES, default=ACTIVE, db_index=True)
    paused_until = models.DateField(null=True, blank=True)
    deliveries_total = models.PositiveIntegerField(null=True, blank=True)
    deliveries_made = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2,
                                     help_text="Unit price of the first order before discounts.")
    currency = models.CharField(max_length=3)
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    shipping_method_name = models.CharField(max_length=255, blank=True, default="")
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_address = models.ForeignKey(
        "account.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    billing_address = models.ForeignKey(
        "account.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    gateway = models.CharField(max_length=64)
    klarna_token_id = models.CharField(max_length=255, blank=True, default="")
    billing = models.CharField(max_length=16, choices=BILLING_MODES, default=PER_DELIVERY)
    comment = models.TextField(blank=True, default="")
    first_order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reminded_cycle = models.PositiveIntegerField(default=0)
    language_code = models.CharField(max_length=10, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("next_delivery_date", "pk")
        indexes = [models.Index(fields=["status", "due_on"])]

    @property
    def interval_object(self):
        return scheduling.Interval.parse(self.interval)


class Renewal(models.Model):
    """One cycle of a subscription: at most one per (subscription, cycle)."""

    PENDING = "pending"  # created, charge not settled yet
    RETRYING = "retrying"  # a charge failed; tried again on retry_on
    PAID = "paid"
    INVOICED = "invoiced"  # consolidated billing: waits for the month's charge
    DROPPED = "dropped"  # charge failed on every retry day (or hard decline)
    SKIPPED = "skipped"
    # Klarna never answered the charge: it may have been taken; staff check it in Klarna
    UNRESOLVED = "unresolved"
    STATUSES = [(s, s) for s in (PENDING, RETRYING, PAID, INVOICED, DROPPED, SKIPPED,
                                 UNRESOLVED)]

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="renewals")
    cycle = models.PositiveIntegerField()
    delivery_date = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    order = models.ForeignKey("order.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    failed_days = models.PositiveIntegerField(default=0)
    retry_on = models.DateField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")
    invoice = models.ForeignKey("MonthlyInvoice", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="renewals")
    # the order got a staff note that its delivery day became closed (replan)
    closed_day_noted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("subscription_id", "cycle")
        indexes = [models.Index(fields=["delivery_date"])]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "cycle"],
                                    name="subscription_one_renewal_per_cycle"),
        ]


class ChargeAttempt(models.Model):
    """One charge of a stored payment method. The key is derived from what is charged
    (renewal or invoice) and the attempt number, so a repeated call after a crash or a
    timeout is answered by Klarna's idempotency store instead of charging again. The body
    is stored before it is sent: a repeat sends the same body with the same key."""

    STARTED = "started"  # stored, being sent (or the worker died while sending)
    CHARGED = "charged"
    DECLINED = "declined"
    HARD_DECLINED = "hard_declined"
    UNKNOWN = "unknown"  # timeout: retried with the same key
    STATUSES = [(s, s) for s in (STARTED, CHARGED, DECLINED, HARD_DECLINED, UNKNOWN)]

    renewal = models.ForeignKey(Renewal, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="attempts")
    invoice = models.ForeignKey("MonthlyInvoice", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=STATUSES, default=STARTED)
    klarna_order_id = models.CharField(max_length=255, blank=True, default="")
    error = models.CharField(max_length=255, blank=True, default="")
    # the Saleor orders the attempt charges; the Klarna token and body sent with the key
    order_ids = ArrayField(models.IntegerField(), default=list)
    customer_token = models.CharField(max_length=255, blank=True, default="")
    request_body = JSONField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0, help_text="Times the key was sent.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=["renewal", "number"],
                                    name="subscription_renewal_attempt_number"),
            models.UniqueConstraint(fields=["invoice", "number"],
                                    name="subscription_invoice_attempt_number"),
        ]


class MonthlyInvoice(models.Model):
    """Consolidated billing: one charge at month end for the month's deliveries."""

    OPEN = "open"
    RETRYING = "retrying"
    PAID = "paid"
    FAILED = "failed"
    UNRESOLVED = "unresolved"  # Klarna never answered the charge; staff check it in Klarna
    STATUSES = [(s, s) for s in (OPEN, RETRYING, PAID, FAILED, UNRESOLVED)]

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="invoices")
    month = models.DateField(help_text="First day of the month.")
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3)
    failed_days = models.PositiveIntegerField(default=0)
    retry_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("month", "pk")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "month"],
                                    name="subscription_one_invoice_per_month"),
        ]


class PaymentMethodChange(models.Model):
    """A Klarna session (intent ``tokenize``) opened to give a subscription a new payment
    method; ``authorization_token`` is set once it was turned into a customer token, so the
    same approval is never used twice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="payment_method_changes")
    session_id = models.CharField(max_length=255, unique=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_by_app = models.ForeignKey("app.App", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    authorization_token = models.CharField(max_length=255, null=True, blank=True, unique=True)
    token_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")


class Shipment(models.Model):
    """One parcel: a customer's renewals delivered on one day to one address with one
    shipping method. Its shipping is charged once, on the order of ``renewal``; the other
    renewals of the parcel ship with it for free."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    delivery_date = models.DateField()
    # parcels.address_key(): the address's content and the shipping method, hashed
    address_key = models.CharField(max_length=64)
    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("delivery_date", "pk")
        constraints = [
            models.UniqueConstraint(fields=["user", "delivery_date", "address_key"],
                                    name="subscription_one_shipment_per_parcel"),
        ]


class MerchantDigest(models.Model):
    """The merchant digest of one shop day: the row is what makes it go out once a day
    (a second run, or a concurrent one, fails on the unique day)."""

    sent_on = models.DateField(unique=True)
    delivery_date = models.DateField()
    recipient = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-sent_on",)
