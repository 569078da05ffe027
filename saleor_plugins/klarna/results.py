"""Typed results of Klarna calls. Each keeps Klarna's JSON in ``raw``."""
from dataclasses import dataclass, field, fields
from typing import List, Optional


class KlarnaResult:
    @classmethod
    def from_json(cls, data: Optional[dict], **extra):
        data = dict(data or {})
        names = {f.name for f in fields(cls)} - {"raw"}
        values = {name: data.get(name) for name in names if name in data}
        values.update(extra)
        return cls(raw=data, **values)


@dataclass
class PaymentMethodCategory(KlarnaResult):
    identifier: str = ""
    name: str = ""
    asset_urls: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class PaymentSession(KlarnaResult):
    """``POST /payments/v1/sessions`` and ``GET`` of it."""

    session_id: str = ""
    client_token: str = ""
    payment_method_categories: List[PaymentMethodCategory] = field(default_factory=list)
    status: str = ""
    intent: str = ""
    expires_at: str = ""
    authorization_token: str = ""
    order_amount: int = 0
    purchase_currency: str = ""
    raw: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.payment_method_categories = [
            c if isinstance(c, PaymentMethodCategory) else PaymentMethodCategory.from_json(c)
            for c in self.payment_method_categories or []
        ]


@dataclass
class OrderCreated(KlarnaResult):
    """A Klarna order placed from an authorization token or a customer token."""

    order_id: str = ""
    fraud_status: str = ""
    redirect_url: str = ""
    authorized_payment_method: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class CustomerToken(KlarnaResult):
    """``POST …/customer-token`` (``token_id``) or ``GET /customer-token/v1/tokens/{id}``."""

    token_id: str = ""
    status: str = ""
    payment_method_type: str = ""
    redirect_url: str = ""
    card: Optional[dict] = None
    direct_debit: Optional[dict] = None
    billing_address: Optional[dict] = None
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class HostedPaymentPage(KlarnaResult):
    """``POST /hpp/v1/sessions``."""

    session_id: str = ""
    session_url: str = ""
    redirect_url: str = ""
    distribution_url: str = ""
    qr_code_url: str = ""
    expires_at: str = ""
    raw: dict = field(default_factory=dict, repr=False)


HPP_FINAL_STATUSES = frozenset({"COMPLETED", "CANCELLED", "DISABLED"})


@dataclass
class HostedPaymentPageStatus(KlarnaResult):
    """``GET /hpp/v1/sessions/{id}``."""

    session_id: str = ""
    status: str = ""
    authorization_token: str = ""
    order_id: str = ""
    klarna_reference: str = ""
    updated_at: str = ""
    expires_at: str = ""
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def is_final(self) -> bool:
        return self.status in HPP_FINAL_STATUSES


@dataclass
class Capture(KlarnaResult):
    capture_id: str = ""
    captured_amount: int = 0
    refunded_amount: int = 0
    captured_at: str = ""
    reference: str = ""
    location: str = ""
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Refund(KlarnaResult):
    refund_id: str = ""
    refunded_amount: int = 0
    refunded_at: str = ""
    reference: str = ""
    location: str = ""
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class ManagedOrder(KlarnaResult):
    """``GET /ordermanagement/v1/orders/{id}``."""

    order_id: str = ""
    status: str = ""
    fraud_status: str = ""
    order_amount: int = 0
    original_order_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    remaining_authorized_amount: int = 0
    purchase_currency: str = ""
    klarna_reference: str = ""
    merchant_reference1: str = ""
    merchant_reference2: str = ""
    created_at: str = ""
    expires_at: str = ""
    captures: List[Capture] = field(default_factory=list)
    refunds: List[Refund] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.captures = [
            c if isinstance(c, Capture) else Capture.from_json(c) for c in self.captures or []
        ]
        self.refunds = [
            r if isinstance(r, Refund) else Refund.from_json(r) for r in self.refunds or []
        ]
