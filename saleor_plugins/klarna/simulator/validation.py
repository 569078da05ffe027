"""Field checks the simulator applies as Klarna does (``Bad value: <json path>``).

Written from Klarna's published schemas and validation docs, independently of the
client's amount builder, so a mistake on one side is caught by the other.
"""
import re
from typing import List

COUNTRY = re.compile(r"^[A-Za-z]{2}$")
CURRENCY = re.compile(r"^[A-Za-z]{3}$")
LOCALE = re.compile(r"^[A-Za-z]{2}(?:-[A-Za-z]{2})*$")
LINE_TYPES = {
    "physical", "discount", "shipping_fee", "sales_tax", "digital", "gift_card",
    "store_credit", "surcharge",
}
NEGATIVE_TYPES = {"discount", "gift_card", "store_credit"}
INTENTS = {"buy", "tokenize", "buy_and_tokenize"}
CHANNELS = {"ECOMMERCE", "IN_STORE", "TELESALES", "in_store", "ecommerce", "telesales"}
INTERVALS = {"DAY", "WEEK", "MONTH", "YEAR"}
MAX_LINE_AMOUNT = 100_000_000


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _string(value, low=0, high=None) -> bool:
    return isinstance(value, str) and len(value) >= low and (high is None or len(value) <= high)


class Checker:
    def __init__(self):
        self.bad: List[str] = []

    def fail(self, path: str):
        if path not in self.bad:
            self.bad.append(path)

    def require(self, data: dict, names, prefix=""):
        for name in names:
            if data.get(name) is None:
                self.fail(prefix + name)


def _check_address(check: Checker, address, path: str):
    if not isinstance(address, dict):
        check.fail(path)
        return
    limits = {"postal_code": 10, "street_address": 255, "street_address2": 255, "city": 200,
              "given_name": 100, "family_name": 100, "email": 100, "region": 200}
    for name, value in address.items():
        if value is None:
            continue
        if not isinstance(value, str):
            check.fail(f"{path}.{name}")
        elif name in limits and len(value) > limits[name]:
            check.fail(f"{path}.{name}")
    phone = address.get("phone")
    if isinstance(phone, str) and phone and not 5 <= len(phone) <= 99:
        check.fail(f"{path}.phone")
    country = address.get("country")
    if isinstance(country, str) and country and not COUNTRY.match(country):
        check.fail(f"{path}.country")


def expected_line_tax(total_amount: int, tax_rate: int) -> float:
    return total_amount - total_amount * 10000 / (10000 + tax_rate)


def _check_line(check: Checker, line, path: str):
    if not isinstance(line, dict):
        check.fail(path)
        return
    check.require(line, ("name", "quantity", "unit_price", "total_amount"), path + ".")
    line_type = line.get("type", "physical")
    if line_type not in LINE_TYPES:
        check.fail(path + ".type")
    if "name" in line and not _string(line["name"], 1, 255):
        check.fail(path + ".name")
    for name in ("reference",):
        if line.get(name) is not None and not _string(line[name], 0, 256):
            check.fail(f"{path}.{name}")
    if line.get("quantity_unit") is not None and not _string(line["quantity_unit"], 1, 8):
        check.fail(path + ".quantity_unit")
    if line.get("merchant_data") is not None and not _string(line["merchant_data"], 0, 1024):
        check.fail(path + ".merchant_data")
    ints = {}
    for name in ("quantity", "unit_price", "total_amount", "tax_rate", "total_discount_amount",
                 "total_tax_amount"):
        if line.get(name) is None:
            continue
        if not _is_int(line[name]):
            check.fail(f"{path}.{name}")
        else:
            ints[name] = line[name]
    quantity = ints.get("quantity")
    if quantity is not None and quantity < 0:
        check.fail(path + ".quantity")
    tax_rate = ints.get("tax_rate", 0)
    if not 0 <= tax_rate <= 10000:
        check.fail(path + ".tax_rate")
    discount = ints.get("total_discount_amount", 0)
    if discount < 0:
        check.fail(path + ".total_discount_amount")
    unit_price = ints.get("unit_price")
    total = ints.get("total_amount")
    for name, value in (("unit_price", unit_price), ("total_amount", total)):
        if value is None:
            continue
        if value > MAX_LINE_AMOUNT or value < -MAX_LINE_AMOUNT:
            check.fail(f"{path}.{name}")
        elif value < 0 and line_type not in NEGATIVE_TYPES:
            check.fail(f"{path}.{name}")
    if None not in (quantity, unit_price, total) and total != quantity * unit_price - discount:
        check.fail(path + ".total_amount")
    tax = ints.get("total_tax_amount", 0)
    if total is not None and 0 <= tax_rate <= 10000:
        if abs(tax - expected_line_tax(total, tax_rate)) > 1:
            check.fail(path + ".total_tax_amount")
    subscription = line.get("subscription")
    if subscription is not None:
        if not isinstance(subscription, dict):
            check.fail(path + ".subscription")
        else:
            if not _string(subscription.get("name"), 1, 255):
                check.fail(path + ".subscription.name")
            if subscription.get("interval") not in INTERVALS:
                check.fail(path + ".subscription.interval")
            count = subscription.get("interval_count")
            if not _is_int(count) or count < 1:
                check.fail(path + ".subscription.interval_count")


def check_order_body(data, *, required=(), min_amount=0, check_locale=True) -> List[str]:
    """Bad JSON paths of a session / order body; empty when Klarna would accept it."""
    check = Checker()
    if not isinstance(data, dict):
        return ["body"]
    check.require(data, required)
    country = data.get("purchase_country")
    if country is not None and not (isinstance(country, str) and COUNTRY.match(country)):
        check.fail("purchase_country")
    currency = data.get("purchase_currency")
    if currency is not None and not (isinstance(currency, str) and CURRENCY.match(currency)):
        check.fail("purchase_currency")
    locale = data.get("locale")
    if locale is not None:
        if not (isinstance(locale, str) and LOCALE.match(locale)):
            check.fail("locale")
        elif check_locale and isinstance(country, str) and "-" in locale:
            if locale.split("-")[-1].upper() != country.upper():
                check.fail("locale")
    lines = data.get("order_lines")
    if lines is not None:
        if not isinstance(lines, list) or not 1 <= len(lines) <= 1000:
            check.fail("order_lines")
            lines = []
        for index, line in enumerate(lines):
            _check_line(check, line, f"order_lines[{index}]")
    amount = data.get("order_amount")
    if amount is not None:
        if not _is_int(amount) or amount < min_amount:
            check.fail("order_amount")
        elif lines and not any(p.startswith("order_lines") for p in check.bad):
            if amount != sum(line.get("total_amount", 0) for line in lines):
                check.fail("order_amount")
    tax = data.get("order_tax_amount")
    if tax is not None:
        if not _is_int(tax) or tax < 0:
            check.fail("order_tax_amount")
        elif lines and not any(p.startswith("order_lines") for p in check.bad):
            line_tax = sum(line.get("total_tax_amount", 0) for line in lines)
            if abs(tax - line_tax) > len(lines):
                check.fail("order_tax_amount")
    intent = data.get("intent")
    if intent is not None and intent not in INTENTS:
        check.fail("intent")
    if intent == "buy_and_tokenize" and amount == 0:
        check.fail("intent")
    channel = data.get("acquiring_channel")
    if channel is not None and channel not in CHANNELS:
        check.fail("acquiring_channel")
    urls = data.get("merchant_urls")
    if urls is not None:
        if not isinstance(urls, dict):
            check.fail("merchant_urls")
        else:
            for name, value in urls.items():
                if not _string(value, 0, 2000):
                    check.fail(f"merchant_urls.{name}")
    for name in ("merchant_reference1", "merchant_reference2"):
        if data.get(name) is not None and not _string(data[name], 0, 255):
            check.fail(name)
    if data.get("merchant_data") is not None and not _string(data["merchant_data"], 0, 6000):
        check.fail("merchant_data")
    for name in ("billing_address", "shipping_address"):
        if data.get(name) is not None:
            _check_address(check, data[name], name)
    if data.get("auto_capture") is not None and not isinstance(data["auto_capture"], bool):
        check.fail("auto_capture")
    return check.bad


def normalised_lines(lines) -> list:
    """Order lines as compared between authorization and order placement."""
    keys = ("type", "reference", "name", "quantity", "unit_price", "tax_rate", "total_amount",
            "total_discount_amount", "total_tax_amount")
    result = []
    for line in lines or []:
        item = {key: line.get(key) for key in keys}
        item["type"] = item["type"] or "physical"
        for key in ("tax_rate", "total_discount_amount", "total_tax_amount"):
            item[key] = item[key] or 0
        result.append(item)
    return result
