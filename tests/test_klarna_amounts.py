"""Money → Klarna amounts: awkward carts are built so the simulator (Klarna's rules) accepts them."""
from decimal import Decimal

import pytest
from prices import Money, TaxedMoney

from saleor_plugins.klarna import errors
from saleor_plugins.klarna.amounts import (
    AmountError,
    KlarnaLine,
    KlarnaOrderData,
    adjustment_line,
    average_tax_rate,
    klarna_locale,
    minor_units,
    product_line,
    shipping_line,
    tax_of,
    tax_rate_basis_points,
)


def taxed(net, gross, currency="NOK"):
    return TaxedMoney(net=Money(Decimal(net), currency), gross=Money(Decimal(gross), currency))


def vat(gross, rate, currency="NOK"):
    """A gross price with its net part at ``rate`` (e.g. Decimal('0.25')), rounded to øre."""
    gross = Decimal(gross)
    net = (gross / (1 + rate)).quantize(Decimal("0.01"))
    return taxed(net, gross, currency)


@pytest.mark.parametrize(
    "amount,currency,expected",
    [
        (Decimal("129.50"), "NOK", 12950),
        (Decimal("33.335"), "SEK", 3334),  # half up
        (Decimal("33.334"), "EUR", 3333),
        (Decimal("0.005"), "DKK", 1),
        (Decimal("1500"), "JPY", 1500),  # no minor unit
        (Decimal("-10.10"), "NOK", -1010),
    ],
)
def test_minor_units_follow_the_currency_precision(amount, currency, expected):
    assert minor_units(Money(amount, currency)) == expected
    assert minor_units(amount, currency) == expected


def test_plain_amount_without_currency_is_refused():
    with pytest.raises(AmountError):
        minor_units(Decimal("1.00"))


def test_three_times_33_33_with_25_percent_vat():
    line = product_line("Kaffe", 3, vat("99.99", Decimal("0.25")), reference="KAFFE-1")
    assert (line.unit_price, line.total_amount, line.total_discount_amount) == (3333, 9999, 0)
    assert line.tax_rate == 2500
    # Klarna's formula: 9999 - 9999 * 10000 / 12500 = 1999.8 → 2000
    assert line.total_tax_amount == 2000
    assert line.quantity * line.unit_price - line.total_discount_amount == line.total_amount


def test_total_not_divisible_by_quantity_gets_a_tiny_line_discount():
    line = product_line("Te", 3, vat("100.00", Decimal("0.15")))
    assert line.unit_price == 3334
    assert line.total_discount_amount == 2
    assert line.total_amount == 10000
    assert line.tax_rate == 1500


def test_list_price_and_discounted_total_show_the_discount_per_line():
    from saleor_plugins.klarna.amounts import priced_line

    line = priced_line("Krus", 2, vat("89.50", Decimal("0.25")), vat("143.20", Decimal("0.25")))
    assert (line.unit_price, line.total_discount_amount, line.total_amount) == (8950, 3580, 14320)


@pytest.mark.parametrize(
    "total,rate,expected",
    [(9999, 2300, 1870), (495, 700, 32), (10000, 0, 0), (-2500, 2500, -500), (1, 2500, 0)],
)
def test_tax_of_uses_klarnas_formula(total, rate, expected):
    assert tax_of(total, rate) == expected


def test_tax_rate_from_a_taxed_price():
    assert tax_rate_basis_points(vat("99.99", Decimal("0.25"))) == 2500
    assert tax_rate_basis_points(vat("49.00", Decimal("0.15"))) == 1500
    assert tax_rate_basis_points(taxed("10.00", "10.00")) == 0
    assert tax_rate_basis_points(taxed("0", "0")) == 0


def test_discount_lines_are_negative_with_negative_tax_and_surcharges_positive():
    discount = adjustment_line("Sommer", Money(Decimal("-25.00"), "NOK"), 2500)
    assert (discount.type, discount.total_amount, discount.total_tax_amount) == ("discount", -2500, -500)
    surcharge = adjustment_line("Småordre", Money(Decimal("19.00"), "NOK"), 2500)
    assert (surcharge.type, surcharge.total_amount, surcharge.total_tax_amount) == ("surcharge", 1900, 380)


def test_average_rate_of_a_mixed_rate_cart():
    lines = [
        product_line("Kaffe", 1, vat("125.00", Decimal("0.25"))),  # tax 2500
        product_line("Brød", 1, vat("115.00", Decimal("0.15"))),  # tax 1500
    ]
    # 4000 tax on 20000 net → 20 %
    assert average_tax_rate(lines) == 2000


def test_check_catches_a_broken_line():
    data = KlarnaOrderData("NO", "NOK", "nb-NO", [
        KlarnaLine(name="x", quantity=2, unit_price=100, total_amount=150)
    ])
    with pytest.raises(AmountError, match=r"order_lines\[0\].total_amount"):
        data.as_dict()


def test_locale_from_language_and_country():
    assert klarna_locale("nb", "no") == "nb-NO"
    assert klarna_locale("no", "NO") == "nb-NO"
    assert klarna_locale("sv-se", "SE") == "sv-SE"
    assert klarna_locale("", "DE") == "en-DE"


def awkward_carts():
    r25, r15 = Decimal("0.25"), Decimal("0.15")
    yield "3 x 33.33 at 25 %", [product_line("Kaffe", 3, vat("99.99", r25))]
    yield "mixed rates, shipping, voucher", [
        product_line("Kaffe", 3, vat("99.99", r25)),
        product_line("Brød", 7, vat("48.93", r15)),
        shipping_line("Posten", vat("49.00", r25)),
        adjustment_line("Voucher", Money(Decimal("-17.77"), "NOK"), 2000),
    ]
    yield "zero-tax lines", [
        product_line("Avis", 2, taxed("30.00", "30.00")),
        product_line("Gavekort", 1, taxed("500.00", "500.00"), line_type="digital"),
    ]
    yield "uneven split plus surcharge", [
        product_line("Te", 3, vat("100.00", r15)),
        adjustment_line("Småordre", Money(Decimal("19.00"), "NOK"), 1500),
    ]
    yield "subscription line", [
        product_line("Kaffe abonnement", 1, vat("129.00", r25), subscription={
            "name": "Kaffe", "interval": "MONTH", "interval_count": 1}),
    ]


@pytest.mark.parametrize("name,lines", list(awkward_carts()), ids=[n for n, _ in awkward_carts()])
def test_awkward_carts_are_accepted_by_klarnas_rules(klarna_client, name, lines):
    body = KlarnaOrderData("NO", "NOK", "nb-NO", lines).as_dict()
    session = klarna_client.create_session(body)
    assert session.session_id
    read = klarna_client.read_session(session.session_id)
    assert read.raw["order_amount"] == sum(line.total_amount for line in lines)
    assert read.raw["order_tax_amount"] == sum(line.total_tax_amount for line in lines)


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda b: b["order_lines"][0].update(total_tax_amount=41, total_amount=495,
                                              unit_price=495, tax_rate=700),
         "order_lines[0].total_amount"),
        (lambda b: b["order_lines"][0].update(total_tax_amount=41, total_amount=495,
                                              unit_price=165, tax_rate=700, quantity=3),
         "order_lines[0].total_tax_amount"),
        (lambda b: b.update(order_amount=b["order_amount"] + 1), "order_amount"),
        (lambda b: b["order_lines"][0].update(total_discount_amount=-1), "order_lines[0].total_discount_amount"),
        (lambda b: b.update(locale="sv-SE"), "locale"),
        (lambda b: b.update(purchase_currency="NOKK"), "purchase_currency"),
        (lambda b: b["order_lines"][0].update(quantity=1.5), "order_lines[0].quantity"),
        (lambda b: b["order_lines"][0].update(type="voucher"), "order_lines[0].type"),
        (lambda b: b.update(order_lines=[]), "order_lines"),
    ],
)
def test_simulator_refuses_what_klarna_refuses(klarna_client, change, field):
    body = KlarnaOrderData("NO", "NOK", "nb-NO", [
        product_line("Kaffe", 3, vat("99.99", Decimal("0.25")))
    ]).as_dict()
    change(body)
    with pytest.raises(errors.BadValueError) as caught:
        klarna_client.create_session(body)
    assert caught.value.status == 400
    assert caught.value.field == field
    assert f"Bad value: {field}" in caught.value.error_messages
