"""Cost of the loyalty points: balance read, checkout with points applied vs without.

    .venv/bin/python benchmarks/loyalty.py [--repeat 10] [--json out.json]

One run: a customer with a long ledger (500 entries), a 10-line cart; medians of time and
SQL queries per /graphql/ request for (1) `me { loyalty { balance } }`, (2) the checkout's
prices with and without points applied, (3) `checkoutComplete` with and without points.
Uses the test settings (embedded PostgreSQL unless DATABASE_URL is set) and its own
database ``test_<name>_loyalty_bench``, kept between runs and emptied at the start. Not a
test.
"""
import argparse
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

COMMAND = "python benchmarks/loyalty.py"
BALANCE = "{ me { loyalty { balance } } }"
PRICES = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { gross { amount } }
    lines { totalPrice { gross { amount } } }
  }
}"""
PAY = """
mutation($id: ID!, $amount: Decimal!) {
  checkoutPaymentCreate(checkoutId: $id, input: {gateway: "mirumee.payments.dummy",
    token: "charged", amount: $amount}) { paymentErrors { code } }
}"""
COMPLETE = """
mutation($id: ID!) { checkoutComplete(checkoutId: $id) {
  order { total { gross { amount } } } checkoutErrors { code message } } }"""


class Shop:
    pass


def build_shop():
    from django.contrib.sites.models import Site
    from saleor.plugins.models import PluginConfiguration
    from saleor.site.models import SiteSettings

    from saleor_plugins.loyalty import ledger
    from saleor_plugins.loyalty.models import ADJUST
    from saleor_plugins.loyalty.plugin import LoyaltyPlugin
    from tests import factories

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())
    zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    shop = Shop()
    shop.method = zone.shipping_methods.get()
    shop.variants = [factories.create_variant(f"{100 + i}.90", f"Vare {i}", f"BENCH-{i}",
                                              warehouse=warehouse, stock=10000)
                     for i in range(10)]
    shop.customer = factories.create_customer()
    account = ledger.account_for(shop.customer)
    for i in range(500):
        ledger.earn(account, ADJUST, 100, key=f"bench:{i}", expiry_months=12)
    PluginConfiguration.objects.update_or_create(
        identifier=LoyaltyPlugin.PLUGIN_ID,
        defaults={"name": LoyaltyPlugin.PLUGIN_NAME, "active": True,
                  "configuration": LoyaltyPlugin.DEFAULT_CONFIGURATION})
    shop.account = account
    return shop


def new_checkout(shop, points):
    from saleor_plugins.loyalty import ledger
    from tests import factories

    checkout = factories.create_checkout(
        user=shop.customer, lines=[(v, 1 + i % 3) for i, v in enumerate(shop.variants)],
        shipping_method=shop.method)
    if points:
        shop.account.refresh_from_db()
        ledger.reserve(shop.account, checkout.token, points, points)
    return checkout


def post(client, query, variables=None):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/graphql/", json.dumps({"query": query,
                                                         "variables": variables or {}}),
                               content_type="application/json")
        elapsed = time.perf_counter() - started
    content = response.json()
    assert response.status_code == 200 and "errors" not in content, content
    return elapsed * 1000, len(queries), content["data"]


def median_of(runs):
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main(argv=None):
    from graphene import Node
    from graphql_jwt.shortcuts import get_token

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = \
        f"test_{connection.settings_dict['NAME']}_loyalty_bench"
    # kept between runs (migrating takes minutes); emptied before each run
    name = connection.creation.create_test_db(verbosity=0, keepdb=True)
    connection.settings_dict["NAME"] = name
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    results = {}
    try:
        shop = build_shop()
        client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(shop.customer)}")
        post(client, BALANCE)  # warm up
        results["balance_read"] = median_of([post(client, BALANCE) for _ in range(args.repeat)])
        for label, points in (("without_points", 0), ("with_points", 2000)):
            checkout = new_checkout(shop, points)
            variables = {"token": str(checkout.token)}
            post(client, PRICES, variables)
            results[f"prices_{label}"] = median_of(
                [post(client, PRICES, variables) for _ in range(args.repeat)])
            completes = []
            for _ in range(args.repeat):
                checkout = new_checkout(shop, points)
                checkout_id = Node.to_global_id("Checkout", checkout.token)
                total = post(client, PRICES, {"token": str(checkout.token)}
                             )[2]["checkout"]["totalPrice"]["gross"]["amount"]
                post(client, PAY, {"id": checkout_id, "amount": str(total)})
                run = post(client, COMPLETE, {"id": checkout_id})
                assert run[2]["checkoutComplete"]["checkoutErrors"] == [], run
                completes.append(run)
            results[f"complete_{label}"] = median_of(completes)
        shop.account.refresh_from_db()
        results["ledger_entries"] = shop.account.entries.count()
    finally:
        connection.close()

    print(f"Loyalty points: median of {args.repeat} requests, 10-line cart, "
          f"{results['ledger_entries']} ledger entries")
    print(f"reproduce: {COMMAND} --repeat {args.repeat}")
    print(f"  {'request':<28}{'ms':>9}{'SQL':>6}")
    for key, value in results.items():
        if key != "ledger_entries":
            print(f"  {key:<28}{value[0]:>9.1f}{value[1]:>6}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)
    return results


if __name__ == "__main__":
    main()
