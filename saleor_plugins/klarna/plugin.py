"""Klarna as a Saleor payment gateway: Saleor's payment calls → ``payments``."""
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..core import checkout_completion
from ..core.config import ConfigError, ConfigField
from ..core.plugin import PackagePlugin
from . import errors, payments
from .client import stable_idempotency_key
from .endpoints import REGIONS, is_allowed_base_url

logger = logging.getLogger(__name__)


def _check_url(value):
    # the credentials go wherever this points: only Klarna's hosts, or a local simulator
    # where the shop's settings allow one
    if not value:
        return
    allow_loopback = payments.simulator_allowed()
    if is_allowed_base_url(value, allow_loopback=allow_loopback):
        return
    if allow_loopback:
        raise ConfigError(_("Enter one of Klarna's API addresses (https://api.klarna.com, "
                            "https://api.playground.klarna.com, ...) or a simulator on this "
                            "machine (http://127.0.0.1:port), or leave it empty."))
    raise ConfigError(_("Enter one of Klarna's API addresses (https://api.klarna.com, "
                        "https://api.playground.klarna.com, ...), or leave it empty."))


class KlarnaGatewayPlugin(PackagePlugin):
    PLUGIN_ID = payments.GATEWAY_ID
    PLUGIN_NAME = "Klarna"
    PLUGIN_DESCRIPTION = (
        "Klarna Payments for checkouts (pay later, financing, pay now), customer tokens for "
        "subscriptions, and capture, refund and void through Klarna Order Management."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField("username", "string", "", "API username",
                    "Klarna API username (e.g. K123456_abcd12345 or PK…) for the region below."),
        ConfigField("password", "password", "", "API password", "Klarna API shared secret."),
        ConfigField("region", "string", "EU", "Region", "EU, NA (US, CA) or OC (AU, NZ).",
                    choices=REGIONS),
        ConfigField("playground", "boolean", True, "Playground (test) environment",
                    "Use Klarna's playground; switch off for live payments."),
        ConfigField("api_url", "string", "", "API base URL override",
                    "Leave empty to use Klarna's address for the region. Only Klarna's own "
                    "https API hosts are accepted, and a simulator on this machine where the "
                    "shop's settings allow one (tests, the demo).",
                    check=_check_url),
        ConfigField("auto_capture", "boolean", False, "Automatic payment capture",
                    "Capture when the order is placed (digital goods, in-store). Otherwise "
                    "staff capture from the order (orderCapture) when it ships."),
        ConfigField("default_country", "string", "NO", "Default purchase country",
                    "Used while a checkout has no address yet (ISO code)."),
        ConfigField("token_description", "string", "Subscription", "Customer token description",
                    "Shown to the customer by Klarna for stored payment agreements."),
        ConfigField("timeout_seconds", "integer", 10, "Request timeout (seconds)", "",
                    min_value=1, max_value=60),
    )

    @classmethod
    def clean_config(cls, config):
        if len(config.default_country) != 2 or not config.default_country.isalpha():
            raise ValidationError({"default_country": _("Enter a two-letter country code.")})

    @property
    def configured(self) -> bool:
        return bool(self.config.username and self.config.password)

    def _ready(self, payment_information, kind):
        if self.configured:
            return None
        return payments._failure(
            payment_information, kind, _("Klarna payments are not set up correctly in this shop.")
        )

    # Saleor requires process_payment on the concrete class to list the gateway.
    def process_payment(self, payment_information, previous_value):
        kind = "capture" if self.config.auto_capture else "auth"
        return self._ready(payment_information, kind) or payments.place_checkout_order(
            self.config, payment_information, auto_capture=self.config.auto_capture
        )

    def authorize_payment(self, payment_information, previous_value):
        return self._ready(payment_information, "auth") or payments.place_checkout_order(
            self.config, payment_information, auto_capture=False
        )

    def capture_payment(self, payment_information, previous_value):
        return self._ready(payment_information, "capture") or payments.capture(
            self.config, payment_information
        )

    def refund_payment(self, payment_information, previous_value):
        return self._ready(payment_information, "refund") or payments.refund(
            self.config, payment_information
        )

    def void_payment(self, payment_information, previous_value):
        return self._ready(payment_information, "void") or payments.void(
            self.config, payment_information
        )

    def confirm_payment(self, payment_information, previous_value):
        return payments._failure(
            payment_information, "confirm", _("Klarna payments need no confirmation.")
        )

    def get_payment_config(self, previous_value):
        return [
            {"field": "session_mutation", "value": "klarnaSessionCreate"},
            {"field": "region", "value": self.config.region},
            {"field": "playground", "value": self.config.playground},
            {"field": "auto_capture", "value": self.config.auto_capture},
        ]

    def list_payment_sources(self, customer_id, previous_value):
        return payments.stored_sources(customer_id) if customer_id else []

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        checkout_completion.claim(checkout)  # a Klarna payment is placed once per checkout
        payments.note_checkout_payments(checkout)
        return previous_value

    def order_created(self, order, previous_value):
        klarna_orders = payments.link_order(order)
        for klarna_order_id in klarna_orders:
            try:
                payments.client_for(self.config).update_merchant_references(
                    klarna_order_id, str(order.pk),
                    idempotency_key=stable_idempotency_key(klarna_order_id, "references"),
                )
            except errors.KlarnaError as error:  # only a label at Klarna; never fail the order
                logger.warning("Could not set Klarna merchant reference: %s", error)
        return previous_value
