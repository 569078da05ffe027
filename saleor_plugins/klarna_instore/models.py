"""Till sales: a cart built by staff, the payment links sent for it, and its order."""
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import JSONField
from django.db import models
from django.utils import timezone

# Sale statuses
OPEN = "open"  # being edited; no valid link out
WAITING = "waiting"  # a link is out for the current cart
PLACING = "placing"  # Klarna order placed, Saleor order being written
PAID = "paid"  # Saleor order exists and is paid
CANCELLED = "cancelled"  # stopped by staff; nothing charged
SALE_STATUSES = (OPEN, WAITING, PLACING, PAID, CANCELLED)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class TillSale(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=16, default=OPEN, choices=[(s, s) for s in SALE_STATUSES])
    till_name = models.CharField(max_length=60, blank=True, default="")
    # The till's own stock: goods are taken from here at hand-over (set per till name).
    warehouse = models.ForeignKey(
        "warehouse.Warehouse", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="till_sales",
    )
    phone = models.CharField(max_length=32, blank=True, default="", help_text="E.164.")
    phone_country = models.CharField(max_length=2, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    language_code = models.CharField(max_length=35, default="en")
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=2)
    # Bumped by every cart edit: a link belongs to exactly one version of the cart.
    cart_version = models.PositiveIntegerField(default=1)
    order = models.OneToOneField(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="till_sale"
    )
    klarna_order_id = models.CharField(max_length=255, blank=True, default="")
    klarna_customer = JSONField(
        blank=True, default=dict,
        help_text="The billing and shipping address the customer gave Klarna (on payment).")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Staff pressed OK.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True, default="",
                            help_text="What happened last that staff should know.")

    class Meta:
        ordering = ("-created_at", "-pk")

    @property
    def editable(self) -> bool:
        return self.status in (OPEN, WAITING)

    def current_link(self):
        return self.links.filter(cart_version=self.cart_version, disabled=False).order_by(
            "-pk").first()


class TillLine(models.Model):
    sale = models.ForeignKey(TillSale, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "product.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    is_text = models.BooleanField(default=False, help_text="A free-text receipt line.")
    name = models.CharField(max_length=255)
    variant_name = models.CharField(max_length=255, blank=True, default="")
    sku = models.CharField(max_length=255, blank=True, default="")
    quantity = models.PositiveIntegerField(default=1)
    # Gross (VAT-inclusive) prices, as at a shop counter.
    list_unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent.")
    is_shipping_required = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("pk",)


class TillPaymentLink(models.Model):
    """One Klarna hosted payment page sent for one version of a sale's cart."""

    sale = models.ForeignKey(TillSale, on_delete=models.CASCADE, related_name="links")
    cart_version = models.PositiveIntegerField()
    payment_session_id = models.CharField(max_length=255)
    hpp_session_id = models.CharField(max_length=255, unique=True)
    secret = models.CharField(max_length=64, default=new_secret)
    status = models.CharField(max_length=32, default="WAITING", help_text="Klarna HPP status.")
    order_amount = models.BigIntegerField(help_text="Minor units sent to Klarna.")
    order_body = models.TextField(help_text="The JSON order body the customer approves.")
    klarna_order_id = models.CharField(max_length=255, blank=True, default="")
    fraud_status = models.CharField(
        max_length=32, blank=True, default="",
        help_text="Klarna's fraud status of the order (PENDING: review).")
    link_url = models.CharField(max_length=2000, blank=True, default="")
    sent_to = models.CharField(max_length=255, blank=True, default="")
    send_count = models.PositiveIntegerField(default=0)
    disabled = models.BooleanField(default=False)
    seen_event_ids = models.TextField(blank=True, default="", help_text="Callback event ids.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)


class TillSession(models.Model):
    """A staff member logged in at a till: the server side of the till's tokens.

    Access tokens name the session (``till_session`` claim) and are refused once it has
    ended; the refresh token is stored only as a hash and changes on every refresh.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    refresh_hash = models.CharField(max_length=64)
    previous_refresh_hash = models.CharField(max_length=64, blank=True, default="")
    password_stamp = models.CharField(max_length=64, help_text="Ends with a password change.")
    created_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(default=timezone.now)
    idle_until = models.DateTimeField(help_text="No refresh after this: logged out.")
    expires_at = models.DateTimeField(help_text="The longest a login lasts.")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-pk")
