"""The simulator's Klarna: sessions, authorizations, tokens, hosted pages and orders.

Every API call is one method taking the merchant (API username) and returning a
``Reply``; failures raise ``KlarnaFailure`` carrying Klarna's error body. One lock
serialises all changes, so concurrent calls see Klarna's single-use and limit rules.
"""
import base64
import copy
import datetime
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .validation import check_order_body, normalised_lines

SESSION_LIFETIME = datetime.timedelta(hours=48)
AUTHORIZATION_LIFETIME = datetime.timedelta(minutes=60)
HPP_BEFORE_SESSION_END = datetime.timedelta(hours=1)
ORDER_AUTHORIZATION_DAYS = 28
ORDER_MAX_DAYS = 180
HPP_MODES = {"NONE", "PLACE_ORDER", "CAPTURE_ORDER"}
HPP_CATEGORIES = {"DIRECT_DEBIT", "DIRECT_BANK_TRANSFER", "PAY_NOW", "PAY_LATER",
                  "PAY_OVER_TIME", "KLARNA"}
HPP_PURCHASE_TYPES = {"BUY", "RENT", "BOOK", "SUBSCRIBE", "DOWNLOAD", "ORDER", "CONTINUE"}
HPP_FINAL = {"COMPLETED", "CANCELLED", "DISABLED"}
FRAUD_STATUSES = {"ACCEPTED", "PENDING", "REJECTED"}
# what a customer with no details of their own types into Klarna's page (Klarna's
# playground uses test persons like this one)
TEST_PERSON = {
    "given_name": "Test", "family_name": "Person", "email": "customer@email.example",
    "street_address": "Testgata 1", "postal_code": "0150", "city": "Oslo",
    "phone": "+4740123456",
}
# test hook action → status it leads to
HPP_ACTIONS = {
    "open": "IN_PROGRESS",
    "pay": "COMPLETED",
    "decline": "FAILED",
    "back": "BACK",
    "cancel": "CANCELLED",
    "error": "ERROR",
}
TOKEN_DECLINE_STATUS = {
    "TOKEN_NOT_FOUND": 404,
    "TOKEN_SUSPENDED": 403,
    "TOKEN_CANCELLED": 403,
    "TOKEN_FORBIDDEN": 403,
    "UNAVAILABLE_PAYMENT_METHOD": 403,
    "PAYMENT_METHOD_CURRENCY_MISMATCH": 403,
    "PAYMENT_METHOD_FAILED": 403,
    "BAD_REQUEST": 400,
    "INTERNAL_SERVER_ERROR": 500,
    "SERVICE_UNAVAILABLE": 503,
}
CATEGORIES = [
    ("pay_later", "Pay later"),
    ("pay_over_time", "Financing"),
    ("pay_now", "Pay now"),
]
ASSET = "https://x.klarnacdn.net/payment-method/assets/badges/generic/klarna.svg"


class KlarnaFailure(Exception):
    def __init__(self, status: int, code: str, *messages: str, headers=None):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.messages = list(messages) or [code]
        self.headers = headers or {}


def bad_value(paths: List[str], status=400) -> KlarnaFailure:
    return KlarnaFailure(status, "BAD_VALUE", *[f"Bad value: {p}" for p in paths])


@dataclass
class Reply:
    status: int = 200
    body: Optional[dict] = None
    headers: Dict[str, str] = field(default_factory=dict)


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _new_id() -> str:
    return str(uuid.uuid4())


def _client_token(session_id: str) -> str:
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return ".".join(
        [part({"alg": "RS256", "kid": "simulator"}), part({"session_id": session_id}), "c2ltdWxhdG9y"]
    )


class SimulatorState:
    def __init__(self, base_url: str = "http://127.0.0.1"):
        self.lock = threading.RLock()
        self.base_url = base_url
        self.clock_offset = datetime.timedelta()
        self.reset()

    def reset(self):
        with self.lock:
            self.sessions: Dict[str, dict] = {}
            self.authorizations: Dict[str, dict] = {}
            self.tokens: Dict[str, dict] = {}
            self.hpp: Dict[str, dict] = {}
            self.orders: Dict[str, dict] = {}
            self.idempotency: Dict[tuple, Reply] = {}
            self.outbox: List[dict] = []
            self.token_declines: Dict[str, List[str]] = {}
            self.events: List[dict] = []  # callbacks to send: picked up by the server
            self.callback_log: List[dict] = []
            self.clock_offset = datetime.timedelta()
            self.charge_count = 0

    # -- time ----------------------------------------------------------------------------

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc) + self.clock_offset

    def advance(self, seconds: float):
        with self.lock:
            self.clock_offset += datetime.timedelta(seconds=seconds)

    # -- helpers -------------------------------------------------------------------------

    def _owned(self, store: dict, key: str, merchant: str, failure: KlarnaFailure) -> dict:
        item = store.get(key)
        if item is None or item["merchant"] != merchant:
            raise failure
        return item

    def _session(self, merchant, session_id) -> dict:
        session = self._owned(
            self.sessions, session_id, merchant,
            KlarnaFailure(404, "NOT_FOUND", "Invalid session id"),
        )
        if self.now() > session["expires_at"]:
            raise KlarnaFailure(404, "NOT_FOUND", "Session has expired")
        return session

    def _session_view(self, session: dict) -> dict:
        view = copy.deepcopy(session["data"])
        view.update(
            session_id=session["session_id"],
            client_token=session["client_token"],
            status=session["status"],
            expires_at=iso(session["expires_at"]),
            payment_method_categories=self._categories(),
        )
        if session.get("authorization_token"):
            view["authorization_token"] = session["authorization_token"]
        return view

    def _categories(self):
        return [
            {"identifier": ident, "name": name,
             "asset_urls": {"descriptive": ASSET, "standard": ASSET}}
            for ident, name in CATEGORIES
        ]

    # -- Klarna Payments -------------------------------------------------------------------

    def create_session(self, merchant: str, data) -> Reply:
        bad = check_order_body(
            data,
            required=("purchase_country", "purchase_currency", "order_amount", "order_lines"),
        )
        if bad:
            raise bad_value(bad)
        with self.lock:
            session_id = _new_id()
            self.sessions[session_id] = {
                "merchant": merchant,
                "session_id": session_id,
                "client_token": _client_token(session_id),
                "data": copy.deepcopy(data),
                "status": "incomplete",
                "created_at": self.now(),
                "expires_at": self.now() + SESSION_LIFETIME,
                "authorization_token": "",
            }
            return Reply(200, {
                "session_id": session_id,
                "client_token": self.sessions[session_id]["client_token"],
                "payment_method_categories": self._categories(),
            })

    def read_session(self, merchant, session_id) -> Reply:
        with self.lock:
            return Reply(200, self._session_view(self._session(merchant, session_id)))

    def update_session(self, merchant, session_id, data) -> Reply:
        with self.lock:
            session = self._session(merchant, session_id)
            if session["status"] == "complete":
                raise KlarnaFailure(404, "SESSION_COMPLETED", "Session is already completed")
            if not isinstance(data, dict):
                raise bad_value(["body"])
            merged = dict(session["data"], **data)
            bad = check_order_body(merged)
            if bad:
                raise bad_value(bad)
            session["data"] = merged
            return Reply(204)

    def authorize_session(
        self, session_id: str, *, approved: bool = True, fraud_status: str = "ACCEPTED",
        billing_address: Optional[dict] = None, shipping_address: Optional[dict] = None,
    ) -> dict:
        """The browser step (``Klarna.Payments.authorize``): approve or decline a session."""
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or self.now() > session["expires_at"]:
                raise KlarnaFailure(404, "NOT_FOUND", "Invalid session id")
            if session["status"] == "complete":
                raise KlarnaFailure(404, "SESSION_COMPLETED", "Session is already completed")
            if not approved:
                return {"approved": False, "show_form": True}
            data = copy.deepcopy(session["data"])
            if billing_address is not None:
                data["billing_address"] = billing_address
            if shipping_address is not None:
                data["shipping_address"] = shipping_address
            token = _new_id()
            self.authorizations[token] = {
                "merchant": session["merchant"],
                "token": token,
                "session_id": session_id,
                "data": data,
                "expires_at": self.now() + AUTHORIZATION_LIFETIME,
                "order_id": "",
                "token_id": "",
                "fraud_status": fraud_status,
                "cancelled": False,
            }
            session["authorization_token"] = token
            urls = data.get("merchant_urls") or {}
            if urls.get("authorization"):
                self._queue_callback(
                    urls["authorization"], {"authorization_token": token, "session_id": session_id}
                )
            return {"approved": True, "authorization_token": token, "session_id": session_id}

    def _authorization(self, merchant, token) -> dict:
        auth = self.authorizations.get(token)
        if (
            auth is None
            or auth["merchant"] != merchant
            or auth["cancelled"]
            or self.now() > auth["expires_at"]
        ):
            raise KlarnaFailure(404, "NOT_FOUND", "Invalid authorization token")
        return auth

    def create_order(self, merchant, token, data) -> Reply:
        bad = check_order_body(
            data,
            required=("purchase_country", "purchase_currency", "order_amount", "order_lines"),
        )
        if bad:
            raise bad_value(bad)
        with self.lock:
            auth = self._authorization(merchant, token)
            if auth["order_id"]:
                raise KlarnaFailure(404, "NOT_FOUND", "Invalid authorization token")
            mismatched = self._mismatched(auth["data"], data)
            if mismatched:
                raise KlarnaFailure(
                    409, "BAD_VALUE", "Not matching fields: [%s]" % ", ".join(mismatched)
                )
            order = self._new_order(merchant, data, auth["fraud_status"])
            auth["order_id"] = order["order_id"]
            session = self.sessions.get(auth["session_id"])
            if session:
                session["status"] = "complete"
            return Reply(200, self._order_created(order))

    @staticmethod
    def _mismatched(authorized: dict, placed: dict) -> List[str]:
        fields = []
        for name in ("purchase_country", "purchase_currency"):
            if str(authorized.get(name, "")).upper() != str(placed.get(name, "")).upper():
                fields.append(name)
        if authorized.get("order_amount") != placed.get("order_amount"):
            fields.append("order_amount")
        old, new = authorized.get("order_lines") or [], placed.get("order_lines") or []
        if len(old) != len(new):
            fields.append(
                f"Incorrect number of items in the cart. Expected: {len(old)}, Actual: {len(new)}"
            )
        elif normalised_lines(old) != normalised_lines(new):
            fields.append("order_lines")
        for name in ("billing_address", "shipping_address"):
            if placed.get(name) and authorized.get(name) and placed[name] != authorized[name]:
                fields.append(name)
        return fields

    def cancel_authorization(self, merchant, token) -> Reply:
        with self.lock:
            auth = self._authorization(merchant, token)
            auth["cancelled"] = True
            return Reply(204)

    # -- customer tokens -------------------------------------------------------------------

    def create_customer_token(self, merchant, token, data) -> Reply:
        if not isinstance(data, dict):
            raise bad_value(["body"])
        bad = [name for name in ("description", "intended_use", "locale", "purchase_country",
                                 "purchase_currency") if not data.get(name)]
        if data.get("intended_use") not in (None, "SUBSCRIPTION"):
            bad.append("intended_use")
        if data.get("description") and len(str(data["description"])) > 255:
            bad.append("description")
        if bad:
            raise bad_value(bad)
        with self.lock:
            auth = self._authorization(merchant, token)
            if auth["token_id"]:
                raise KlarnaFailure(404, "NOT_FOUND", "Invalid authorization token")
            if auth["data"].get("intent") not in ("tokenize", "buy_and_tokenize"):
                raise KlarnaFailure(
                    403, "INVALID_OPERATION", "The authorization was not made for tokenization"
                )
            mismatched = [
                name for name in ("purchase_country", "purchase_currency")
                if str(auth["data"].get(name, "")).upper() != str(data[name]).upper()
            ]
            if mismatched:
                raise KlarnaFailure(
                    409, "BAD_VALUE", "Not matching fields: [%s]" % ", ".join(mismatched)
                )
            token_id = _new_id()
            billing = data.get("billing_address") or auth["data"].get("billing_address")
            self.tokens[token_id] = {
                "merchant": merchant,
                "token_id": token_id,
                "status": "ACTIVE",
                "payment_method_type": "INVOICE",
                "currency": data["purchase_currency"].upper(),
                "country": data["purchase_country"].upper(),
                "billing_address": billing,
                "created_at": self.now(),
            }
            auth["token_id"] = token_id
            return Reply(200, {
                "token_id": token_id,
                "redirect_url": f"{self.base_url}/pay/tokens/{token_id}",
                "billing_address": billing,
            })

    def _token(self, merchant, token_id) -> dict:
        return self._owned(
            self.tokens, token_id, merchant,
            KlarnaFailure(404, "TOKEN_NOT_FOUND", "Invalid customer-token ID"),
        )

    def read_customer_token(self, merchant, token_id) -> Reply:
        with self.lock:
            token = self._owned(
                self.tokens, token_id, merchant,
                KlarnaFailure(404, "NOT_FOUND", "Invalid customer-token ID"),
            )
            return Reply(200, {
                "status": token["status"],
                "payment_method_type": token["payment_method_type"],
            })

    def create_token_order(self, merchant, token_id, data) -> Reply:
        bad = check_order_body(
            data,
            required=("order_amount", "order_lines", "order_tax_amount", "purchase_currency"),
            min_amount=1,
        )
        if bad:
            raise bad_value(bad)
        with self.lock:
            token = self._token(merchant, token_id)
            if token["status"] == "CANCELLED":
                raise KlarnaFailure(403, "TOKEN_CANCELLED", "The customer token is cancelled")
            if token["status"] == "SUSPENDED":
                raise KlarnaFailure(403, "TOKEN_SUSPENDED", "The customer token is suspended")
            if data["purchase_currency"].upper() != token["currency"]:
                raise KlarnaFailure(
                    403, "PAYMENT_METHOD_CURRENCY_MISMATCH",
                    "The currency is not supported by the payment method",
                )
            declines = self.token_declines.get(token_id) or []
            if declines:
                code = declines.pop(0)
                status = TOKEN_DECLINE_STATUS.get(code, 403)
                raise KlarnaFailure(status, code, "Purchase declined by the simulator" if
                                    status == 403 else code)
            order = self._new_order(
                merchant, dict(data, purchase_country=data.get("purchase_country")
                               or token["country"]), "ACCEPTED",
            )
            order["customer_token"] = token_id
            return Reply(200, self._order_created(order))

    def set_token_status(self, merchant, token_id, data) -> Reply:
        status = data.get("status") if isinstance(data, dict) else None
        if status != "CANCELLED":
            raise bad_value(["status"])
        with self.lock:
            token = self._owned(
                self.tokens, token_id, merchant,
                KlarnaFailure(404, "NOT_FOUND", "Invalid token ID"),
            )
            token["status"] = "CANCELLED"
            return Reply(202)

    def decline_token_orders(self, token_id: str, error_code: str = "PAYMENT_METHOD_FAILED",
                             times: int = 1):
        """Test hook: the next ``times`` charges of a token fail with ``error_code``."""
        with self.lock:
            self.token_declines.setdefault(token_id, []).extend([error_code] * times)

    def force_token_status(self, token_id: str, status: str):
        """Test hook: Klarna (or the customer) cancels or suspends a token."""
        with self.lock:
            self.tokens[token_id]["status"] = status

    # -- hosted payment page ---------------------------------------------------------------

    def create_hpp_session(self, merchant, data) -> Reply:
        if not isinstance(data, dict) or not isinstance(data.get("payment_session_url"), str):
            raise bad_value(["payment_session_url"])
        options = data.get("options") or {}
        urls = data.get("merchant_urls") or {}
        bad = []
        if not isinstance(options, dict):
            bad.append("options")
            options = {}
        if not isinstance(urls, dict):
            bad.append("merchant_urls")
            urls = {}
        mode = options.get("place_order_mode", "NONE")
        if mode not in HPP_MODES:
            bad.append("options.place_order_mode")
        if "payment_method_category" in options and "payment_method_categories" in options:
            bad.append("options.payment_method_categories")
        category = options.get("payment_method_category")
        if category is not None and category not in HPP_CATEGORIES:
            bad.append("options.payment_method_category")
        categories = options.get("payment_method_categories")
        if categories is not None and (
            not isinstance(categories, list) or not set(categories) <= HPP_CATEGORIES
        ):
            bad.append("options.payment_method_categories")
        if options.get("purchase_type") not in (None, *HPP_PURCHASE_TYPES):
            bad.append("options.purchase_type")
        for name, value in urls.items():
            if name not in ("success", "cancel", "back", "failure", "error", "status_update") \
                    or not _is_url(value):
                bad.append(f"merchant_urls.{name}")
        if bad:
            raise bad_value(bad)
        session_id = data["payment_session_url"].rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            session = self.sessions.get(session_id)
            if (
                "/payments/v1/sessions/" not in data["payment_session_url"]
                or session is None
                or session["merchant"] != merchant
                or self.now() > session["expires_at"]
                or session["status"] == "complete"
            ):
                raise KlarnaFailure(404, "NOT_FOUND", "Payment session has expired.")
            hpp_id = _new_id()
            expires = session["expires_at"] - HPP_BEFORE_SESSION_END
            self.hpp[hpp_id] = {
                "merchant": merchant,
                "session_id": hpp_id,
                "payment_session_id": session_id,
                "status": "WAITING",
                "mode": mode,
                "merchant_urls": dict(urls),
                "options": dict(options),
                "updated_at": self.now(),
                "expires_at": expires,
                "authorization_token": "",
                "order_id": "",
                "klarna_reference": "",
                "event_seq": 0,
            }
            session_url = f"{self.base_url}/hpp/v1/sessions/{hpp_id}"
            return Reply(201, {
                "session_id": hpp_id,
                "session_url": session_url,
                "redirect_url": f"{self.base_url}/pay/hpp/{hpp_id}",
                "qr_code_url": f"{self.base_url}/pay/hpp/{hpp_id}/qr",
                "distribution_url": f"{session_url}/distribution",
                "expires_at": iso(expires),
                "manual_identification_check_url": f"{session_url}/manual-id-check",
                "distribution_module": {
                    "generation_url": f"{self.base_url}/pay/hpp/{hpp_id}/module",
                    "standalone_url": f"{self.base_url}/pay/hpp/{hpp_id}",
                    "token": hpp_id[:8],
                },
            })

    def _hpp(self, merchant, hpp_id) -> dict:
        hpp = self._owned(
            self.hpp, hpp_id, merchant,
            KlarnaFailure(404, "NOT_FOUND", "HPP session expired or could not be found"),
        )
        if self.now() > hpp["expires_at"] and hpp["status"] not in HPP_FINAL:
            raise KlarnaFailure(404, "NOT_FOUND", "HPP session expired or could not be found")
        return hpp

    def _hpp_view(self, hpp) -> dict:
        view = {
            "session_id": hpp["session_id"],
            "status": hpp["status"],
            "updated_at": iso(hpp["updated_at"]),
            "expires_at": iso(hpp["expires_at"]),
        }
        if hpp["authorization_token"]:
            view["authorization_token"] = hpp["authorization_token"]
        if hpp["order_id"]:
            view["order_id"] = hpp["order_id"]
            view["klarna_reference"] = hpp["klarna_reference"]
        return view

    def read_hpp_session(self, merchant, hpp_id) -> Reply:
        with self.lock:
            return Reply(200, self._hpp_view(self._hpp(merchant, hpp_id)))

    def distribute_hpp_session(self, merchant, hpp_id, data) -> Reply:
        if not isinstance(data, dict) or data.get("method") not in ("sms", "email", "token"):
            raise bad_value(["method"])
        contact = data.get("contact_information")
        if not isinstance(contact, dict):
            raise KlarnaFailure(400, "MISSING_CONTACT_DATA", "contact_information is missing")
        method = data["method"]
        if method == "sms":
            phone = str(contact.get("phone") or "")
            if not contact.get("phone_country") or not phone:
                raise KlarnaFailure(400, "MISSING_CONTACT_DATA", "phone and phone_country needed")
            digits = phone.replace(" ", "").lstrip("+")
            if not digits.isdigit() or not 5 <= len(digits) <= 15:
                raise bad_value(["contact_information.phone"])
            if not _is_country(contact["phone_country"]):
                raise bad_value(["contact_information.phone_country"])
            recipient = phone
        elif method == "email":
            email = str(contact.get("email") or "")
            if not email:
                raise KlarnaFailure(400, "MISSING_CONTACT_DATA", "email needed")
            if "@" not in email or len(email) > 254:
                raise bad_value(["contact_information.email"])
            recipient = email
        else:
            recipient = str(contact.get("access_id") or "")
            if not recipient:
                raise KlarnaFailure(400, "MISSING_CONTACT_DATA", "access_id needed")
        with self.lock:
            hpp = self._hpp(merchant, hpp_id)
            if hpp["status"] in HPP_FINAL:
                raise KlarnaFailure(
                    400, "UNKNOWN", "The session is disabled by merchant or already completed"
                )
            link = f"{self.base_url}/pay/hpp/{hpp_id}"
            hpp["contact"] = {"email": recipient} if method == "email" else (
                {"phone": recipient} if method == "sms" else {})
            self.outbox.append({
                "id": len(self.outbox) + 1,
                "method": method,
                "to": recipient,
                "phone_country": contact.get("phone_country", ""),
                "session_id": hpp_id,
                "link": link,
                "text": f"Complete your purchase with Klarna: {link}",
                "sent_at": iso(self.now()),
            })
            return Reply(201)

    def disable_hpp_session(self, merchant, hpp_id) -> Reply:
        with self.lock:
            hpp = self._owned(
                self.hpp, hpp_id, merchant,
                KlarnaFailure(404, "NOT_FOUND", "HPP session expired or could not be found"),
            )
            if hpp["status"] == "COMPLETED":
                raise KlarnaFailure(
                    400, "INVALID_OPERATION", "HPP session has already been successfully completed."
                )
            if hpp["status"] != "DISABLED":
                self._hpp_status(hpp, "DISABLED")
            return Reply(204)

    def hpp_action(self, hpp_id: str, action: str, *, fraud_status: str = "ACCEPTED",
                   billing_address: Optional[dict] = None,
                   shipping_address: Optional[dict] = None) -> dict:
        """Test hook / payment page: what the customer does on the hosted page. Paying
        takes the customer's details (Klarna asks for them; a test person by default) and
        the fraud status Klarna gives the order (``PENDING``: held for review)."""
        if fraud_status not in FRAUD_STATUSES:
            raise KlarnaFailure(400, "BAD_VALUE", "Bad value: fraud_status")
        if action not in HPP_ACTIONS:
            raise KlarnaFailure(400, "BAD_VALUE", f"Bad value: action {action}")
        with self.lock:
            hpp = self.hpp.get(hpp_id)
            if hpp is None:
                raise KlarnaFailure(404, "NOT_FOUND", "HPP session could not be found")
            if hpp["status"] in HPP_FINAL:
                raise KlarnaFailure(409, "CONFLICT", f"The session is {hpp['status']}")
            if self.now() > hpp["expires_at"]:
                raise KlarnaFailure(404, "NOT_FOUND", "HPP session has expired")
            if action == "pay":
                self._pay_hpp(hpp, fraud_status, billing_address, shipping_address)
            target = HPP_ACTIONS[action]
            if hpp["status"] != target:
                self._hpp_status(hpp, target)
            return self._hpp_view(hpp)

    def _pay_hpp(self, hpp, fraud_status, billing_address, shipping_address):
        session = self.sessions[hpp["payment_session_id"]]
        billing = billing_address or session["data"].get("billing_address") or \
            self._test_person(session["data"], hpp.get("contact") or {})
        result = self.authorize_session(
            session["session_id"], fraud_status=fraud_status, billing_address=billing,
            shipping_address=shipping_address or session["data"].get("shipping_address"))
        token = result["authorization_token"]
        if hpp["mode"] == "NONE":
            hpp["authorization_token"] = token
            return
        auth = self.authorizations[token]
        data = dict(auth["data"], auto_capture=hpp["mode"] == "CAPTURE_ORDER")
        order = self._new_order(hpp["merchant"], data, fraud_status)
        auth["order_id"] = order["order_id"]
        session["status"] = "complete"
        hpp["order_id"] = order["order_id"]
        hpp["klarna_reference"] = order["klarna_reference"]

    @staticmethod
    def _test_person(data: dict, contact: dict) -> dict:
        """The details a customer types into Klarna's page, when a test gives none."""
        country = str(data.get("purchase_country") or "NO").upper()
        person = dict(TEST_PERSON, country=country)
        if contact.get("email"):
            person["email"] = contact["email"]
        if contact.get("phone"):
            person["phone"] = contact["phone"]
        return person

    def _hpp_status(self, hpp, status):
        hpp["status"] = status
        hpp["updated_at"] = self.now()
        hpp["event_seq"] += 1
        url = hpp["merchant_urls"].get("status_update")
        if url:
            event = {"event_id": f"{hpp['session_id']}-{hpp['event_seq']}",
                     "session": self._hpp_view(hpp)}
            self._queue_callback(self._placeholders(url, hpp), event)

    @staticmethod
    def _placeholders(url: str, hpp: dict) -> str:
        return (
            url.replace("{{session_id}}", hpp["session_id"])
            .replace("{{authorization_token}}", hpp["authorization_token"])
            .replace("{{order_id}}", hpp["order_id"])
        )

    def hpp_redirect(self, hpp_id: str) -> str:
        """Where the customer's browser goes after the page (merchant_urls by status)."""
        with self.lock:
            hpp = self.hpp[hpp_id]
            name = {"COMPLETED": "success", "CANCELLED": "cancel", "BACK": "back",
                    "FAILED": "failure", "ERROR": "error"}.get(hpp["status"])
            url = hpp["merchant_urls"].get(name or "", "")
            if not url and name == "error":
                url = hpp["merchant_urls"].get("failure", "")
            return self._placeholders(url, hpp) if url else ""

    def _queue_callback(self, url: str, payload: dict):
        self.events.append({"url": url, "payload": payload})

    def take_events(self) -> List[dict]:
        with self.lock:
            events, self.events = self.events, []
            return events

    # -- order management ------------------------------------------------------------------

    def _new_order(self, merchant, data, fraud_status) -> dict:
        now = self.now()
        order_id = _new_id()
        order = {
            "merchant": merchant,
            "order_id": order_id,
            "status": "AUTHORIZED",
            "fraud_status": fraud_status,
            "order_amount": data["order_amount"],
            "original_order_amount": data["order_amount"],
            "order_tax_amount": data.get("order_tax_amount", 0),
            "captured_amount": 0,
            "refunded_amount": 0,
            "released": False,
            "purchase_currency": data["purchase_currency"].upper(),
            "purchase_country": (data.get("purchase_country") or "").upper(),
            "locale": data.get("locale", ""),
            "order_lines": copy.deepcopy(data.get("order_lines") or []),
            "merchant_reference1": data.get("merchant_reference1", ""),
            "merchant_reference2": data.get("merchant_reference2", ""),
            "klarna_reference": order_id.replace("-", "")[:8].upper(),
            "billing_address": data.get("billing_address"),
            "shipping_address": data.get("shipping_address"),
            "created_at": now,
            "expires_at": now + datetime.timedelta(days=ORDER_AUTHORIZATION_DAYS),
            "captures": [],
            "refunds": [],
            "notification_url": str((data.get("merchant_urls") or {}).get("notification") or "")
            .replace("{order.id}", order_id),
        }
        self.orders[order_id] = order
        self.charge_count += 1
        # an order held for a fraud review is not captured by auto_capture (assumption:
        # Klarna asks merchants not to capture while PENDING); the merchant captures later
        if data.get("auto_capture") and fraud_status == "ACCEPTED":
            self._capture(order, data["order_amount"], "", "")
        return order

    def decide_fraud(self, order_id: str, decision: str) -> dict:
        """Test hook: Klarna's review of a PENDING order ends; Klarna notifies the merchant's
        ``merchant_urls.notification`` with ``{order_id, event_type}``. A rejected order is
        cancelled by Klarna."""
        if decision not in ("ACCEPTED", "REJECTED"):
            raise KlarnaFailure(400, "BAD_VALUE", "Bad value: decision")
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                raise KlarnaFailure(404, "NO_SUCH_ORDER", f"Order {order_id} cannot be found")
            if order["fraud_status"] != "PENDING":
                raise KlarnaFailure(409, "CONFLICT", f"The order is {order['fraud_status']}")
            order["fraud_status"] = decision
            if decision == "REJECTED" and not order["captures"]:
                order["status"] = "CANCELLED"
            if order["notification_url"]:
                self._queue_callback(order["notification_url"], {
                    "order_id": order_id, "event_type": f"FRAUD_RISK_{decision}"})
            return self._order_view(order)

    def _order_created(self, order) -> dict:
        return {
            "order_id": order["order_id"],
            "fraud_status": order["fraud_status"],
            "redirect_url": f"{self.base_url}/pay/orders/{order['order_id']}",
            "authorized_payment_method": {"type": "invoice", "number_of_days": 14},
        }

    def _order(self, merchant, order_id) -> dict:
        order = self._owned(
            self.orders, order_id, merchant,
            KlarnaFailure(404, "NO_SUCH_ORDER", f"Order {order_id} cannot be found"),
        )
        if order["status"] in ("AUTHORIZED", "PART_CAPTURED") and self.now() > order["expires_at"]:
            order["status"] = "EXPIRED"
        return order

    @staticmethod
    def _remaining(order) -> int:
        if order["status"] in ("CANCELLED", "EXPIRED") or order["released"]:
            return 0
        return order["order_amount"] - order["captured_amount"]

    def _order_view(self, order) -> dict:
        view = {key: copy.deepcopy(value) for key, value in order.items()
                if key not in ("merchant", "released", "customer_token", "notification_url")}
        view["remaining_authorized_amount"] = self._remaining(order)
        view["created_at"] = iso(order["created_at"])
        view["expires_at"] = iso(order["expires_at"])
        view["initial_payment_method"] = {"type": "INVOICE", "description": "Pay later"}
        return view

    def read_order(self, merchant, order_id) -> Reply:
        with self.lock:
            return Reply(200, self._order_view(self._order(merchant, order_id)))

    def _capture(self, order, amount, description, reference) -> dict:
        capture = {
            "capture_id": _new_id(),
            "klarna_reference": order["klarna_reference"] + f"-{len(order['captures']) + 1}",
            "captured_amount": amount,
            "captured_at": iso(self.now()),
            "description": description,
            "reference": reference,
            "refunded_amount": 0,
            "order_lines": [],
        }
        order["captures"].append(capture)
        order["captured_amount"] += amount
        order["status"] = (
            "CAPTURED" if order["captured_amount"] >= order["order_amount"] else "PART_CAPTURED"
        )
        return capture

    def capture_order(self, merchant, order_id, data) -> Reply:
        amount = data.get("captured_amount") if isinstance(data, dict) else None
        if not _is_int(amount) or not 0 <= amount <= 200_000_000:
            raise bad_value(["captured_amount"])
        with self.lock:
            order = self._order(merchant, order_id)
            if order["status"] in ("CANCELLED", "EXPIRED", "CLOSED"):
                raise KlarnaFailure(
                    403, "CAPTURE_NOT_ALLOWED",
                    f"Order {order_id} is {order['status'].lower()}. Capture not possible.",
                )
            if amount > self._remaining(order):
                raise KlarnaFailure(
                    403, "CAPTURE_NOT_ALLOWED",
                    "Captured amount is higher than the remaining authorized amount.",
                )
            capture = self._capture(
                order, amount, data.get("description", ""), data.get("reference", "")
            )
            location = f"{self.base_url}/ordermanagement/v1/orders/{order_id}/captures/" \
                       f"{capture['capture_id']}"
            return Reply(201, None, {"Capture-Id": capture["capture_id"], "Location": location})

    def read_capture(self, merchant, order_id, capture_id) -> Reply:
        with self.lock:
            order = self._order(merchant, order_id)
            for capture in order["captures"]:
                if capture["capture_id"] == capture_id:
                    return Reply(200, copy.deepcopy(capture))
            raise KlarnaFailure(404, "NO_SUCH_CAPTURE", f"Capture {capture_id} cannot be found")

    def list_captures(self, merchant, order_id) -> Reply:
        with self.lock:
            return Reply(200, copy.deepcopy(self._order(merchant, order_id)["captures"]))

    def refund_order(self, merchant, order_id, data) -> Reply:
        amount = data.get("refunded_amount") if isinstance(data, dict) else None
        if not _is_int(amount) or not 0 < amount <= 200_000_000:
            raise bad_value(["refunded_amount"])
        with self.lock:
            order = self._order(merchant, order_id)
            if not order["captures"]:
                raise KlarnaFailure(
                    403, "REFUND_NOT_ALLOWED", "Order has no captures. Refund not possible"
                )
            if order["refunded_amount"] + amount > order["captured_amount"]:
                raise KlarnaFailure(
                    403, "REFUND_NOT_ALLOWED",
                    "Refunded amount is higher than the captured amount. Refund not possible",
                )
            refund = {
                "refund_id": _new_id(),
                "refunded_amount": amount,
                "refunded_at": iso(self.now()),
                "description": data.get("description", ""),
                "reference": data.get("reference", ""),
                "order_lines": data.get("order_lines") or [],
            }
            order["refunds"].append(refund)
            order["refunded_amount"] += amount
            location = f"{self.base_url}/ordermanagement/v1/orders/{order_id}/refunds/" \
                       f"{refund['refund_id']}"
            return Reply(201, None, {"Refund-Id": refund["refund_id"], "Location": location})

    def cancel_order(self, merchant, order_id) -> Reply:
        with self.lock:
            order = self._order(merchant, order_id)
            if order["captures"]:
                raise KlarnaFailure(
                    403, "CANCEL_NOT_ALLOWED", "Order has previous captures. Cancel not possible"
                )
            if order["status"] != "AUTHORIZED":
                raise KlarnaFailure(
                    403, "CANCEL_NOT_ALLOWED",
                    f"Order is {order['status'].lower()}. Cancel not possible",
                )
            order["status"] = "CANCELLED"
            return Reply(204)

    def release_remaining_authorization(self, merchant, order_id) -> Reply:
        with self.lock:
            order = self._order(merchant, order_id)
            if order["status"] == "CANCELLED" or not order["captures"]:
                raise KlarnaFailure(
                    403, "NOT_ALLOWED", "Can not release when order is cancelled or has no captures"
                )
            order["released"] = True
            order["status"] = "CLOSED" if order["status"] == "PART_CAPTURED" else order["status"]
            return Reply(204)

    def extend_authorization_time(self, merchant, order_id) -> Reply:
        with self.lock:
            order = self._order(merchant, order_id)
            if order["status"] == "EXPIRED":
                raise KlarnaFailure(
                    403, "NOT_ALLOWED", "Order is expired. Authorization time cannot be extended."
                )
            if order["status"] in ("CANCELLED", "CLOSED", "CAPTURED"):
                raise KlarnaFailure(
                    403, "NOT_ALLOWED",
                    f"Order is {order['status'].lower()}. Authorization time cannot be extended.",
                )
            today = self.now().replace(hour=23, minute=59, second=59, microsecond=0)
            latest = order["created_at"] + datetime.timedelta(days=ORDER_MAX_DAYS)
            order["expires_at"] = min(
                today + datetime.timedelta(days=ORDER_AUTHORIZATION_DAYS), latest
            )
            return Reply(204)

    def update_merchant_references(self, merchant, order_id, data) -> Reply:
        if not isinstance(data, dict):
            raise bad_value(["body"])
        bad = [name for name in ("merchant_reference1", "merchant_reference2")
               if data.get(name) is not None and not _string_max(data[name], 255)]
        if bad:
            raise bad_value(bad)
        with self.lock:
            order = self._order(merchant, order_id)
            for name in ("merchant_reference1", "merchant_reference2"):
                if data.get(name) is not None:
                    order[name] = data[name]
            return Reply(204)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _string_max(value, limit) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _is_url(value) -> bool:
    return isinstance(value, str) and len(value) <= 2000 and value.startswith(("http://", "https://"))


def _is_country(value) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isalpha()
