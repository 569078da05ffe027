"""Signed links to the subscriber's self-service page and the short-lived access they buy.

A link (in every subscription e-mail) carries the customer's id and an expiry, signed with
the site's SECRET_KEY and a salt of its own: it names one customer and ends by itself. The
page exchanges it once for an *access token* (another salt, one hour) that the package's
subscription operations accept in the ``X-Subscription-Access`` header, and nothing else of
Saleor's: a forwarded or leaked link can manage that customer's subscriptions for a while,
never log into their account, see their orders or touch another customer's subscription.
"""
import time
from dataclasses import dataclass

from django.core import signing

LINK_SALT = "saleor_plugins.subscription.self-service.link"
ACCESS_SALT = "saleor_plugins.subscription.self-service.access"
ACCESS_SECONDS = 3600
ACCESS_HEADER = "HTTP_X_SUBSCRIPTION_ACCESS"
PAGE_PATH = "/my/subscriptions/"

VALID, EXPIRED, INVALID = "valid", "expired", "invalid"


@dataclass(frozen=True)
class Grant:
    """What a link or an access token says, once its signature checked out."""

    state: str  # VALID, EXPIRED or INVALID
    customer_id: int = 0
    expires_at: int = 0  # Unix time


def _sign(customer_id: int, expires_at: int, salt: str) -> str:
    return signing.dumps({"c": int(customer_id), "x": int(expires_at)}, salt=salt)


def _read(token: str, salt: str, now: float = None) -> Grant:
    try:
        payload = signing.loads(token or "", salt=salt)
        customer_id, expires_at = int(payload["c"]), int(payload["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Grant(INVALID)
    if expires_at <= (time.time() if now is None else now):
        return Grant(EXPIRED, customer_id, expires_at)
    return Grant(VALID, customer_id, expires_at)


def link_token(customer_id: int, days: int, now: float = None) -> str:
    now = time.time() if now is None else now
    return _sign(customer_id, now + days * 86400, LINK_SALT)


def read_link(token: str, now: float = None) -> Grant:
    return _read(token, LINK_SALT, now)


def access_token(customer_id: int, link_expires_at: int, now: float = None) -> tuple:
    """``(grant, token)``: an access token for the link's customer; it never outlives the
    link."""
    now = time.time() if now is None else now
    expires_at = int(min(now + ACCESS_SECONDS, link_expires_at))
    return Grant(VALID, customer_id, expires_at), _sign(customer_id, expires_at, ACCESS_SALT)


def read_access(token: str, now: float = None) -> Grant:
    return _read(token, ACCESS_SALT, now)


def page_link(base_url: str, customer_id: int, days: int) -> str:
    """The absolute address of the page, signed for ``customer_id``."""
    return f"{base_url.rstrip('/')}{PAGE_PATH}?link={link_token(customer_id, days)}"


def request_customer_id(request):
    """The customer an ``X-Subscription-Access`` header of ``request`` names (or None);
    read once per request."""
    if request is None:
        return None
    cached = getattr(request, "_subscription_access_customer", False)
    if cached is not False:
        return cached
    grant = read_access(request.META.get(ACCESS_HEADER, ""))
    customer_id = grant.customer_id if grant.state == VALID else None
    request._subscription_access_customer = customer_id
    return customer_id
