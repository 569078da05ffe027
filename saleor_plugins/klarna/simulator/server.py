"""HTTP front of the simulator: Klarna's routes, auth, idempotency, faults, callbacks, pages."""
import base64
import json
import logging
import random
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import requests

from . import pages
from .state import KlarnaFailure, Reply, SimulatorState

logger = logging.getLogger(__name__)

ID = r"([^/]+)"
# (method, pattern, state method name, takes body, honours Klarna-Idempotency-Key)
API_ROUTES = [
    ("POST", r"/payments/v1/sessions", "create_session", True, False),
    ("GET", rf"/payments/v1/sessions/{ID}", "read_session", False, False),
    ("POST", rf"/payments/v1/sessions/{ID}", "update_session", True, False),
    ("POST", rf"/payments/v1/authorizations/{ID}/order", "create_order", True, False),
    ("POST", rf"/payments/v1/authorizations/{ID}/customer-token", "create_customer_token",
     True, False),
    ("DELETE", rf"/payments/v1/authorizations/{ID}", "cancel_authorization", False, False),
    ("GET", rf"/customer-token/v1/tokens/{ID}", "read_customer_token", False, False),
    ("POST", rf"/customer-token/v1/tokens/{ID}/order", "create_token_order", True, True),
    ("PATCH", rf"/customer-token/v1/tokens/{ID}/status", "set_token_status", True, False),
    ("POST", r"/hpp/v1/sessions", "create_hpp_session", True, False),
    ("GET", rf"/hpp/v1/sessions/{ID}", "read_hpp_session", False, False),
    ("DELETE", rf"/hpp/v1/sessions/{ID}", "disable_hpp_session", False, False),
    ("POST", rf"/hpp/v1/sessions/{ID}/distribution", "distribute_hpp_session", True, False),
    ("GET", rf"/ordermanagement/v1/orders/{ID}", "read_order", False, False),
    ("GET", rf"/ordermanagement/v1/orders/{ID}/captures", "list_captures", False, False),
    ("POST", rf"/ordermanagement/v1/orders/{ID}/captures", "capture_order", True, True),
    ("GET", rf"/ordermanagement/v1/orders/{ID}/captures/{ID}", "read_capture", False, False),
    ("POST", rf"/ordermanagement/v1/orders/{ID}/refunds", "refund_order", True, True),
    ("POST", rf"/ordermanagement/v1/orders/{ID}/cancel", "cancel_order", False, True),
    ("POST", rf"/ordermanagement/v1/orders/{ID}/release-remaining-authorization",
     "release_remaining_authorization", False, True),
    ("POST", rf"/ordermanagement/v1/orders/{ID}/extend-authorization-time",
     "extend_authorization_time", False, True),
    ("PATCH", rf"/ordermanagement/v1/orders/{ID}/merchant-references",
     "update_merchant_references", True, True),
]
_COMPILED = [(m, re.compile(p + r"/?$"), name, body, idem) for m, p, name, body, idem in API_ROUTES]
IDEMPOTENCY_TTL = 24 * 3600


@dataclass
class Fault:
    """An injected failure: ``status`` answer, ``delay`` seconds, or ``drop`` the connection.

    ``after=True`` applies it after Klarna has done the work (the answer is lost).
    ``headers`` are sent with a ``status`` answer, over the usual ones (e.g. a broken
    ``X-Ratelimit-Reset``).
    """

    method: Optional[str] = None
    path: Optional[str] = None  # regular expression searched in the path
    status: Optional[int] = None
    delay: float = 0.0
    drop: bool = False
    after: bool = False
    times: int = 1
    share: float = 1.0  # probability per matching call
    seed: int = 0
    headers: Optional[Dict[str, str]] = None

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.method and self.method != method:
            return False
        return not self.path or re.search(self.path, path) is not None


class Dropped(Exception):
    pass


class Simulator:
    """State + faults + callbacks; the HTTP handler calls ``handle``."""

    def __init__(self, credentials: Dict[str, str], base_url: str = "",
                 callback_retry_delay: float = 1.0, callback_timeout: float = 3.0):
        self.credentials = dict(credentials)
        self.state = SimulatorState(base_url)
        self.faults: List[Fault] = []
        self.fault_lock = threading.Lock()
        self.request_log: List[dict] = []
        self.callback_retry_delay = callback_retry_delay
        self.callback_timeout = callback_timeout
        self._callback_threads: List[threading.Thread] = []
        self._random = random.Random(0)
        self.connections = 0  # TCP connections accepted (shows keep-alive reuse)

    def reset(self):
        self.state.reset()
        with self.fault_lock:
            self.faults = []
            self.request_log = []
            self.connections = 0

    # -- faults ----------------------------------------------------------------------------

    def inject(self, **kwargs) -> Fault:
        fault = Fault(**kwargs)
        with self.fault_lock:
            self.faults.append(fault)
            if fault.share < 1.0:
                self._random.seed(fault.seed)
        return fault

    def _take_fault(self, method: str, path: str, after: bool) -> Optional[Fault]:
        with self.fault_lock:
            for fault in self.faults:
                if fault.after == after and fault.matches(method, path):
                    if fault.share < 1.0 and self._random.random() >= fault.share:
                        continue
                    fault.times -= 1
                    return fault
        return None

    # -- API -------------------------------------------------------------------------------

    def authenticate(self, header: str) -> Optional[str]:
        if not header.startswith("Basic "):
            return None
        try:
            username, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        if username in self.credentials and self.credentials[username] == password:
            return username
        return None

    def handle(self, method: str, path: str, headers, raw_body: bytes) -> Reply:
        """Answer one API call. Raises ``Dropped`` to close the connection unanswered."""
        with self.fault_lock:
            self.request_log.append({
                "method": method,
                "path": path,
                "idempotency_key": headers.get("Klarna-Idempotency-Key"),
                "user_agent": headers.get("User-Agent", ""),
            })
        fault = self._take_fault(method, path, after=False)
        if fault:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                raise Dropped()
            if fault.status:
                code = {429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR"}.get(
                    fault.status, "TEMPORARILY_UNAVAILABLE"
                )
                extra = {"X-Ratelimit-Reset": "1"} if fault.status == 429 else {}
                if isinstance(fault.headers, dict):
                    extra.update({str(k): str(v) for k, v in fault.headers.items()})
                return self._error(KlarnaFailure(fault.status, code, "Injected by simulator",
                                                 headers=extra))
        reply = self._dispatch(method, path, headers, raw_body)
        fault = self._take_fault(method, path, after=True)
        if fault:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                raise Dropped()
        return reply

    def _dispatch(self, method, path, headers, raw_body) -> Reply:
        merchant = self.authenticate(headers.get("Authorization", ""))
        if merchant is None:
            return self._error(KlarnaFailure(
                401, "UNAUTHORIZED", "Unauthorized: the credentials are not valid for this API",
                headers={"WWW-Authenticate": 'Basic realm="Klarna API"'},
            ))
        for route_method, pattern, name, takes_body, idempotent in _COMPILED:
            match = pattern.match(path)
            if not match or route_method != method:
                continue
            args = [merchant, *match.groups()]
            if takes_body:
                try:
                    args.append(json.loads(raw_body or b"null"))
                except ValueError:
                    return self._error(KlarnaFailure(400, "BAD_REQUEST", "Invalid JSON body"))
            key = headers.get("Klarna-Idempotency-Key") if idempotent else None
            if key:
                return self._idempotent(merchant, key, lambda: self._call(name, args))
            return self._call(name, args)
        if any(p.match(path) for _, p, *_ in _COMPILED):
            return self._error(KlarnaFailure(405, "METHOD_NOT_ALLOWED", "Method not allowed"))
        return self._error(KlarnaFailure(404, "NOT_FOUND", "Resource not found"))

    def _call(self, name: str, args) -> Reply:
        try:
            reply = getattr(self.state, name)(*args)
        except KlarnaFailure as failure:
            reply = self._error(failure)
        self._send_events()
        return reply

    def _idempotent(self, merchant: str, key: str, call: Callable[[], Reply]) -> Reply:
        state = self.state
        with state.lock:  # held through the call: a concurrent replay waits for the first
            stored = state.idempotency.get((merchant, key))
            if stored and time.monotonic() - stored[0] < IDEMPOTENCY_TTL:
                return stored[1]
            reply = call()
            if reply.status < 500:
                state.idempotency[(merchant, key)] = (time.monotonic(), reply)
            return reply

    @staticmethod
    def _error(failure: KlarnaFailure) -> Reply:
        correlation = str(uuid.uuid4())
        headers = dict(failure.headers)
        headers["Klarna-Correlation-Id"] = correlation
        return Reply(failure.status, {
            "error_code": failure.code,
            "error_messages": failure.messages,
            "correlation_id": correlation,
        }, headers)

    # -- callbacks -------------------------------------------------------------------------

    def _send_events(self):
        for event in self.state.take_events():
            thread = threading.Thread(
                target=self._deliver, args=(event["url"], event["payload"]), daemon=True
            )
            thread.start()
            self._callback_threads.append(thread)

    def _deliver(self, url: str, payload: dict):
        """POST a callback; like Klarna, 3 retries a few seconds apart on non-2xx."""
        for attempt in range(1, 5):
            status = None
            try:
                status = requests.post(url, json=payload, timeout=self.callback_timeout).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            with self.state.lock:
                self.state.callback_log.append(
                    {"url": url, "payload": payload, "attempt": attempt, "status": status}
                )
            if isinstance(status, int) and 200 <= status < 300:
                return
            time.sleep(self.callback_retry_delay)

    def wait_for_callbacks(self, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        for thread in list(self._callback_threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        self._callback_threads = [t for t in self._callback_threads if t.is_alive()]


def make_handler(sim: Simulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "KlarnaSimulator/1.0"
        # headers and body leave in one segment (flushed after each request); without
        # this, keep-alive clients wait ~40 ms per call on delayed ACKs
        wbufsize = -1
        disable_nagle_algorithm = True

        def setup(self):
            super().setup()
            with sim.fault_lock:
                sim.connections += 1

        def log_message(self, fmt, *args):  # quiet; the request log is kept in memory
            logger.debug("simulator: " + fmt, *args)

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(self, status: int, body: bytes, content_type: str, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def _api(self):
            raw = self._body()
            path = urlsplit(self.path).path
            try:
                reply = sim.handle(self.command, path, self.headers, raw)
            except Dropped:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            headers = {
                "Klarna-Correlation-Id": str(uuid.uuid4()),
                "X-Ratelimit-Limit": "50, 50;w=1",
                "X-Ratelimit-Remaining": "49",
                "X-Ratelimit-Reset": "1",
            }
            headers.update(reply.headers)
            body = b"" if reply.body is None else json.dumps(reply.body).encode()
            self._reply(reply.status, body, "application/json;charset=utf-8", headers)

        def _page(self):
            raw = self._body()
            split = urlsplit(self.path)
            form = parse_qs(raw.decode("utf-8", "replace")) if raw else {}
            if self.headers.get("Content-Type", "").startswith("application/json") and raw:
                try:
                    form = json.loads(raw)
                except ValueError:
                    form = {}
            result = pages.route(sim, self.command, split.path, parse_qs(split.query), form)
            status, content_type, body, headers = result
            self._reply(status, body.encode(), content_type, headers)

        def _route(self):
            path = urlsplit(self.path).path
            if path == "/" or path.startswith(("/_sim", "/pay/")):
                self._page()
            else:
                self._api()

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _route

    return Handler


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
