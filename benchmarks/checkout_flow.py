"""Saleor's checkout flow with every package plugin switched on vs every one switched off.

    .venv/saleor-3.23/bin/python benchmarks/checkout_flow.py [--rounds 15] [--json out.json]
    .venv/saleor-2.10/bin/python benchmarks/checkout_flow.py [--rounds 15] [--json out.json]

On Saleor 3.23 the flow and its world are 3.23's (``checkout_flow_saleor3.py``); below, 2.10.1's.

One run, one database: checkoutCreate → checkoutLinesAdd → checkoutShippingMethodUpdate →
checkoutPaymentCreate (dummy gateway) → checkoutComplete through /graphql/ as a logged-in
customer, rounds alternating on and off so both see the same machine. Prints the median time
and the SQL queries of each step, and the ratios. Uses the test settings (embedded PostgreSQL
unless DATABASE_URL is set) and its own throw-away database. Not a test.
"""
import argparse
import os
import statistics
import sys
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import common  # noqa: E402
import django  # noqa: E402

from common import throwaway_database, timed_post, write_figures  # noqa: E402

common.REQUEST_EXTRA.update(common.production_mode())
django.setup()

from django.test import Client  # noqa: E402
from graphene import Node  # noqa: E402

from saleor_plugins.platform import adapter_name  # noqa: E402
from tests.factories import set_package_plugins_active  # noqa: E402

COMMAND = "python benchmarks/checkout_flow.py"
STEPS = ("checkoutCreate", "checkoutLinesAdd", "checkoutShippingMethodUpdate",
         "checkoutPaymentCreate", "checkoutComplete")

CREATE = """mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  checkout { id totalPrice { gross { amount } } } checkoutErrors { field code message } } }"""
LINES_ADD = """mutation($id: ID!, $lines: [CheckoutLineInput]!) {
  checkoutLinesAdd(checkoutId: $id, lines: $lines) {
  checkout { totalPrice { gross { amount } } } checkoutErrors { field code message } } }"""
SHIPPING = """mutation($id: ID!, $method: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $id, shippingMethodId: $method) {
  checkout { totalPrice { gross { amount } } } checkoutErrors { field code message } } }"""
PAYMENT = """mutation($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $id, input: $input) {
  payment { id } paymentErrors { field code message } } }"""
COMPLETE = """mutation($id: ID!) { checkoutComplete(checkoutId: $id) {
  order { id total { gross { amount } } } checkoutErrors { field code message } } }"""
ADDRESS = {"firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Storgata 1",
           "city": "Oslo", "postalCode": "0155", "country": "NO", "phone": "+4722334455"}


def build_shop():
    from django.contrib.sites.models import Site
    from saleor.site.models import SiteSettings

    from tests import factories

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())
    zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    category = factories.create_category("Kaffe")
    coffee = factories.create_variant("129.00", "Kaffe", "BENCH-KAFFE", category,
                                      warehouse=warehouse, stock=1_000_000)
    mug = factories.create_variant("89.50", "Krus", "BENCH-KRUS", warehouse=warehouse,
                                   stock=1_000_000)
    customer = factories.create_customer("bench@example.com")
    add_package_data(category)
    return customer, coffee, mug, zone.shipping_methods.get()


def add_package_data(category):
    """What a shop using the package has: a few cart rules (features add theirs here)."""
    from saleor_plugins.discount_rules import rules
    from saleor_plugins.discount_rules.models import DiscountRule, RuleCondition

    for i, (kind, value) in enumerate([(rules.PERCENTAGE, 5), (rules.FIXED, Decimal("10")),
                                       (rules.FREE_SHIPPING, 0)]):
        rule = DiscountRule.objects.create(name=f"Regel {i}", kind=kind, value=value)
        RuleCondition.objects.create(rule=rule, type=rules.CATEGORY, category=category)


def post(client, query, variables):
    data, ms, sql = timed_post(client, query, variables)
    return next(iter(data.values())), ms, sql


def one_checkout(client, coffee, mug, method):
    """The five steps; returns {step: (ms, queries)} and the order total."""
    result = {}
    payload, ms, sql = post(client, CREATE, {"input": {
        "email": "bench@example.com", "shippingAddress": ADDRESS, "billingAddress": ADDRESS,
        "lines": [{"variantId": Node.to_global_id("ProductVariant", coffee.pk), "quantity": 2}]}})
    result["checkoutCreate"] = (ms, sql)
    checkout_id = payload["checkout"]["id"]
    payload, ms, sql = post(client, LINES_ADD, {"id": checkout_id, "lines": [
        {"variantId": Node.to_global_id("ProductVariant", mug.pk), "quantity": 1}]})
    result["checkoutLinesAdd"] = (ms, sql)
    payload, ms, sql = post(client, SHIPPING, {
        "id": checkout_id, "method": Node.to_global_id("ShippingMethod", method.pk)})
    result["checkoutShippingMethodUpdate"] = (ms, sql)
    amount = payload["checkout"]["totalPrice"]["gross"]["amount"]
    payload, ms, sql = post(client, PAYMENT, {"id": checkout_id, "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": amount}})
    result["checkoutPaymentCreate"] = (ms, sql)
    payload, ms, sql = post(client, COMPLETE, {"id": checkout_id})
    result["checkoutComplete"] = (ms, sql)
    return result, Decimal(str(payload["order"]["total"]["gross"]["amount"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    if adapter_name() == "saleor3":
        import checkout_flow_saleor3

        return checkout_flow_saleor3.main(args)

    from graphql_jwt.shortcuts import get_token

    with throwaway_database("checkout"):
        customer, coffee, mug, method = build_shop()
        client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(customer)}")
        samples = {True: {s: [] for s in STEPS}, False: {s: [] for s in STEPS}}
        totals = {}
        for active in (False, True):  # warm up both paths
            set_package_plugins_active(active)
            one_checkout(client, coffee, mug, method)
        for _ in range(args.rounds):
            for active in (False, True):
                set_package_plugins_active(active)
                steps, totals[active] = one_checkout(client, coffee, mug, method)
                for step, value in steps.items():
                    samples[active][step].append(value)

    results = {}
    for step in STEPS + ("whole flow",):
        row = {}
        for active, label in ((False, "off"), (True, "on")):
            if step == "whole flow":
                per_round = [sum(samples[active][s][i][0] for s in STEPS)
                             for i in range(args.rounds)]
                row[f"{label}_ms"] = statistics.median(per_round)
                row[f"{label}_queries"] = sum(samples[active][s][0][1] for s in STEPS)
            else:
                row[f"{label}_ms"] = statistics.median(ms for ms, _ in samples[active][step])
                row[f"{label}_queries"] = samples[active][step][-1][1]
        row["time_ratio"] = row["on_ms"] / row["off_ms"]
        row["added_queries"] = row["on_queries"] - row["off_queries"]
        results[step] = row
    results["order_total"] = {"off": str(totals[False]), "on": str(totals[True])}

    print(f"Checkout flow, package plugins on vs off: median of {args.rounds} rounds, "
          "one customer, 2 lines, shipping, dummy payment")
    print(f"reproduce: {COMMAND} --rounds {args.rounds}")
    print(f"  {'step':<30}{'off ms':>8}{'on ms':>8}{'ratio':>8}{'SQL off':>9}{'SQL on':>8}"
          f"{'added':>7}")
    for step in STEPS + ("whole flow",):
        row = results[step]
        print(f"  {step:<30}{row['off_ms']:>8.1f}{row['on_ms']:>8.1f}{row['time_ratio']:>7.2f}x"
              f"{row['off_queries']:>9}{row['on_queries']:>8}{row['added_queries']:>7}")
    print(f"  order total off {totals[False]}, on {totals[True]} (the cart rules apply when on)")
    write_figures(args.json, results)
    return results


if __name__ == "__main__":
    main()
