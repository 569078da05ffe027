from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from ..platform import saleor
from . import rules

JSONField = saleor.fields.JSONField

MAX_RULES = 30  # the system limit
SUPPORTED_RULES = 3  # active rules working together that are supported (staff are warned above)
MAX_CONDITIONS = 3  # per rule


class CustomerGroup(models.Model):
    """Saleor 2.10.1 has no customer groups; rules can target these."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, default="")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="discount_customer_groups"
    )

    class Meta:
        ordering = ("name",)


class DiscountRule(models.Model):
    KIND_CHOICES = [(k, k) for k in rules.KINDS]
    DIRECTION_CHOICES = [(rules.DISCOUNT, rules.DISCOUNT), (rules.SURCHARGE, rules.SURCHARGE)]

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True, default="")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    direction = models.CharField(max_length=10, choices=DIRECTION_CHOICES, default=rules.DISCOUNT)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    gift_variant = models.ForeignKey(
        "product.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    gift_quantity = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    is_public = models.BooleanField(default=False)
    priority = models.IntegerField(default=0)
    stop_further = models.BooleanField(default=False)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0)
    # slugs of the Saleor channels the rule applies in (empty: every channel; Saleor 2.10.1
    # has none); its amounts are in the channel's currency
    channels = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-priority", "pk")


class RuleCondition(models.Model):
    TYPE_CHOICES = [(t, t) for t in rules.CONDITION_TYPES]

    rule = models.ForeignKey(DiscountRule, on_delete=models.CASCADE, related_name="conditions")
    type = models.CharField(max_length=32, choices=TYPE_CHOICES)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    product = models.ForeignKey(
        "product.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "product.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    country = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        ordering = ("pk",)


class DiscountCode(models.Model):
    """A code a customer types. ``once_per_customer``: each account may use it once;
    ``max_uses``: how often it may be used at all (1 for bulk-generated codes)."""

    rule = models.ForeignKey(DiscountRule, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=40, unique=True)
    once_per_customer = models.BooleanField(default=False)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("code",)


class CheckoutCode(models.Model):
    """A code entered on a checkout through ``checkoutDiscountCodeAdd``."""

    checkout_token = models.UUIDField(db_index=True)
    code = models.ForeignKey(DiscountCode, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = (("checkout_token", "code"),)


class CheckoutReservation(models.Model):
    """A use taken by a checkout before payment; it gets its order when the order is made."""

    checkout_token = models.UUIDField()
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class CodeRedemption(CheckoutReservation):
    """One use of a code. The unique constraint makes a per-customer code usable once per
    account even when two checkouts complete at the same moment."""

    code = models.ForeignKey(DiscountCode, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    per_customer = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "user"], condition=models.Q(per_customer=True),
                name="discount_code_once_per_customer",
            ),
            models.UniqueConstraint(
                fields=["code", "checkout_token"], name="discount_code_once_per_checkout"
            ),
        ]


class RuleUse(CheckoutReservation):
    """One use of a rule with a usage limit. Reserving takes the rule's row lock, so two
    checkouts completing at once cannot both take the last use."""

    rule = models.ForeignKey(DiscountRule, on_delete=models.CASCADE, related_name="uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "checkout_token"],
                                    name="discount_rule_use_once_per_checkout"),
        ]


class OrderRule(models.Model):
    """A rule as it applied to an order (kept when the rule changes or is deleted).

    ``amount`` is the rule's signed amount in the shop's price basis (gross when prices
    include VAT, else net); ``gross_amount``/``net_amount`` what it changed the total by;
    ``line_changes`` its gross part of each order line's total (order line id → amount)."""

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(DiscountRule, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    direction = models.CharField(max_length=10)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    gross_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    line_changes = JSONField(default=dict, blank=True)
    currency = models.CharField(max_length=3)
    code = models.CharField(max_length=40, blank=True, default="")
    free_shipping = models.BooleanField(default=False)
    gift_line = models.ForeignKey(
        "order.OrderLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the order was cancelled or refunded and its code and limit uses were given back
    uses_returned = models.BooleanField(default=False)

    class Meta:
        ordering = ("pk",)
