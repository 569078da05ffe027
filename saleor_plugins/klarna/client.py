"""A small Klarna REST client on ``requests``.

One ``KlarnaClient`` per set of credentials and region. It reuses connections, sends a
``Klarna-Idempotency-Key`` on every call Klarna de-duplicates (order management and
customer-token orders), retries transient failures of those calls and of reads with the
*same* key, and turns Klarna's error bodies into the classes of ``errors``.
"""
import logging
import random
import time
import uuid
from typing import Optional, Sequence
from urllib.parse import quote

import requests

from .. import __version__
from . import errors
from .endpoints import (  # noqa: F401 (part of the client's interface)
    KLARNA_API_HOSTS,
    REGIONS,
    base_url_for,
    is_allowed_base_url,
    region_for_country,
)
from .results import (
    Capture,
    CustomerToken,
    HostedPaymentPage,
    HostedPaymentPageStatus,
    ManagedOrder,
    OrderCreated,
    PaymentSession,
    Refund,
)

logger = logging.getLogger(__name__)

USER_AGENT = f"saleor-plugins/{__version__} (+klarna-client; python-requests/{requests.__version__})"


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def stable_idempotency_key(*parts) -> str:
    """A key that is the same every time the same logical operation is attempted."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "saleor-plugins:" + ":".join(str(p) for p in parts)))


def _path(*segments: str) -> str:
    return "/" + "/".join(quote(str(s), safe="") if i % 2 else s for i, s in enumerate(segments))


class KlarnaClient:
    def __init__(
        self,
        username: str,
        password: str,
        *,
        region: str = "EU",
        playground: bool = False,
        base_url: Optional[str] = None,
        allow_loopback: bool = False,
        timeout: float = 10.0,
        connect_timeout: float = 3.05,
        max_retries: int = 2,
        backoff: float = 0.25,
        session: Optional[requests.Session] = None,
    ):
        """``base_url`` overrides the region's host: another of Klarna's API hosts, or with
        ``allow_loopback`` a simulator on loopback. Any other URL is refused at every call
        (``EndpointNotAllowedError``), before the credentials leave the process."""
        self.region = region.upper()
        self.playground = playground
        self.base_url = (base_url or base_url_for(self.region, playground)).rstrip("/")
        self._endpoint_allowed = is_allowed_base_url(self.base_url, allow_loopback=allow_loopback)
        self.timeout = (connect_timeout, timeout)
        self.max_retries = max_retries
        self.backoff = backoff
        self._session = session or requests.Session()
        self._session.auth = (username, password) if self._endpoint_allowed else None
        self._session.headers.update(
            {"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        self._username = username

    def __repr__(self):  # never the password
        return f"<KlarnaClient {self._username!r} {self.base_url}>"

    def close(self):
        self._session.close()

    # -- transport -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Optional[dict] = None,
        idempotency_key: Optional[str] = None,
        expect: Sequence[int] = (200,),
        retry: Optional[bool] = None,
    ) -> requests.Response:
        """Send one call; retry transient failures when repeating it is safe."""
        if not self._endpoint_allowed:
            raise errors.EndpointNotAllowedError(
                "the Klarna API URL is not one of Klarna's API hosts (https)",
                method=method, path=path,
            )
        headers = {}
        if idempotency_key:
            headers["Klarna-Idempotency-Key"] = idempotency_key
        if json is not None:
            headers["Content-Type"] = "application/json"
        if retry is None:
            retry = method == "GET" or bool(idempotency_key)
        attempts = 1 + (self.max_retries if retry else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self._send(method, path, json, headers)
                if response.status_code in expect:
                    return response
                raise self._error(response, method, path)
            except errors.TransientError as exc:
                if attempt >= attempts:
                    raise
                delay = self._delay(attempt, exc)
                logger.warning(
                    "Klarna %s %s failed (%s), retry %d/%d in %.2fs",
                    method, path, exc.error_code or type(exc).__name__,
                    attempt, attempts - 1, delay,
                )
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _send(self, method, path, json, headers) -> requests.Response:
        url = self.base_url + path
        started = time.monotonic()
        try:
            # Klarna's API does not redirect; following one would take the credentials along
            response = self._session.request(
                method, url, json=json, headers=headers, timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            raise errors.KlarnaTimeoutError(
                f"no answer from Klarna within {self.timeout[1]}s", method=method, path=path
            ) from exc
        except requests.ConnectionError as exc:
            raise errors.KlarnaConnectionError(
                "connection to Klarna failed", method=method, path=path
            ) from exc
        logger.debug(
            "Klarna %s %s → %s in %.0f ms (correlation id %s)",
            method, path, response.status_code, (time.monotonic() - started) * 1000,
            response.headers.get("Klarna-Correlation-Id", "-"),
        )
        return response

    def _delay(self, attempt: int, exc: Exception) -> float:
        if isinstance(exc, errors.RateLimitError) and exc.retry_after:
            return min(exc.retry_after, 5.0)
        return self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)

    @staticmethod
    def _error(response: requests.Response, method: str, path: str) -> errors.KlarnaError:
        try:
            body = response.json()
            if not isinstance(body, dict):
                body = {}
        except ValueError:
            body = {}
        messages = body.get("error_messages") or []
        if isinstance(messages, str):
            messages = [messages]
        if body.get("error_message"):
            messages = list(messages) + [body["error_message"]]
        code = body.get("error_code") or ""
        if response.status_code == 429:
            retry_after = errors.parse_retry_after(response.headers.get("X-Ratelimit-Reset"))
            if retry_after is not None:
                body["_retry_after"] = retry_after
        cls = errors.error_class(response.status_code, code)
        return cls(
            status=response.status_code,
            error_code=code,
            error_messages=messages or [response.reason or "HTTP %s" % response.status_code],
            correlation_id=body.get("correlation_id")
            or response.headers.get("Klarna-Correlation-Id", ""),
            method=method,
            path=path,
            body=body,
        )

    @staticmethod
    def _json(response: requests.Response) -> dict:
        if not response.content:
            return {}
        return response.json()

    # -- Klarna Payments -------------------------------------------------------------------

    def create_session(self, data: dict) -> PaymentSession:
        response = self.request("POST", "/payments/v1/sessions", json=data)
        return PaymentSession.from_json(self._json(response))

    def read_session(self, session_id: str) -> PaymentSession:
        response = self.request("GET", _path("payments/v1/sessions", session_id))
        return PaymentSession.from_json(self._json(response), session_id=session_id)

    def update_session(self, session_id: str, data: dict) -> None:
        self.request("POST", _path("payments/v1/sessions", session_id), json=data, expect=(204,))

    def create_order(self, authorization_token: str, data: dict) -> OrderCreated:
        """Place the order the customer authorized. The token is single-use: never retried."""
        response = self.request(
            "POST",
            _path("payments/v1/authorizations", authorization_token) + "/order",
            json=data,
        )
        return OrderCreated.from_json(self._json(response))

    def cancel_authorization(self, authorization_token: str) -> None:
        self.request(
            "DELETE", _path("payments/v1/authorizations", authorization_token), expect=(204,)
        )

    # -- customer tokens -------------------------------------------------------------------

    def create_customer_token(self, authorization_token: str, data: dict) -> CustomerToken:
        response = self.request(
            "POST",
            _path("payments/v1/authorizations", authorization_token) + "/customer-token",
            json=data,
        )
        return CustomerToken.from_json(self._json(response))

    def read_customer_token(self, token_id: str) -> CustomerToken:
        response = self.request("GET", _path("customer-token/v1/tokens", token_id))
        return CustomerToken.from_json(self._json(response), token_id=token_id)

    def create_token_order(
        self, token_id: str, data: dict, *, idempotency_key: Optional[str] = None
    ) -> OrderCreated:
        """Charge a customer token. Pass one key per attempt; retries reuse it."""
        response = self.request(
            "POST",
            _path("customer-token/v1/tokens", token_id) + "/order",
            json=data,
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return OrderCreated.from_json(self._json(response))

    def cancel_customer_token(self, token_id: str) -> None:
        self.request(
            "PATCH",
            _path("customer-token/v1/tokens", token_id) + "/status",
            json={"status": "CANCELLED"},
            expect=(202, 204),
            retry=True,  # cancelling twice is harmless
        )

    # -- hosted payment page ---------------------------------------------------------------

    def payment_session_url(self, session_id: str) -> str:
        return self.base_url + _path("payments/v1/sessions", session_id)

    def create_hpp_session(
        self,
        payment_session_id: str,
        *,
        merchant_urls: Optional[dict] = None,
        options: Optional[dict] = None,
    ) -> HostedPaymentPage:
        body = {"payment_session_url": self.payment_session_url(payment_session_id)}
        if merchant_urls:
            body["merchant_urls"] = merchant_urls
        if options:
            body["options"] = options
        response = self.request("POST", "/hpp/v1/sessions", json=body, expect=(201, 200))
        return HostedPaymentPage.from_json(self._json(response))

    def distribute_hpp_session(
        self,
        session_id: str,
        *,
        method: str,
        phone: str = "",
        phone_country: str = "",
        email: str = "",
    ) -> None:
        contact = {}
        if phone:
            contact["phone"] = phone
        if phone_country:
            contact["phone_country"] = phone_country
        if email:
            contact["email"] = email
        self.request(
            "POST",
            _path("hpp/v1/sessions", session_id) + "/distribution",
            json={"method": method, "contact_information": contact},
            expect=(200, 201, 204),
        )

    def read_hpp_session(self, session_id: str) -> HostedPaymentPageStatus:
        response = self.request("GET", _path("hpp/v1/sessions", session_id))
        return HostedPaymentPageStatus.from_json(self._json(response))

    def disable_hpp_session(self, session_id: str) -> None:
        self.request("DELETE", _path("hpp/v1/sessions", session_id), expect=(204,), retry=True)

    # -- order management ------------------------------------------------------------------

    def read_order(self, order_id: str) -> ManagedOrder:
        response = self.request("GET", _path("ordermanagement/v1/orders", order_id))
        return ManagedOrder.from_json(self._json(response))

    def _post_money(self, order_id, resource, amount_field, amount, idempotency_key,
                    order_lines, description, reference):
        """POST a capture or refund; Klarna answers 201 with the new id in a header."""
        body = {amount_field: amount}
        if order_lines:
            body["order_lines"] = order_lines
        if description:
            body["description"] = description
        if reference:
            body["reference"] = reference
        return self.request(
            "POST",
            _path("ordermanagement/v1/orders", order_id) + "/" + resource,
            json=body,
            idempotency_key=idempotency_key or new_idempotency_key(),
            expect=(201,),
        )

    def capture_order(
        self,
        order_id: str,
        amount: int,
        *,
        idempotency_key: Optional[str] = None,
        order_lines: Optional[list] = None,
        description: str = "",
        reference: str = "",
    ) -> Capture:
        response = self._post_money(order_id, "captures", "captured_amount", amount,
                                    idempotency_key, order_lines, description, reference)
        return Capture(
            capture_id=response.headers.get("Capture-Id", ""),
            captured_amount=amount,
            reference=reference,
            location=response.headers.get("Location", ""),
        )

    def refund_order(
        self,
        order_id: str,
        amount: int,
        *,
        idempotency_key: Optional[str] = None,
        order_lines: Optional[list] = None,
        description: str = "",
        reference: str = "",
    ) -> Refund:
        response = self._post_money(order_id, "refunds", "refunded_amount", amount,
                                    idempotency_key, order_lines, description, reference)
        return Refund(
            refund_id=response.headers.get("Refund-Id", ""),
            refunded_amount=amount,
            reference=reference,
            location=response.headers.get("Location", ""),
        )

    def _order_action(self, order_id: str, action: str, idempotency_key: Optional[str]):
        self.request(
            "POST",
            _path("ordermanagement/v1/orders", order_id) + "/" + action,
            idempotency_key=idempotency_key or new_idempotency_key(),
            expect=(204,),
        )

    def cancel_order(self, order_id: str, *, idempotency_key: Optional[str] = None) -> None:
        self._order_action(order_id, "cancel", idempotency_key)

    def release_remaining_authorization(
        self, order_id: str, *, idempotency_key: Optional[str] = None
    ) -> None:
        self._order_action(order_id, "release-remaining-authorization", idempotency_key)

    def extend_authorization_time(
        self, order_id: str, *, idempotency_key: Optional[str] = None
    ) -> None:
        self._order_action(order_id, "extend-authorization-time", idempotency_key)

    def update_merchant_references(
        self,
        order_id: str,
        merchant_reference1: str,
        merchant_reference2: str = "",
        *,
        idempotency_key: Optional[str] = None,
    ) -> None:
        body = {"merchant_reference1": merchant_reference1}
        if merchant_reference2:
            body["merchant_reference2"] = merchant_reference2
        self.request(
            "PATCH",
            _path("ordermanagement/v1/orders", order_id) + "/merchant-references",
            json=body,
            idempotency_key=idempotency_key or new_idempotency_key(),
            expect=(204,),
        )
