"""A local stand-in for Klarna's APIs, for tests and the demo.

    sim = run_simulator(port=0, credentials={"merchant": "secret"})
    client = KlarnaClient("merchant", "secret", base_url=sim.url, allow_loopback=True)
    ...
    sim.stop()

It serves the Payments, Customer Token, Hosted Payment Page and Order Management routes
with Klarna's validation, error bodies and state rules, plus pages for people (a hosted
payment page, an SMS/e-mail outbox) and test hooks (authorize, decline, faults, clock).
"""
import threading
from typing import Dict, Optional

from .server import Fault, Simulator, SimulatorServer, make_handler
from .state import KlarnaFailure, SimulatorState

__all__ = ["KlarnaSimulator", "run_simulator", "Fault", "KlarnaFailure", "SimulatorState"]


class KlarnaSimulator(Simulator):
    """The simulator running on a loopback HTTP server in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 credentials: Optional[Dict[str, str]] = None, **options):
        super().__init__(credentials or {"merchant": "secret"}, **options)
        self._server = SimulatorServer((host, port), make_handler(self))
        self.host, self.port = self._server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.state.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="klarna-simulator", daemon=True
        )

    def start(self) -> "KlarnaSimulator":
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self):
        self._server.serve_forever()

    # test hooks, same as the /_sim/ routes
    def authorize(self, session_id: str, **kwargs) -> str:
        result = self.state.authorize_session(session_id, **kwargs)
        self._send_events()
        return result.get("authorization_token", "")

    def hpp_action(self, hpp_session_id: str, action: str, **details) -> dict:
        """``details`` for "pay": fraud_status, billing_address, shipping_address."""
        result = self.state.hpp_action(hpp_session_id, action, **details)
        self._send_events()
        return result

    def decide_fraud(self, order_id: str, decision: str) -> dict:
        """End Klarna's review of a PENDING order: ACCEPTED or REJECTED (and notify)."""
        result = self.state.decide_fraud(order_id, decision)
        self._send_events()
        return result

    def decline_token_orders(self, token_id: str, error_code="PAYMENT_METHOD_FAILED", times=1):
        self.state.decline_token_orders(token_id, error_code, times)

    def set_token_status(self, token_id: str, status: str):
        self.state.force_token_status(token_id, status)

    def advance(self, seconds: float):
        self.state.advance(seconds)

    @property
    def outbox(self):
        return list(self.state.outbox)

    @property
    def orders(self):
        return self.state.orders

    def requests_to(self, path_fragment: str, method: Optional[str] = None):
        return [r for r in self.request_log
                if path_fragment in r["path"] and (method is None or r["method"] == method)]


def run_simulator(host: str = "127.0.0.1", port: int = 0,
                  credentials: Optional[Dict[str, str]] = None, **options) -> KlarnaSimulator:
    """Start a simulator in a background thread; ``.url`` and ``.stop()`` on the result."""
    return KlarnaSimulator(host, port, credentials, **options).start()
