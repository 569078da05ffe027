from django.conf import settings
from django.db import models
from django.utils import timezone


class KlarnaPaymentSession(models.Model):
    """The Klarna Payments session opened for a checkout (one per checkout, updated)."""

    checkout_token = models.UUIDField(unique=True)
    session_id = models.CharField(max_length=255, unique=True)
    client_token = models.TextField()
    intent = models.CharField(max_length=32)
    order_amount = models.BigIntegerField(help_text="Minor units, as sent to Klarna.")
    currency = models.CharField(max_length=3)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()


class KlarnaCustomerToken(models.Model):
    """A Klarna customer token a customer gave us for later charges (subscriptions)."""

    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"
    SUSPENDED = "SUSPENDED"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="klarna_tokens"
    )
    token_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=16, default=ACTIVE)
    payment_method_type = models.CharField(max_length=64, blank=True, default="")
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")


class KlarnaOrder(models.Model):
    """A Klarna order placed by the gateway, linked to Saleor's payment and order.

    Kept so a Klarna order whose Saleor order was never created (the checkout failed after
    the charge) can be found and cancelled.
    """

    klarna_order_id = models.CharField(max_length=255, unique=True)
    payment = models.ForeignKey(
        "payment.Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checkout_token = models.UUIDField(null=True, blank=True, db_index=True)
    order_amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    fraud_status = models.CharField(max_length=32, blank=True, default="")
    auto_captured = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)


class KlarnaAuthorization(models.Model):
    """An authorization token given to ``checkoutPaymentCreate``, bound to the one checkout
    whose Klarna session it was issued for; it places at most one Klarna order."""

    authorization_token = models.CharField(max_length=255, unique=True)
    checkout_token = models.UUIDField(db_index=True)
    payment = models.ForeignKey(
        "payment.Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    klarna_order_id = models.CharField(max_length=255, blank=True, default="",
                                       help_text="The Klarna order it placed, once placed.")
    created_at = models.DateTimeField(default=timezone.now)
