"""The simulator itself: Klarna's wire format, callbacks, pages for people and its CLI."""
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from saleor_plugins.klarna import errors

from .conftest import KLARNA_PASSWORD, KLARNA_USERNAME
from .test_klarna_client import order_body

AUTH = (KLARNA_USERNAME, KLARNA_PASSWORD)


class Receiver:
    """A merchant endpoint that records callbacks and answers with preset statuses."""

    def __init__(self, statuses=()):
        self.calls = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((self.path, json.loads(body)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.stop()


def test_error_body_and_headers_look_like_klarnas(klarna):
    response = requests.get(f"{klarna.url}/ordermanagement/v1/orders/nope", auth=AUTH)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error_code", "error_messages", "correlation_id"}
    assert body["error_code"] == "NO_SUCH_ORDER"
    assert response.headers["Klarna-Correlation-Id"] == body["correlation_id"]
    assert response.headers["Content-Type"].startswith("application/json")
    assert "X-Ratelimit-Limit" in response.headers

    response = requests.get(f"{klarna.url}/ordermanagement/v1/orders/nope", auth=("x", "y"))
    assert response.status_code == 401 and response.json()["error_code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"].startswith("Basic")

    response = requests.post(f"{klarna.url}/payments/v1/sessions", auth=AUTH, data="{not json",
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error_code"] == "BAD_REQUEST"


def test_sessions_expire_after_48_hours(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    klarna.advance(47 * 3600)
    assert klarna_client.read_session(session.session_id).status == "incomplete"
    klarna.advance(2 * 3600)
    with pytest.raises(errors.NotFoundError):
        klarna_client.read_session(session.session_id)


def test_idempotency_keys_are_per_merchant(klarna):
    from saleor_plugins.klarna.client import KlarnaClient

    clients = [KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                            allow_loopback=True),
               KlarnaClient("other_merchant", "other_secret", base_url=klarna.url,
                            allow_loopback=True)]
    order_ids = []
    for client in clients:
        session = client.create_session(order_body())
        token = klarna.authorize(session.session_id)
        order_id = client.create_order(token, order_body()).order_id
        order_ids.append(order_id)
        capture = client.capture_order(order_id, 1000, idempotency_key="shared-key")
        assert capture.location.endswith(capture.capture_id)
    for client, order_id in zip(clients, order_ids):
        assert client.read_order(order_id).captured_amount == 1000


def test_hpp_options_are_validated(klarna_client):
    session = klarna_client.create_session(order_body())
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.create_hpp_session(session.session_id, options={
            "payment_method_category": "PAY_LATER", "payment_method_categories": ["PAY_NOW"]})
    assert caught.value.field == "options.payment_method_categories"
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.create_hpp_session(session.session_id, options={"place_order_mode": "LATER"})
    assert caught.value.field == "options.place_order_mode"
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.create_hpp_session(session.session_id, merchant_urls={"success": "ftp://x"})
    assert caught.value.field == "merchant_urls.success"


def test_status_callbacks_carry_the_session_and_are_retried(klarna_client, klarna, receiver):
    merchant = receiver(statuses=[500, 502, 200])
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(session.session_id, merchant_urls={
        "status_update": merchant.url + "/klarna/status?secret=s3&sid={{session_id}}"})
    klarna.hpp_action(page.session_id, "open")
    klarna.wait_for_callbacks()
    assert len(merchant.calls) == 3  # two failures, then accepted: no more attempts
    path, payload = merchant.calls[0]
    assert path == f"/klarna/status?secret=s3&sid={page.session_id}"
    assert payload["session"]["status"] == "IN_PROGRESS"
    assert payload["session"]["session_id"] == page.session_id
    assert len({json.dumps(p) for _, p in merchant.calls}) == 1  # same event each time
    attempts = [entry["attempt"] for entry in klarna.state.callback_log]
    assert attempts == [1, 2, 3]

    klarna.hpp_action(page.session_id, "pay")
    klarna.wait_for_callbacks()
    last = merchant.calls[-1][1]
    assert last["session"]["status"] == "COMPLETED" and last["session"]["authorization_token"]
    assert last["event_id"] != payload["event_id"]


def test_callbacks_give_up_after_three_retries(klarna_client, klarna, receiver):
    merchant = receiver(statuses=[500] * 10)
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(session.session_id, merchant_urls={
        "status_update": merchant.url + "/cb"})
    klarna.hpp_action(page.session_id, "cancel")
    klarna.wait_for_callbacks()
    assert len(merchant.calls) == 4
    assert klarna_client.read_hpp_session(page.session_id).status == "CANCELLED"
    with pytest.raises(Exception):
        klarna.hpp_action(page.session_id, "pay")  # final state


def test_hosted_payment_page_for_people(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    page = klarna_client.create_hpp_session(session.session_id, merchant_urls={
        "success": "https://shop.example/ok?token={{authorization_token}}"})
    klarna_client.distribute_hpp_session(page.session_id, method="sms", phone="+4791234567",
                                         phone_country="NO")
    outbox = requests.get(f"{klarna.url}/_sim/outbox").text
    assert "+4791234567" in outbox and page.redirect_url in outbox
    assert requests.get(f"{klarna.url}/_sim/outbox.json").json()[0]["link"] == page.redirect_url

    shown = requests.get(page.redirect_url)
    assert shown.status_code == 200 and "Kaffe Fjell" in shown.text and "148.99" in shown.text
    assert klarna_client.read_hpp_session(page.session_id).status == "IN_PROGRESS"
    paid = requests.post(page.redirect_url, data={"action": "pay"})
    assert "payment is complete" in paid.text
    status = klarna_client.read_hpp_session(page.session_id)
    assert status.status == "COMPLETED"
    assert f"https://shop.example/ok?token={status.authorization_token}" in paid.text
    assert requests.get(f"{klarna.url}/pay/hpp/unknown").status_code == 404


def test_authorize_page_and_json_hooks(klarna_client, klarna):
    session = klarna_client.create_session(order_body())
    page = requests.post(f"{klarna.url}/pay/sessions/{session.session_id}",
                         data={"action": "authorize"}).text
    assert "authorization-token" in page
    hook = requests.post(f"{klarna.url}/_sim/sessions/{session.session_id}/authorize", json={})
    token = hook.json()["authorization_token"]
    assert klarna_client.create_order(token, order_body()).order_id

    requests.post(f"{klarna.url}/_sim/faults", json={"method": "GET", "status": 503, "times": 1})
    response = requests.get(f"{klarna.url}/payments/v1/sessions/{session.session_id}", auth=AUTH)
    assert response.status_code == 503
    requests.post(f"{klarna.url}/_sim/faults", json={
        "method": "GET", "status": 429, "headers": {"X-Ratelimit-Reset": "soon"}})
    response = requests.get(f"{klarna.url}/payments/v1/sessions/{session.session_id}", auth=AUTH)
    assert (response.status_code, response.headers["X-Ratelimit-Reset"]) == (429, "soon")
    assert response.json()["error_code"] == "TOO_MANY_REQUESTS"
    assert requests.post(f"{klarna.url}/_sim/reset", json={}).json() == {"ok": True}
    assert not klarna.orders
    assert "Klarna simulator" in requests.get(klarna.url + "/").text


def test_simulator_runs_from_the_command_line(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "saleor_plugins", "simulator", "--port", str(port),
         "--username", "cli", "--password", "pw"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert f"127.0.0.1:{port}" in first_line
        deadline = time.monotonic() + 10
        while True:
            try:
                response = requests.post(f"http://127.0.0.1:{port}/payments/v1/sessions",
                                         json=order_body(), auth=("cli", "pw"), timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 200 and response.json()["session_id"]
    finally:
        process.terminate()
        process.wait(10)
