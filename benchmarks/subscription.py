"""Renewing many due subscriptions: speed, SQL per renewal, one renewal vs one checkout.

    .venv/bin/python benchmarks/subscription.py [--count 10000] [--quick] [--broker URL]
                                                [--no-broker] [--json out.json]

One run: ``count`` (+1) due subscriptions charged through Klarna customer tokens (the local
simulator over real HTTP). The first half is renewed by one real Celery worker process on the
broker (the machine's Redis by default), the second half by two, each sent one
``renew_subscription`` task per subscription as beat does; prints orders per second for both
(until the renewals are settled, and until their e-mail tasks are done too) and the speed-up,
SQL queries of one renewal when ``count`` and when no other subscriptions are due (constant),
and one renewal next to one Saleor ``checkoutComplete`` for the same cart (1 x product +
shipping). Without a broker (or with ``--no-broker``) plain processes run the task body.
Uses the test settings and a throw-away database of its own. Not a test.
"""
import argparse
import datetime
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

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

    client = KlarnaClient(USERNAME, PASSWORD, base_url=simulator.url, allow_loopback=True)
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
    from saleor_plugins.subscription.scheduling import DeliveryCalendar
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
                     gateway="saleor_plugins.klarna", klarna_token_id=token_id,
                     calendar_key=DeliveryCalendar().key)  # planned as checkout plans
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
    """Without a broker: plain processes running the task body (not Celery)."""
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
    return {"seconds": elapsed, "drained_seconds": elapsed, "results": results}


def broker_queue_length(app, broker_url):
    from amqp.exceptions import ChannelError

    with app.connection_for_write(broker_url) as broker:
        try:
            return broker.default_channel.queue_declare(
                queue=app.conf.task_default_queue, passive=True).message_count
        except ChannelError:  # Redis drops an empty queue's key: "no queue"
            return 0


def run_celery_workers(ids, processes, broker_url, folder):
    """Real Celery worker processes on the broker: ``renew_subscription`` per id, as beat
    sends them. Timed from the first task sent to the last renewal settled (``seconds``)
    and to the queue drained, the renewals' e-mail tasks included (``drained_seconds``)."""
    from saleor.celeryconf import app

    from saleor_plugins.subscription.models import Renewal
    from tests.celery_worker import Worker

    with app.connection_for_write(broker_url) as broker:
        app.control.purge(connection=broker)
    workers = []
    try:
        for number in range(processes):
            mail_dir = folder / f"mail-{processes}-{number}"
            mail_dir.mkdir()
            workers.append(Worker(mail_dir, folder / f"worker-{processes}-{number}.log")
                           .start(timeout=120))
        settled = Renewal.objects.filter(subscription_id__in=ids).exclude(
            status=Renewal.PENDING)
        started = time.perf_counter()
        with app.connection_for_write(broker_url) as broker, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            producer = app.amqp.Producer(broker)
            for pk in ids:
                app.send_task("saleor_plugins.subscription.tasks.renew_subscription",
                              args=[pk, DAY.isoformat()], producer=producer)
        while settled.count() < len(ids):
            if any(worker.process.poll() is not None for worker in workers):
                raise RuntimeError("a worker died:\n" + workers[0].log.read_text()[-3000:])
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        while broker_queue_length(app, broker_url) or not all(map(worker_idle, workers)):
            time.sleep(0.5)
        drained = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.stop()
    results = {}
    for status in Renewal.objects.filter(subscription_id__in=ids).values_list("status", flat=True):
        results[status] = results.get(status, 0) + 1
    return {"seconds": seconds, "drained_seconds": drained, "results": results}


def worker_idle(worker):
    """Every task the worker received has ended (Celery logs both at INFO)."""
    log = worker.log.read_text()
    return log.count("] received") == log.count("] succeeded in ") + log.count("] raised ")


def broker_answers(url):
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection(
                (parsed.hostname, parsed.port or {"amqp": 5672}.get(parsed.scheme, 6379)), 1):
            return True
    except OSError:
        return False


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
    parser.add_argument("--quick", action="store_true", help="200 subscriptions (a smoke run)")
    parser.add_argument("--broker", default=os.environ.get(
        "SALEOR_PLUGINS_BENCH_BROKER", "redis://127.0.0.1:6379/10"),
        help="Celery broker for the worker processes (redis:// or amqp://)")
    parser.add_argument("--no-broker", action="store_true",
                        help="plain processes running the task body instead of Celery workers")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    count = 200 if args.quick else args.count
    use_broker = not args.no_broker and broker_answers(args.broker)
    if use_broker:
        os.environ["SALEOR_PLUGINS_TEST_BROKER"] = args.broker  # read by tests.celery_worker

    from saleor_plugins.klarna.simulator import run_simulator

    from common import throwaway_database, write_figures

    with throwaway_database("subscription"), tempfile.TemporaryDirectory() as folder:
        simulator = run_simulator(credentials={USERNAME: PASSWORD})
        try:
            configure_plugins(simulator.url)
            variant, shipping_method = build(count, customer_token(simulator))
            from saleor_plugins.subscription.models import Subscription

            ids = list(Subscription.objects.order_by("pk").values_list("pk", flat=True))
            early_queries, _ = queries_of_one_renewal(ids[0])  # all others still due
            renewal_times = [queries_of_one_renewal(pk)[1] for pk in ids[1:11]]
            rest = ids[11:-1]  # the last one is renewed alone once no other is due
            half = len(rest) // 2
            connections.close_all()
            if use_broker:
                one = run_celery_workers(rest[:half], 1, args.broker, Path(folder))
                two = run_celery_workers(rest[half:], 2, args.broker, Path(folder))
            else:
                one = run_processes(rest[:half], 1)
                two = run_processes(rest[half:], 2)
            late_queries, _ = queries_of_one_renewal(ids[-1])
            checkout_s, checkout_queries = checkout_complete_cost(variant, shipping_method, 10)
            charges = simulator.state.charge_count
        finally:
            simulator.stop()
            connections.close_all()

    results = {
        "subscriptions": count,
        "workers": f"Celery workers on {args.broker}" if use_broker else "plain processes",
        "queries_per_renewal_with_all_due": early_queries,
        "queries_per_renewal_with_none_left": late_queries,
        "renewal_ms_median": statistics.median(renewal_times) * 1000,
        "checkout_complete_ms_median": checkout_s * 1000,
        "checkout_complete_queries": checkout_queries,
        "klarna_charges": charges,
    }
    for key, renewals, row in (("one_process", half, one), ("two_processes", len(rest) - half, two)):
        results[key] = dict(row, renewals=renewals,
                            orders_per_second=renewals / row["seconds"],
                            orders_per_second_with_emails=renewals / row["drained_seconds"])
    results["speed_up"] = (results["two_processes"]["orders_per_second"]
                           / results["one_process"]["orders_per_second"])
    results["speed_up_with_emails"] = (
        results["two_processes"]["orders_per_second_with_emails"]
        / results["one_process"]["orders_per_second_with_emails"])
    print(f"Subscriptions: {count} due, renewed and charged through the Klarna simulator by "
          f"{results['workers']}")
    print(f"reproduce: {COMMAND} --count {count}")
    for key in ("one_process", "two_processes"):
        row = results[key]
        print(f"  {key:<14} {row['renewals']:>6} renewals in {row['seconds']:7.1f} s = "
              f"{row['orders_per_second']:6.1f} orders/s; with their e-mails sent "
              f"{row['drained_seconds']:7.1f} s = {row['orders_per_second_with_emails']:6.1f}/s"
              f"  {row['results']}")
    print(f"  speed-up 1 -> 2 workers: {results['speed_up']:.2f}x "
          f"({results['speed_up_with_emails']:.2f}x with e-mails)")
    print(f"  SQL per renewal: {early_queries} with {count} due, {late_queries} with "
          f"none other due")
    print(f"  one renewal {results['renewal_ms_median']:.1f} ms vs one checkoutComplete "
          f"{results['checkout_complete_ms_median']:.1f} ms ({checkout_queries} SQL): "
          f"{results['renewal_ms_median'] / results['checkout_complete_ms_median']:.2f}x")
    print(f"  Klarna charges: {charges} for {count + 1} renewals")
    write_figures(args.json, results)
    return results


if __name__ == "__main__":
    main()
