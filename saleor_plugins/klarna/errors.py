"""Errors raised by the Klarna client, one class per way a caller must react.

- ``TransientError`` (5xx, 429, timeouts, dropped connections): retry soon with the same
  idempotency key; the client does so itself for calls that are safe to repeat.
- ``SoftDeclineError``: the purchase was declined (``PAYMENT_METHOD_FAILED``); a later
  attempt with a new idempotency key may succeed (dunning).
- ``HardDeclineError``: the token or merchant cannot be charged (cancelled, suspended,
  forbidden, unknown token, currency mismatch); never retry, ask the customer to pay again.
- ``BadValueError``/``InvalidRequestError``, ``NotFoundError``, ``ConflictError``,
  ``NotAllowedError``, ``AuthenticationError``: the request itself is wrong.
- ``EndpointNotAllowedError``: not sent; the configured URL is not Klarna's.
"""
import math
import re
from typing import List, Optional

BAD_VALUE_PATTERN = re.compile(r"^Bad value:\s*(?P<field>\S+)")
MAX_RETRY_AFTER = 60.0  # seconds; Klarna's rate-limit windows are one second


def parse_retry_after(value) -> Optional[float]:
    """Seconds to wait from an ``X-Ratelimit-Reset`` value, within 0..MAX_RETRY_AFTER;
    None when it is not a finite number (the header comes from the network)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value if isinstance(value, (int, float)) else str(value).strip())
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class KlarnaError(Exception):
    """Any failure talking to Klarna. Carries no credentials."""

    retryable = False  # retrying the same request (same key) may succeed
    decline = False  # Klarna refused to take the customer's money

    def __init__(
        self,
        message: str = "",
        *,
        status: Optional[int] = None,
        error_code: str = "",
        error_messages: Optional[List[str]] = None,
        correlation_id: str = "",
        method: str = "",
        path: str = "",
        body: Optional[dict] = None,
    ):
        self.status = status
        self.error_code = error_code
        self.error_messages = list(error_messages or [])
        self.correlation_id = correlation_id
        self.method = method
        self.path = path
        self.body = body or {}
        if not message:
            message = "; ".join(self.error_messages) or error_code or "Klarna request failed"
        self.message = message
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = []
        if self.method:
            parts.append(f"{self.method} {self.path}")
        if self.status:
            parts.append(str(self.status))
        if self.error_code:
            parts.append(self.error_code)
        head = " ".join(parts)
        tail = f" (correlation id {self.correlation_id})" if self.correlation_id else ""
        return f"{head}: {self.message}{tail}" if head else f"{self.message}{tail}"


class AuthenticationError(KlarnaError):
    """401: wrong username/password, or credentials of another region or environment."""


class EndpointNotAllowedError(KlarnaError):
    """Not sent: the client's base URL is not Klarna's (nor an allowed local simulator)."""


class InvalidRequestError(KlarnaError):
    """400: the request does not follow the API."""


class BadValueError(InvalidRequestError):
    """400 ``BAD_VALUE``: one field is wrong; ``field`` is its JSON path."""

    @property
    def field(self) -> str:
        for message in self.error_messages:
            match = BAD_VALUE_PATTERN.match(message)
            if match:
                return match.group("field")
        return ""


class NotFoundError(KlarnaError):
    """404: unknown or expired session, authorization, token or order."""


class ConflictError(KlarnaError):
    """409: the data differs from what the customer authorized ("Not matching fields")."""


class NotAllowedError(KlarnaError):
    """403 on an operation the object's state forbids (capture more than authorized, ...)."""


class DeclineError(KlarnaError):
    decline = True


class SoftDeclineError(DeclineError):
    """The purchase was declined this time; another attempt later may succeed."""


class HardDeclineError(DeclineError):
    """The token or payment method cannot be used again; the customer must pay anew."""


class TransientError(KlarnaError):
    retryable = True


class RateLimitError(TransientError):
    """429: too many requests for the merchant id."""

    @property
    def retry_after(self) -> Optional[float]:
        return parse_retry_after((self.body or {}).get("_retry_after"))


class ServerError(TransientError):
    """5xx from Klarna."""


class KlarnaTimeoutError(TransientError):
    """No answer in time: Klarna may or may not have done it; repeat with the same key."""


class KlarnaConnectionError(TransientError):
    """The connection failed or was dropped."""


HARD_DECLINES = {
    "TOKEN_CANCELLED",
    "TOKEN_SUSPENDED",
    "TOKEN_FORBIDDEN",
    "TOKEN_NOT_FOUND",
    "PAYMENT_METHOD_CURRENCY_MISMATCH",
    "MERCHANT_INACTIVE",
}
SOFT_DECLINES = {"PAYMENT_METHOD_FAILED", "UNAVAILABLE_PAYMENT_METHOD", "REJECTED"}


def error_class(status: int, error_code: str):
    """The class for an HTTP status and Klarna ``error_code``."""
    if error_code in HARD_DECLINES:
        return HardDeclineError
    if error_code in SOFT_DECLINES:
        return SoftDeclineError
    if status == 401:
        return AuthenticationError
    if status == 429:
        return RateLimitError
    if status >= 500:
        return ServerError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status == 403:
        return NotAllowedError
    if status == 400 and error_code == "BAD_VALUE":
        return BadValueError
    if status in (400, 413, 422):
        return InvalidRequestError
    return KlarnaError
