"""Money → Klarna amounts, in one place.

Klarna wants integers in minor units, tax rates in basis points (2500 = 25 %) and checks:

- per line: ``total_amount == quantity * unit_price - total_discount_amount``;
- per line: ``total_tax_amount`` within ±1 of ``total_amount - total_amount * 10000 / (10000 + tax_rate)``;
- per order: ``order_amount == Σ total_amount`` and ``order_tax_amount == Σ total_tax_amount``.

Line totals come from Saleor (which rounds per line), unit prices are derived so the
first rule holds exactly, and taxes from Klarna's own formula so the second always holds.
"""
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Iterable, List, Optional, Union

from babel.numbers import get_currency_precision
from prices import Money, TaxedMoney

LINE_TYPES = (
    "physical", "digital", "discount", "shipping_fee", "sales_tax", "gift_card",
    "store_credit", "surcharge",
)
MAX_AMOUNT = 100_000_000  # Klarna's limit for unit_price and total_amount


class AmountError(ValueError):
    """Amounts that Klarna would refuse; a programming error, never shown to customers."""


def minor_units(amount: Union[Money, Decimal, int, str], currency: Optional[str] = None) -> int:
    """``Money("129.50", "NOK")`` → 12950. Rounds half up to the currency's precision."""
    if isinstance(amount, Money):
        currency, amount = amount.currency, amount.amount
    if currency is None:
        raise AmountError("a currency is needed to convert a plain amount")
    exponent = get_currency_precision(currency)
    scaled = (Decimal(amount) * (Decimal(10) ** exponent)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Money:
    exponent = get_currency_precision(currency)
    return Money(Decimal(value).scaleb(-exponent), currency)


def tax_rate_basis_points(price: TaxedMoney) -> int:
    """The VAT rate of a taxed price (net → gross), e.g. 2500 for 25 %."""
    net = Decimal(price.net.amount)
    if net == 0:
        return 0
    rate = (Decimal(price.gross.amount) - net) / abs(net) * 10000
    return int(rate.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_of(total_amount: int, tax_rate: int) -> int:
    """Klarna's tax for a tax-inclusive total; negative totals (discounts) give negative tax."""
    if tax_rate == 0 or total_amount == 0:
        return 0
    magnitude = abs(total_amount)
    net = (Decimal(magnitude) * 10000 / (10000 + tax_rate)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    tax = magnitude - int(net)
    return tax if total_amount > 0 else -tax


@dataclass
class KlarnaLine:
    name: str
    quantity: int
    unit_price: int
    total_amount: int
    tax_rate: int = 0
    total_tax_amount: int = 0
    total_discount_amount: int = 0
    type: str = "physical"
    reference: str = ""
    quantity_unit: str = ""
    merchant_data: str = ""
    subscription: Optional[dict] = None

    def as_dict(self) -> dict:
        data = {
            "type": self.type,
            "name": self.name[:255],
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "tax_rate": self.tax_rate,
            "total_amount": self.total_amount,
            "total_discount_amount": self.total_discount_amount,
            "total_tax_amount": self.total_tax_amount,
        }
        if self.reference:
            data["reference"] = self.reference[:256]
        if self.quantity_unit:
            data["quantity_unit"] = self.quantity_unit[:8]
        if self.merchant_data:
            data["merchant_data"] = self.merchant_data[:255]
        if self.subscription:
            data["subscription"] = dict(self.subscription)
        return data


def product_line(
    name: str,
    quantity: int,
    total: TaxedMoney,
    *,
    reference: str = "",
    line_type: str = "physical",
    subscription: Optional[dict] = None,
) -> KlarnaLine:
    """A line whose tax-inclusive total is Saleor's; unit price derived to satisfy Klarna."""
    if quantity <= 0:
        raise AmountError("quantity must be positive")
    total_amount = minor_units(total.gross)
    if total_amount < 0:
        raise AmountError("a product line cannot be negative")
    # Saleor rounds the line total; the unit price is the total spread over the items,
    # rounded up, and the rounding difference becomes a (tiny) line discount.
    unit_price = int((Decimal(total_amount) / quantity).to_integral_value(rounding=ROUND_CEILING))
    rate = tax_rate_basis_points(total)
    return KlarnaLine(
        name=name,
        quantity=quantity,
        unit_price=unit_price,
        total_amount=total_amount,
        total_discount_amount=quantity * unit_price - total_amount,
        tax_rate=rate,
        total_tax_amount=tax_of(total_amount, rate),
        type=line_type,
        reference=reference,
        subscription=subscription,
    )


def priced_line(
    name: str,
    quantity: int,
    unit_price: TaxedMoney,
    total: TaxedMoney,
    *,
    reference: str = "",
    line_type: str = "physical",
    subscription: Optional[dict] = None,
) -> KlarnaLine:
    """A line with a list unit price and a discounted total (the discount shown per line)."""
    line = product_line(
        name, quantity, total, reference=reference, line_type=line_type, subscription=subscription
    )
    unit = minor_units(unit_price.gross)
    if unit * quantity >= line.total_amount:
        line.unit_price = unit
        line.total_discount_amount = unit * quantity - line.total_amount
    return line


def shipping_line(name: str, price: TaxedMoney, reference: str = "shipping") -> KlarnaLine:
    return product_line(name, 1, price, reference=reference, line_type="shipping_fee")


def adjustment_line(name: str, amount: Money, tax_rate: int, reference: str = "") -> KlarnaLine:
    """A signed order-level amount: negative → ``discount`` line, positive → ``surcharge``."""
    value = minor_units(amount)
    return KlarnaLine(
        name=name,
        quantity=1,
        unit_price=value,
        total_amount=value,
        tax_rate=tax_rate,
        total_tax_amount=tax_of(value, tax_rate),
        type="discount" if value < 0 else "surcharge",
        reference=reference,
    )


def average_tax_rate(lines: Iterable[KlarnaLine]) -> int:
    """The rate of the goods as a whole, for order-level discounts on mixed-rate carts."""
    gross = tax = 0
    for line in lines:
        if line.type in ("physical", "digital", "shipping_fee") and line.total_amount > 0:
            gross += line.total_amount
            tax += line.total_tax_amount
    if gross == tax or gross == 0:
        return 0
    return int((Decimal(tax) * 10000 / (gross - tax)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class KlarnaOrderData:
    """The amount part of a session / order body."""

    purchase_country: str
    purchase_currency: str
    locale: str
    order_lines: List[KlarnaLine] = field(default_factory=list)

    @property
    def order_amount(self) -> int:
        return sum(line.total_amount for line in self.order_lines)

    @property
    def order_tax_amount(self) -> int:
        return sum(line.total_tax_amount for line in self.order_lines)

    def as_dict(self) -> dict:
        self.check()
        return {
            "purchase_country": self.purchase_country,
            "purchase_currency": self.purchase_currency,
            "locale": self.locale,
            "order_amount": self.order_amount,
            "order_tax_amount": self.order_tax_amount,
            "order_lines": [line.as_dict() for line in self.order_lines],
        }

    def check(self) -> None:
        if not self.order_lines:
            raise AmountError("an order needs at least one line")
        for index, line in enumerate(self.order_lines):
            where = f"order_lines[{index}]"
            if line.total_amount != line.quantity * line.unit_price - line.total_discount_amount:
                raise AmountError(f"{where}.total_amount")
            if line.total_discount_amount < 0:
                raise AmountError(f"{where}.total_discount_amount")
            if abs(line.total_tax_amount - tax_of(line.total_amount, line.tax_rate)) > 1:
                raise AmountError(f"{where}.total_tax_amount")
            if max(abs(line.unit_price), abs(line.total_amount)) > MAX_AMOUNT:
                raise AmountError(f"{where}.total_amount")
        if self.order_amount < 0:
            raise AmountError("order_amount")


def klarna_locale(language_code: str, country: str) -> str:
    """Saleor language + country → Klarna locale (``nb-NO``, ``sv-SE``, ``en-DE``)."""
    language = (language_code or "en").split("-")[0].split("_")[0].lower()
    if language == "no":
        language = "nb"
    return f"{language}-{country.upper()}"
