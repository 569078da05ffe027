"""Renewing many due subscriptions: speed, SQL per renewal, one renewal vs one checkout.

    .venv/bin/python benchmarks/subscription.py [--count 10000] [--json out.json]

One run: ``count`` (+1) due subscriptions charged through Klarna customer tokens (the local
simulator over real HTTP). The first half is renewed by one worker process, the second by
two (each its own process and database connection, as Celery workers); prints orders per
second for both and the speed-up, SQL queries of one renewal when 10 and when ``count``
subscriptions are due (constant), and one renewal next to one Saleor ``checkoutComplete``
for the same cart (1 × product + shipping). Uses the test settings and its own database
``test_<name>_subscription_bench``. Not a test.
"""
import argparse
import datetime
import json
import multiprocessing
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

COMMAND = "python benchmarks/subscription.py"
USERNAME, PASSWORD = "bench_merchant", "bench_secret"
DAY = datetime.date(2030, 1, 7)


def configure_plugins(simulator_url):
    from django.contrib.sites.models import Site
    from saleor.plugins.models import PluginConfiguration
    from saleor.site.models import SiteSettings

    from saleor_plugins.klarna.plugin import KlarnaGatewayPlugin
    from saleor_plugins.subscription.plugin import SubscriptionPlugin

    Site.objects.clear_cache()
    site = Site.objects.get_current()
    SiteSettings.objects.update_or_create(site=site, defaults={
        "default_mail_sender_address": "post@shop.example.com"})
    klarna = {"username": USERNAME, "password": PASSWORD, "api_url": simulator_url,
              "timeout_seconds": 10}
    for plugin, values in ((KlarnaGatewayPlugin, klarna), (SubscriptionPlugin, {})):
        PluginConfiguration.objects.update_or_create(identifier=plugin.PLUGIN_ID, defaults={
            "name": plugin.PLUGIN_NAME, "active": True, "configuration": [
                {"name": i["name"], "value": values.get(i["name"], i["value"])}
                for i in plugin.DEFAULT_CONFIGURATION]})


def customer_token(simulator):
    from saleor_plugins.klarna.client import KlarnaClient

    client = KlarnaClient(USERNAME, PASSWORD, base_url=simulator.url)
    session = client.create_session({
        "purchase_country": "NO", "purchase_currency": "NOK", "locale": "nb-NO",
        "order_amount": 0, "order_tax_amount": 0, "intent": "tokenize", "order_lines": [
            {"name": "Abonnement", "quantity": 1, "unit_price": 0, "total_amount": 0,
             "tax_rate": 0, "total_tax_amount": 0}]})
    authorization = simulator.authorize(session.session_id)
    return client.create_customer_token(authorization, {
        "description": "Abonnement", "intended_use": "SUBSCRIPTION", "locale": "nb-NO",
        "purchase_country": "NO", "purchase_currency": "NOK"}).token_id


def build(count, token_id):
    """``count`` customers with one due subscription each (bulk: setup is not measured)."""
    from decimal import Decimal

    from saleor.account.models import User

    from saleor_plugins.subscription.models import Subscription
    from tests import factories

    zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    variant = factories.create_variant("129.00", "Kaffe Fjell", "KAFFE-1", warehouse=warehouse,
                                       track_inventory=False)
    address = factories.create_address()
    User.objects.bulk_create(
        [User(email=f"bench{i}@example.com", is_active=True) for i in range(count + 1)])
    users = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    Subscription.objects.bulk_create([
        Subscription(user=user, variant=variant, product_name="Kaffe Fjell",
                     product_sku="KAFFE-1", quantity=1, interval="1w",
                     anchor_date=DAY - datetime.timedelta(days=7), anchor_cycle=0, next_cycle=1,
                     next_delivery_date=DAY, next_order_date=DAY, due_on=DAY,
                     unit_price=Decimal("129.00"), currency="NOK",
                     shipping_method=zone.shipping_methods.get(),
                     shipping_method_name="Posten", shipping_price=Decimal("49.00"),
                     shipping_address=address, billing_address=address,
                     gateway="saleor_plugins.klarna", klarna_token_id=token_id)
        for user in users], batch_size=1000)
    return variant, zone.shipping_methods.get()


def renew_ids(ids):
    """What a worker does for its share: the renew_subscription task body per id."""
    from saleor_plugins.subscription.renewal import renew
    from saleor_plugins.subscription.subscriptions import plugin

    config = plugin().config
    results = {}
    for pk in ids:
        result = renew(pk, config, DAY)
        results[result] = results.get(result, 0) + 1
    return results


def _child(ids, queue):
    connections.close_all()  # each process opens its own connection
    started = time.perf_counter()
    results = renew_ids(ids)
    queue.put((time.perf_counter() - started, results))


def run_processes(ids, processes):
    queue = multiprocessing.Queue()
    shares = [ids[i::processes] for i in range(processes)]
    connections.close_all()
    started = time.perf_counter()
    children = [multiprocessing.Process(target=_child, args=(share, queue)) for share in shares]
    for child in children:
        child.start()
    outcomes = [queue.get() for _ in children]
    for child in children:
        child.join()
    elapsed = time.perf_counter() - started
    results = {}
    for _, part in outcomes:
        for key, value in part.items():
            results[key] = results.get(key, 0) + value
    return elapsed, results


def queries_of_one_renewal(pk):
    from saleor_plugins.subscription.renewal import renew
    from saleor_plugins.subscription.subscriptions import plugin

    config = plugin().config
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = renew(pk, config, DAY)
        elapsed = time.perf_counter() - started
    assert result == "paid", result
    return len(queries), elapsed


def checkout_complete_cost(variant, shipping_method, repeat):
    """One checkoutComplete through /graphql/ (dummy gateway), same cart as a renewal."""
    from django.test import Client
    from graphene import Node
    from graphql_jwt.shortcuts import get_token

    from tests import factories
    from tests.checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE

    times, counts = [], []
    for i in range(repeat):
        user = factories.create_customer(f"checkout{i}@example.com")
        checkout = factories.create_checkout(user=user, lines=[(variant, 1)],
                                             shipping_method=shipping_method)
        client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(user)}")
        checkout_id = Node.to_global_id("Checkout", checkout.token)

        def post(query, variables):
            response = client.post("/graphql/", json.dumps(
                {"query": query, "variables": variables}), content_type="application/json")
            assert "errors" not in response.json(), response.content
            return response.json()["data"]

        post(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": "charged", "amount": "178.00"}})
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            data = post(CHECKOUT_COMPLETE, {"checkoutId": checkout_id})
            times.append(time.perf_counter() - started)
        assert data["checkoutComplete"]["checkoutErrors"] == [], data
        counts.append(len(queries))
    return statistics.median(times), statistics.median(counts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    from saleor_plugins.klarna.simulator import run_simulator

    setup_test_environment()
    connection.settings_dict["NAME"] = connection.settings_dict["NAME"] + "_subscription_bench"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.settings_dict["NAME"] = name
    simulator = run_simulator(credentials={USERNAME: PASSWORD})
    try:
        configure_plugins(simulator.url)
        variant, shipping_method = build(args.count, customer_token(simulator))
        from saleor_plugins.subscription.models import Subscription

        ids = list(Subscription.objects.order_by("pk").values_list("pk", flat=True))
        early_queries, _ = queries_of_one_renewal(ids[0])  # all others still due
        renewal_times = [queries_of_one_renewal(pk)[1] for pk in ids[1:11]]
        rest = ids[11:-1]  # the last one is renewed alone once no other is due
        half = len(rest) // 2
        one_elapsed, one_results = run_processes(rest[:half], 1)
        two_elapsed, two_results = run_processes(rest[half:], 2)
        connection.connect()
        late_queries, _ = queries_of_one_renewal(ids[-1])
        checkout_s, checkout_queries = checkout_complete_cost(variant, shipping_method, 10)
        charges = simulator.state.charge_count
    finally:
        simulator.stop()
        connections.close_all()
        connection.creation.destroy_test_db(name, verbosity=0)

    results = {
        "subscriptions": args.count,
        "one_process": {"renewals": half, "seconds": one_elapsed,
                        "orders_per_second": half / one_elapsed, "results": one_results},
        "two_processes": {"renewals": len(rest) - half, "seconds": two_elapsed,
                          "orders_per_second": (len(rest) - half) / two_elapsed,
                          "results": two_results},
        "queries_per_renewal_with_all_due": early_queries,
        "queries_per_renewal_with_none_left": late_queries,
        "renewal_ms_median": statistics.median(renewal_times) * 1000,
        "checkout_complete_ms_median": checkout_s * 1000,
        "checkout_complete_queries": checkout_queries,
        "klarna_charges": charges,
    }
    results["speed_up"] = (results["two_processes"]["orders_per_second"]
                           / results["one_process"]["orders_per_second"])
    print(f"Subscriptions: {args.count} due, renewed and charged through the Klarna simulator")
    print(f"reproduce: {COMMAND} --count {args.count}")
    for key in ("one_process", "two_processes"):
        row = results[key]
        print(f"  {key:<14} {row['renewals']:>6} renewals in {row['seconds']:7.1f} s = "
              f"{row['orders_per_second']:6.1f} orders/s  {row['results']}")
    print(f"  speed-up 1 → 2 processes: {results['speed_up']:.2f}x")
    print(f"  SQL per renewal: {early_queries} with {args.count} due, {late_queries} with "
          f"none other due")
    print(f"  one renewal {results['renewal_ms_median']:.1f} ms vs one checkoutComplete "
          f"{results['checkout_complete_ms_median']:.1f} ms ({checkout_queries} SQL)")
    print(f"  Klarna charges: {charges} for {args.count + 1} renewals")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2, default=str)
    return results


if __name__ == "__main__":
    main()
