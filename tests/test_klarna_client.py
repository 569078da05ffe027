"""The Klarna client over real HTTP against the simulator: every call, every error class,
idempotent replays, retries and timeouts."""
import logging
import threading
from decimal import Decimal

import pytest
from prices import Money, TaxedMoney

from saleor_plugins.klarna import errors
from saleor_plugins.klarna.amounts import KlarnaOrderData, product_line, shipping_line
from saleor_plugins.klarna.client import (
    USER_AGENT,
    KlarnaClient,
    base_url_for,
    region_for_country,
    stable_idempotency_key,
)

from .conftest import KLARNA_PASSWORD, KLARNA_USERNAME


def nok(net, gross):
    return TaxedMoney(net=Money(Decimal(net), "NOK"), gross=Money(Decimal(gross), "NOK"))


def order_body(intent="buy"):
    body = KlarnaOrderData("NO", "NOK", "nb-NO", [
        product_line("Kaffe Fjell", 3, nok("79.99", "99.99"), reference="KAFFE-1"),
        shipping_line("Posten", nok("39.20", "49.00")),
    ]).as_dict()
    body["intent"] = intent
    return body


TOKEN_REQUEST = {
    "description": "Kaffe-abonnement",
    "intended_use": "SUBSCRIPTION",
    "locale": "nb-NO",
    "purchase_country": "NO",
    "purchase_currency": "NOK",
}


def authorized(client, klarna, intent="buy"):
    body = order_body(intent)
    session = client.create_session(body)
    return body, session, klarna.authorize(session.session_id)


def placed_order(client, klarna, **extra):
    body, _, token = authorized(client, klarna)
    return client.create_order(token, dict(body, **extra)).order_id


def customer_token(client, klarna):
    _, _, auth = authorized(client, klarna, "buy_and_tokenize")
    return client.create_customer_token(auth, TOKEN_REQUEST).token_id


# -- configuration --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "region,playground,url",
    [
        ("EU", False, "https://api.klarna.com"),
        ("EU", True, "https://api.playground.klarna.com"),
        ("NA", False, "https://api-na.klarna.com"),
        ("na", True, "https://api-na.playground.klarna.com"),
        ("OC", False, "https://api-oc.klarna.com"),
        ("OC", True, "https://api-oc.playground.klarna.com"),
    ],
)
def test_base_urls_per_region_and_environment(region, playground, url):
    assert base_url_for(region, playground) == url
    assert KlarnaClient("u", "p", region=region, playground=playground).base_url == url


def test_unknown_region_is_refused():
    with pytest.raises(ValueError):
        base_url_for("EU2", False)


def test_region_for_country():
    assert [region_for_country(c) for c in ("NO", "US", "CA", "AU", "NZ", "DE")] == [
        "EU", "NA", "NA", "OC", "OC", "EU"]


def test_requests_carry_basic_auth_user_agent_and_reuse_connections(klarna_client, klarna):
    for _ in range(20):
        klarna_client.create_session(order_body())
    assert {r["user_agent"] for r in klarna.request_log} == {USER_AGENT}
    assert USER_AGENT.startswith("saleor-plugins/")
    assert klarna.connections <= 2  # one kept-alive connection, not 20


def test_credentials_never_appear_in_errors_logs_or_repr(klarna, caplog):
    caplog.set_level(logging.DEBUG)
    client = KlarnaClient(KLARNA_USERNAME, "wrong-" + KLARNA_PASSWORD, base_url=klarna.url,
                          allow_loopback=True, backoff=0.001)
    with pytest.raises(errors.AuthenticationError) as caught:
        client.read_order("x")
    good = KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                        allow_loopback=True, backoff=0.001)
    klarna.inject(status=503, times=5)
    with pytest.raises(errors.ServerError) as server_error:
        good.read_order("x")
    texts = [str(caught.value), repr(caught.value), str(server_error.value), repr(client),
             repr(good), caplog.text]
    for text in texts:
        assert KLARNA_PASSWORD not in text
    assert "Klarna" in repr(good) and KLARNA_USERNAME in repr(good)


# -- Klarna Payments ------------------------------------------------------------------------

def test_session_create_read_update(klarna_client):
    session = klarna_client.create_session(order_body())
    assert session.session_id and session.client_token.count(".") == 2
    assert [c.identifier for c in session.payment_method_categories] == [
        "pay_later", "pay_over_time", "pay_now"]
    read = klarna_client.read_session(session.session_id)
    assert read.status == "incomplete" and read.raw["order_amount"] == 14899

    bigger = KlarnaOrderData("NO", "NOK", "nb-NO", [
        product_line("Kaffe Fjell", 4, nok("103.20", "129.00")),
    ]).as_dict()
    klarna_client.update_session(session.session_id, bigger)
    assert klarna_client.read_session(session.session_id).raw["order_amount"] == 12900

    bad = dict(bigger, order_amount=1)
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.update_session(session.session_id, bad)
    assert caught.value.field == "order_amount"


def test_order_from_authorization_is_single_use(klarna_client, klarna):
    body, session, token = authorized(klarna_client, klarna)
    order = klarna_client.create_order(token, body)
    assert order.order_id and order.fraud_status == "ACCEPTED"
    assert klarna_client.read_session(session.session_id).status == "complete"
    with pytest.raises(errors.NotFoundError) as caught:
        klarna_client.create_order(token, body)
    assert caught.value.error_code == "NOT_FOUND" and not caught.value.retryable
    assert len(klarna.orders) == 1


def test_concurrent_orders_from_one_authorization_place_one_order(klarna_client, klarna):
    body, _, token = authorized(klarna_client, klarna)
    results = []

    def place():
        try:
            results.append(klarna_client.create_order(token, body).order_id)
        except errors.NotFoundError:
            results.append(None)

    threads = [threading.Thread(target=place) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([r for r in results if r]) == 1
    assert len(klarna.orders) == 1


def test_order_differing_from_the_authorization_is_a_conflict(klarna_client, klarna):
    body, _, token = authorized(klarna_client, klarna)
    changed = KlarnaOrderData("NO", "NOK", "nb-NO", [
        product_line("Kaffe Fjell", 4, nok("106.65", "133.32")),
        shipping_line("Posten", nok("39.20", "49.00")),
    ]).as_dict()
    with pytest.raises(errors.ConflictError) as caught:
        klarna_client.create_order(token, changed)
    assert caught.value.status == 409
    assert "Not matching fields" in caught.value.message
    # the authorization is still usable with the authorized data
    assert klarna_client.create_order(token, body).order_id


def test_expired_authorization_is_not_found(klarna_client, klarna):
    body, _, token = authorized(klarna_client, klarna)
    klarna.advance(61 * 60)
    with pytest.raises(errors.NotFoundError):
        klarna_client.create_order(token, body)


def test_cancel_authorization(klarna_client, klarna):
    body, _, token = authorized(klarna_client, klarna)
    klarna_client.cancel_authorization(token)
    with pytest.raises(errors.NotFoundError):
        klarna_client.create_order(token, body)
    with pytest.raises(errors.NotFoundError):
        klarna_client.cancel_authorization(token)


# -- customer tokens ------------------------------------------------------------------------

def test_customer_token_lifecycle(klarna_client, klarna):
    body, _, auth = authorized(klarna_client, klarna, "buy_and_tokenize")
    token = klarna_client.create_customer_token(auth, TOKEN_REQUEST)
    assert token.token_id
    first = klarna_client.create_order(auth, body)  # buy_and_tokenize: the first purchase too
    assert first.order_id

    read = klarna_client.read_customer_token(token.token_id)
    assert (read.status, read.payment_method_type) == ("ACTIVE", "INVOICE")

    renewal = klarna_client.create_token_order(token.token_id, order_body(),
                                               idempotency_key="cycle-1-attempt-1")
    assert renewal.order_id != first.order_id
    klarna_client.cancel_customer_token(token.token_id)
    assert klarna_client.read_customer_token(token.token_id).status == "CANCELLED"
    with pytest.raises(errors.HardDeclineError) as caught:
        klarna_client.create_token_order(token.token_id, order_body())
    assert caught.value.error_code == "TOKEN_CANCELLED"
    assert caught.value.decline and not caught.value.retryable


def test_token_needs_a_tokenize_intent(klarna_client, klarna):
    _, _, auth = authorized(klarna_client, klarna, "buy")
    with pytest.raises(errors.NotAllowedError):
        klarna_client.create_customer_token(auth, TOKEN_REQUEST)


def test_token_request_validation(klarna_client, klarna):
    _, _, auth = authorized(klarna_client, klarna, "tokenize")
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.create_customer_token(auth, dict(TOKEN_REQUEST, intended_use="GIFT"))
    assert caught.value.field == "intended_use"


@pytest.mark.parametrize(
    "code,error_class,status",
    [
        ("PAYMENT_METHOD_FAILED", errors.SoftDeclineError, 403),
        ("UNAVAILABLE_PAYMENT_METHOD", errors.SoftDeclineError, 403),
        ("TOKEN_SUSPENDED", errors.HardDeclineError, 403),
        ("TOKEN_FORBIDDEN", errors.HardDeclineError, 403),
        ("PAYMENT_METHOD_CURRENCY_MISMATCH", errors.HardDeclineError, 403),
        ("TOKEN_NOT_FOUND", errors.HardDeclineError, 404),
        ("INTERNAL_SERVER_ERROR", errors.ServerError, 500),
    ],
)
def test_token_order_declines_are_classified(klarna_client, klarna, code, error_class, status):
    token_id = customer_token(klarna_client, klarna)
    klarna.decline_token_orders(token_id, code, times=1 if status < 500 else 3)
    with pytest.raises(error_class) as caught:
        klarna_client.create_token_order(token_id, order_body())
    assert caught.value.status == status and caught.value.error_code == code
    # soft and hard declines are declines, never retried by the client
    assert caught.value.decline == (status == 403 or code == "TOKEN_NOT_FOUND")
    calls = klarna.requests_to(f"/tokens/{token_id}/order")
    assert len(calls) == (3 if status >= 500 else 1)
    assert len({c["idempotency_key"] for c in calls}) == 1


def test_unknown_token_is_a_hard_decline(klarna_client):
    with pytest.raises(errors.HardDeclineError) as caught:
        klarna_client.create_token_order("no-such-token", order_body())
    assert isinstance(caught.value, errors.DeclineError)
    assert caught.value.error_code == "TOKEN_NOT_FOUND"


def test_token_order_replay_with_the_same_key_charges_once(klarna_client, klarna):
    token_id = customer_token(klarna_client, klarna)
    key = stable_idempotency_key("subscription", 7, "cycle", 3, "attempt", 1)
    charges_before = klarna.state.charge_count
    first = klarna_client.create_token_order(token_id, order_body(), idempotency_key=key)
    again = klarna_client.create_token_order(token_id, order_body(), idempotency_key=key)
    assert first.order_id == again.order_id
    assert klarna.state.charge_count == charges_before + 1
    other = klarna_client.create_token_order(
        token_id, order_body(), idempotency_key=stable_idempotency_key("other")
    )
    assert other.order_id != first.order_id


def test_concurrent_replays_of_one_key_charge_once(klarna_client, klarna):
    token_id = customer_token(klarna_client, klarna)
    charges_before = klarna.state.charge_count
    order_ids = []

    def charge():
        client = KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                              allow_loopback=True)
        order_ids.append(
            client.create_token_order(token_id, order_body(), idempotency_key="same").order_id
        )

    threads = [threading.Thread(target=charge) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(order_ids) == 10 and len(set(order_ids)) == 1
    assert klarna.state.charge_count == charges_before + 1


def test_declines_are_replayed_too_so_dunning_needs_a_new_key(klarna_client, klarna):
    token_id = customer_token(klarna_client, klarna)
    klarna.decline_token_orders(token_id, "PAYMENT_METHOD_FAILED")
    with pytest.raises(errors.SoftDeclineError):
        klarna_client.create_token_order(token_id, order_body(), idempotency_key="attempt-1")
    with pytest.raises(errors.SoftDeclineError):  # same key: same answer
        klarna_client.create_token_order(token_id, order_body(), idempotency_key="attempt-1")
    assert klarna_client.create_token_order(token_id, order_body(),
                                            idempotency_key="attempt-2").order_id


def test_retry_on_503_then_success_with_the_same_key(klarna_client, klarna):
    token_id = customer_token(klarna_client, klarna)
    klarna.inject(method="POST", path="/tokens/.*/order", status=503, times=2)
    order = klarna_client.create_token_order(token_id, order_body())
    assert order.order_id
    calls = klarna.requests_to(f"/tokens/{token_id}/order")
    assert len(calls) == 3
    assert len({c["idempotency_key"] for c in calls}) == 1


def test_rate_limited_calls_are_retried_after_the_reset(klarna_client, klarna):
    order_id = placed_order(klarna_client, klarna)
    klarna.inject(method="GET", status=429, times=1)
    assert klarna_client.read_order(order_id).status == "AUTHORIZED"
    klarna.inject(method="GET", status=429, times=5)
    with pytest.raises(errors.RateLimitError) as caught:
        klarna_client.read_order(order_id)
    assert caught.value.status == 429 and caught.value.retryable
    assert caught.value.retry_after == 1.0


@pytest.mark.parametrize("reset,retry_after", [("soon", None), ("-3", 0.0), ("nan", None),
                                               ("inf", None), ("0x10", None)])
def test_item14_09_a_bad_ratelimit_reset_header_is_a_rate_limit_error(
        klarna_client, klarna, reset, retry_after):
    order_id = placed_order(klarna_client, klarna)
    klarna.inject(method="GET", status=429, times=5, headers={"X-Ratelimit-Reset": reset})
    with pytest.raises(errors.RateLimitError) as caught:
        klarna_client.read_order(order_id)
    assert caught.value.retry_after == retry_after
    assert len(klarna.requests_to(f"/orders/{order_id}", "GET")) == 3  # retried with backoff


def test_item14_09_ratelimit_reset_is_clamped():
    assert errors.parse_retry_after("2.5") == 2.5
    assert errors.parse_retry_after("86400") == errors.MAX_RETRY_AFTER
    assert errors.parse_retry_after("-0.5") == 0.0
    assert [errors.parse_retry_after(v) for v in (None, "", "1e999", "-inf", "NaN", True)] == [
        None] * 6


def test_non_idempotent_calls_are_not_retried(klarna_client, klarna):
    klarna.inject(method="POST", path="/payments/v1/sessions$", status=503, times=1)
    with pytest.raises(errors.ServerError) as caught:
        klarna_client.create_session(order_body())
    assert caught.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert len(klarna.requests_to("/payments/v1/sessions", "POST")) == 1


def test_timeout_after_klarna_captured_is_repeated_with_the_same_key(klarna):
    client = KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                          allow_loopback=True, timeout=0.3, backoff=0.01)
    order_id = placed_order(client, klarna)
    klarna.inject(method="POST", path="/captures", delay=1.0, after=True, times=1)
    capture = client.capture_order(order_id, 5000)
    order = client.read_order(order_id)
    assert len(order.captures) == 1 and order.captured_amount == 5000
    assert order.captures[0].capture_id == capture.capture_id
    calls = klarna.requests_to("/captures", "POST")
    assert len(calls) == 2 and calls[0]["idempotency_key"] == calls[1]["idempotency_key"]


def test_timeout_of_a_single_use_call_is_reported_not_retried(klarna):
    client = KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                          allow_loopback=True, timeout=0.3, backoff=0.01)
    body, _, token = authorized(client, klarna)
    klarna.inject(method="POST", path="/authorizations/.*/order", delay=1.0, after=True)
    with pytest.raises(errors.KlarnaTimeoutError) as caught:
        client.create_order(token, body)
    assert caught.value.retryable
    assert len(klarna.requests_to("/order", "POST")) == 1
    assert len(klarna.orders) == 1  # Klarna placed it; the caller must look it up, not re-place


def test_dropped_connection_is_retried_with_the_same_key(klarna_client, klarna):
    order_id = placed_order(klarna_client, klarna)
    klarna.inject(method="POST", path="/refunds", drop=True, after=True)
    klarna_client.capture_order(order_id, 14899)
    refund = klarna_client.refund_order(order_id, 4899, description="Knust krus")
    order = klarna_client.read_order(order_id)
    assert order.refunded_amount == 4899 and len(order.refunds) == 1
    assert order.refunds[0].refund_id == refund.refund_id


@pytest.mark.parametrize("url", ["http://klarna.invalid", "https://klarna.invalid",
                                 "http://api.klarna.com", "https://api.klarna.com@klarna.invalid",
                                 "http://127.0.0.1:9"])
def test_item14_02_client_refuses_a_base_url_that_is_not_klarnas(url):
    client = KlarnaClient("u", KLARNA_PASSWORD, base_url=url, max_retries=0)
    with pytest.raises(errors.EndpointNotAllowedError) as caught:
        client.read_order("x")  # refused before any connection (.invalid would not resolve)
    assert not caught.value.retryable and KLARNA_PASSWORD not in str(caught.value)
    assert client._session.auth is None


def test_item14_02_client_talks_to_loopback_only_when_allowed(klarna):
    with pytest.raises(errors.EndpointNotAllowedError):
        KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url).read_order("x")
    assert klarna.request_log == []
    with pytest.raises(errors.NotFoundError):  # sent, and answered by the simulator
        KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                     allow_loopback=True).read_order("x")


def test_unreachable_klarna_is_a_connection_error():
    client = KlarnaClient("u", "p", base_url="http://127.0.0.1:9", allow_loopback=True,
                          max_retries=1, backoff=0.001)
    with pytest.raises(errors.KlarnaConnectionError) as caught:
        client.read_order("x")
    assert caught.value.retryable


# -- hosted payment page --------------------------------------------------------------------

def test_hosted_payment_page_lifecycle(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(
        session.session_id, options={"place_order_mode": "NONE"},
        merchant_urls={"success": "https://shop.example/ok?token={{authorization_token}}"},
    )
    assert page.session_url.endswith(page.session_id)
    assert page.distribution_url.endswith("/distribution") and page.redirect_url
    klarna_client.distribute_hpp_session(page.session_id, method="sms", phone="+4791234567",
                                         phone_country="NO")
    klarna_client.distribute_hpp_session(page.session_id, method="email", email="kari@example.com")
    assert [(m["method"], m["to"]) for m in klarna.outbox] == [
        ("sms", "+4791234567"), ("email", "kari@example.com")]
    assert klarna_client.read_hpp_session(page.session_id).status == "WAITING"
    klarna.hpp_action(page.session_id, "open")
    klarna.hpp_action(page.session_id, "pay")
    status = klarna_client.read_hpp_session(page.session_id)
    assert status.status == "COMPLETED" and status.is_final and status.authorization_token
    order = klarna_client.create_order(status.authorization_token, order_body())
    assert order.order_id
    with pytest.raises(errors.InvalidRequestError):
        klarna_client.disable_hpp_session(page.session_id)  # already completed


def test_hpp_disable_and_distribution_errors(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(session.session_id)
    with pytest.raises(errors.InvalidRequestError) as caught:
        klarna_client.distribute_hpp_session(page.session_id, method="sms", phone="+4791234567")
    assert caught.value.error_code == "MISSING_CONTACT_DATA"
    klarna_client.disable_hpp_session(page.session_id)
    assert klarna_client.read_hpp_session(page.session_id).status == "DISABLED"
    with pytest.raises(errors.InvalidRequestError):
        klarna_client.distribute_hpp_session(page.session_id, method="email", email="a@b.no")
    with pytest.raises(errors.NotFoundError):
        klarna_client.create_hpp_session("no-such-session")


def test_hpp_capture_order_mode_places_and_captures(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(session.session_id,
                                            options={"place_order_mode": "CAPTURE_ORDER"})
    klarna.hpp_action(page.session_id, "pay")
    status = klarna_client.read_hpp_session(page.session_id)
    assert status.order_id and not status.authorization_token
    order = klarna_client.read_order(status.order_id)
    assert (order.status, order.captured_amount) == ("CAPTURED", 14899)


# -- order management -----------------------------------------------------------------------

def test_capture_refund_limits(klarna_client, klarna):
    order_id = placed_order(klarna_client, klarna)
    with pytest.raises(errors.NotAllowedError) as caught:
        klarna_client.refund_order(order_id, 100)
    assert caught.value.error_code == "REFUND_NOT_ALLOWED"
    first = klarna_client.capture_order(order_id, 10000, reference="shipment-1")
    assert first.capture_id and first.location.endswith(first.capture_id)
    assert klarna_client.read_order(order_id).status == "PART_CAPTURED"
    with pytest.raises(errors.NotAllowedError) as caught:
        klarna_client.capture_order(order_id, 4900)  # 4899 left
    assert caught.value.error_code == "CAPTURE_NOT_ALLOWED"
    klarna_client.capture_order(order_id, 4899)
    order = klarna_client.read_order(order_id)
    assert (order.status, order.captured_amount, order.remaining_authorized_amount) == (
        "CAPTURED", 14899, 0)
    with pytest.raises(errors.NotAllowedError):
        klarna_client.refund_order(order_id, 14900)
    refund = klarna_client.refund_order(order_id, 14899)
    assert refund.refund_id
    with pytest.raises(errors.NotAllowedError) as caught:
        klarna_client.cancel_order(order_id)
    assert caught.value.error_code == "CANCEL_NOT_ALLOWED"


def test_cancel_release_and_extend(klarna_client, klarna):
    cancelled = placed_order(klarna_client, klarna)
    klarna_client.cancel_order(cancelled, idempotency_key="cancel-1")
    klarna_client.cancel_order(cancelled, idempotency_key="cancel-1")  # replay: same 204
    assert klarna_client.read_order(cancelled).status == "CANCELLED"
    with pytest.raises(errors.NotAllowedError):
        klarna_client.capture_order(cancelled, 100)
    with pytest.raises(errors.NotAllowedError):
        klarna_client.release_remaining_authorization(cancelled)

    partly = placed_order(klarna_client, klarna)
    with pytest.raises(errors.NotAllowedError):
        klarna_client.release_remaining_authorization(partly)  # no captures yet
    before = klarna_client.read_order(partly).expires_at
    klarna.advance(3 * 86400)
    klarna_client.extend_authorization_time(partly)
    assert klarna_client.read_order(partly).expires_at > before
    klarna_client.capture_order(partly, 5000)
    klarna_client.release_remaining_authorization(partly)
    order = klarna_client.read_order(partly)
    assert order.remaining_authorized_amount == 0
    with pytest.raises(errors.NotAllowedError):
        klarna_client.capture_order(partly, 1)


def test_expired_authorization_cannot_be_captured_or_extended(klarna_client, klarna):
    order_id = placed_order(klarna_client, klarna)
    klarna.advance(29 * 86400)
    assert klarna_client.read_order(order_id).status == "EXPIRED"
    with pytest.raises(errors.NotAllowedError) as caught:
        klarna_client.extend_authorization_time(order_id)
    assert "expired" in caught.value.message
    with pytest.raises(errors.NotAllowedError):
        klarna_client.capture_order(order_id, 100)


def test_auto_capture_order_and_merchant_references(klarna_client, klarna):
    order_id = placed_order(klarna_client, klarna, auto_capture=True)
    klarna_client.update_merchant_references(order_id, "1042", "checkout-abc")
    order = klarna_client.read_order(order_id)
    assert (order.status, order.captured_amount, len(order.captures)) == ("CAPTURED", 14899, 1)
    assert (order.merchant_reference1, order.merchant_reference2) == ("1042", "checkout-abc")


def test_unknown_order_and_other_merchants_orders_are_not_found(klarna_client, klarna):
    with pytest.raises(errors.NotFoundError) as caught:
        klarna_client.read_order("no-such-order")
    assert caught.value.error_code == "NO_SUCH_ORDER" and caught.value.correlation_id
    order_id = placed_order(klarna_client, klarna)
    other = KlarnaClient("other_merchant", "other_secret", base_url=klarna.url, allow_loopback=True)
    with pytest.raises(errors.NotFoundError):
        other.read_order(order_id)
