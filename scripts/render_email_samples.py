"""Render every Saleor e-mail template the package ships, without a database, in en/nb/sv/da/de.

Plain classes holding ``prices`` values stand in for Saleor's Order, OrderLine, Address,
Fulfillment and FulfillmentLine. Each template's subject, plain and html blocks are
rendered with ``render_block_to_string`` (what django-templated-email uses) with a
``string_if_invalid`` marker, once with a complete order and once with a bare one (no
addresses, no shipping method, no discount, no note, no details link, no tracking number).

The script fails (exit 1) if a block raises, prints "None", leaks the missing-variable
marker or template syntax, lacks an expected detail (SKU, date, totals, addresses, links,
schema.org markup), or if a translated subject is the English one.

    python scripts/render_email_samples.py                                  # check, list subjects
    python scripts/render_email_samples.py --show nb order/confirm_order    # and print that e-mail
"""
import argparse
import datetime
import sys
from decimal import Decimal
from pathlib import Path

import django
from django.conf import settings

PACKAGE = Path(__file__).resolve().parent.parent / "saleor_plugins"
MISSING = '<< MISSING VARIABLE "%s" >>'
LANGUAGES = [
    ("en", "English"),
    ("nb", "Norwegian Bokmål"),
    ("sv", "Swedish"),
    ("da", "Danish"),
    ("de", "German"),
]

settings.configure(
    INSTALLED_APPS=["django_prices", "templated_email"],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(PACKAGE / "core" / "templates")],
            "APP_DIRS": True,
            "OPTIONS": {"string_if_invalid": MISSING},
        }
    ],
    LOCALE_PATHS=[str(PACKAGE / "locale")],
    LANGUAGE_CODE="en",
    LANGUAGES=LANGUAGES,
    USE_I18N=True,
    USE_L10N=True,
    USE_TZ=True,
    TIME_ZONE="Europe/Oslo",
)
django.setup()

from django.utils import translation  # noqa: E402
from prices import Money, TaxedMoney  # noqa: E402
from render_block import render_block_to_string  # noqa: E402

CURRENCY = "NOK"


def taxed(net, gross):
    return TaxedMoney(Money(Decimal(net), CURRENCY), Money(Decimal(gross), CURRENCY))


class Manager(list):
    """A list that answers ``.all`` like a related manager."""

    def all(self):
        return self


class Country:
    def __init__(self, code, name):
        self.code, self.name = code, name

    def __str__(self):
        return self.code


class Address:
    def __init__(self, **fields):
        self.first_name = "Kari"
        self.last_name = "Nordmann"
        self.company_name = ""
        self.street_address_1 = "Karl Johans gate 1"
        self.street_address_2 = ""
        self.postal_code = "0154"
        self.city = "Oslo"
        self.city_area = ""
        self.country_area = ""
        self.country = Country("NO", "Norway")
        self.phone = "+4722334455"
        self.__dict__.update(fields)


class OrderLine:
    def __init__(self, product_name, variant_name, sku, quantity, unit_price, digital=False):
        self.product_name = product_name
        self.variant_name = variant_name
        self.translated_product_name = ""
        self.translated_variant_name = ""
        self.product_sku = sku
        self.quantity = quantity
        self.quantity_fulfilled = 0
        self.unit_price = unit_price
        self.unit_price_net = unit_price.net
        self.unit_price_gross = unit_price.gross
        self.tax_rate = Decimal("0.25")
        self.currency = CURRENCY
        self.is_digital = digital
        self.is_shipping_required = not digital
        self.variant = None

    def get_total(self):
        return self.unit_price * self.quantity

    def __str__(self):
        if self.variant_name:
            return f"{self.product_name} ({self.variant_name})"
        return self.product_name


class Order:
    def __init__(self, language_code, complete=True):
        self.pk = self.id = 1042
        self.language_code = language_code
        self.created = datetime.datetime(2020, 7, 1, 10, 30, tzinfo=datetime.timezone.utc)
        self.status = "unfulfilled"
        self.user = None
        self.user_email = "kari@example.com"
        self.token = "3f2a"
        self.currency = CURRENCY
        self.display_gross_prices = True
        self.lines = Manager(
            [
                OrderLine("Kaffe Fjell", "500 g", "KAFFE-1", 2, taxed("103.20", "129.00")),
                OrderLine("Krus", "", "KRUS-1", 1, taxed("71.60", "89.50")),
            ]
        )
        self._subtotal = sum((line.get_total() for line in self.lines), taxed("0", "0"))
        self.shipping_price = taxed("39.20", "49.00") if complete else taxed("0", "0")
        self.shipping_price_net = self.shipping_price.net
        self.shipping_price_gross = self.shipping_price.gross
        self.shipping_method = None
        self.shipping_method_name = "Posten" if complete else None
        self.discount_amount = Decimal("20.00") if complete else Decimal("0")
        self.discount = Money(self.discount_amount, CURRENCY)
        self.discount_name = "Sommer" if complete else None
        self.translated_discount_name = None
        self.total = self._subtotal + self.shipping_price - self.discount
        self.total_net = self.total.net
        self.total_gross = self.total.gross
        self.shipping_address = Address() if complete else None
        self.billing_address = Address(company_name="Fjord AS") if complete else None
        self.customer_note = "Ring på døren" if complete else ""

    def get_subtotal(self):
        return self._subtotal

    def get_customer_email(self):
        return self.user_email

    def is_shipping_required(self):
        return True

    def __iter__(self):
        return iter(self.lines)


class FulfillmentLine:
    def __init__(self, order_line):
        self.order_line = order_line
        self.quantity = order_line.quantity


class Fulfillment:
    def __init__(self, order, tracking_number):
        self.pk = 7
        self.order = order
        self.fulfillment_order = 1
        self.composed_id = f"{order.pk}-1"
        self.status = "fulfilled"
        self.tracking_number = tracking_number
        self.created = order.created
        self.lines = Manager(FulfillmentLine(line) for line in order.lines)

    def __iter__(self):
        return iter(self.lines)


SITE = {"domain": "shop.example.com", "site_name": "Fjordbutikken"}
DETAILS_URL = "https://shop.example.com/order/?token=3f2a"
SCHEMA = '{"@context": "http://schema.org", "@type": "Order", "orderNumber": 1042}'
ORDER_TEMPLATES = [
    "order/confirm_order",
    "order/staff_confirm_order",
    "order/payment/confirm_payment",
    "order/confirm_fulfillment",
    "order/update_fulfillment",
]
ACCOUNT_TEMPLATES = {
    "account/confirm": {"confirm_url": "https://shop.example.com/confirm/?email=kari%40example.com&token=t1"},
    "account/password_reset": {"reset_url": "https://shop.example.com/reset/?email=kari%40example.com&token=t2"},
    "account/request_email_change": {"redirect_url": "https://shop.example.com/email/?token=t3"},
    "account/email_changed_notification": {},
    "account/account_delete": {"delete_url": "https://shop.example.com/delete/?token=t4"},
    "dashboard/customer/set_password": {"password_set_url": "https://shop.example.com/set/?email=kari%40example.com&token=t5"},
    "dashboard/staff/set_password": {"password_set_url": "https://dashboard.example.com/set/?email=ola%40example.com&token=t6"},
}


def cases(language):
    """Yield (template name, complete?, context, strings the plain part must contain)."""
    for name in ORDER_TEMPLATES:
        for complete in (True, False):
            order = Order(language, complete)
            context = dict(SITE, order=order, order_details_url=DETAILS_URL if complete else "")
            expected = ["Kaffe Fjell"]
            if name in ("order/confirm_order", "order/staff_confirm_order"):
                # Saleor adds schema.org markup to both order confirmations.
                context["schema_markup"] = SCHEMA
            if "fulfillment" in name:
                fulfillment = Fulfillment(order, "NO123456789" if complete else "")
                context.update(fulfillment=fulfillment, physical_lines=list(fulfillment.lines), digital_lines=[])
                if complete:
                    expected.append("NO123456789")
            else:
                expected += ["KAFFE-1", "2020", "Kari Nordmann"] if complete else ["KAFFE-1", "2020"]
                if complete:
                    expected += ["Karl Johans gate 1", "Fjord AS", "Ring på døren", "Sommer"]
            if complete:
                expected.append(DETAILS_URL)
            yield name, complete, context, expected
    for name, urls in ACCOUNT_TEMPLATES.items():
        yield name, True, dict(SITE, **urls), list(urls.values())


def render(name, context):
    return {
        block: render_block_to_string(f"templated_email/{name}.email", block, context)
        for block in ("subject", "plain", "html")
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", nargs=2, metavar=("LANG", "TEMPLATE"), action="append", default=[],
                        help="print the complete e-mail, e.g. --show nb order/confirm_order")
    args = parser.parse_args()
    show = {tuple(item) for item in args.show}

    problems, subjects = [], {}
    for language, _ in LANGUAGES:
        # The e-mails are sent from Celery, in the default language; order e-mails switch
        # to the order's language themselves, the others follow the active one.
        with translation.override(language):
            for name, complete, context, expected in cases(language):
                where = f"{language} {name} ({'complete' if complete else 'bare'})"
                try:
                    parts = render(name, context)
                except Exception as exc:  # noqa: BLE001 - report every template, then fail
                    problems.append(f"{where}: {exc!r}")
                    continue
                for block, text in parts.items():
                    for bad in ("None", "MISSING VARIABLE", "{%", "%}", "{{", "}}"):
                        if bad in text:
                            problems.append(f"{where} {block}: contains {bad!r}")
                if not parts["subject"].strip() or "\n" in parts["subject"].strip():
                    problems.append(f"{where}: subject must be one non-empty line")
                for text in expected:
                    if text not in parts["plain"]:
                        problems.append(f"{where} plain: {text!r} missing")
                    if text not in parts["html"].replace("&amp;", "&"):
                        problems.append(f"{where} html: {text!r} missing")
                if "&amp;" in parts["plain"]:
                    problems.append(f"{where} plain: HTML-escaped text")
                if context.get("schema_markup"):
                    head = parts["html"].split("</head>")[0]
                    if f'<script type="application/ld+json">{SCHEMA}</script>' not in head:
                        problems.append(f"{where} html: schema.org markup not in <head>")
                if complete:
                    subjects.setdefault(name, {})[language] = parts["subject"].strip()
                if complete and (language, name) in show:
                    print(f"===== {language} {name}")
                    for block, text in parts.items():
                        print(f"----- {block}\n{text.strip()}")
                    print()

    for name, by_language in subjects.items():
        print(name)
        for language, subject in by_language.items():
            print(f"  {language}: {subject}")
            if language != "en" and subject == by_language["en"]:
                problems.append(f"{language} {name}: subject is not translated")
    print()
    print("\n".join(problems) if problems else "OK: every template renders cleanly in every language")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
