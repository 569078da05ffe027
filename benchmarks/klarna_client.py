"""Klarna client against the local simulator: requests per second and the client's own cost.

    .venv/bin/python benchmarks/klarna_client.py [--seconds 2] [--json out.json]

Prints a table; with --json also writes the figures for comparing runs. Not a test.
"""
import argparse
import json
import os
import sys
import threading
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import requests  # noqa: E402
from common import write_figures  # noqa: E402
from prices import Money, TaxedMoney  # noqa: E402
from requests.adapters import BaseAdapter  # noqa: E402

from saleor_plugins.klarna.amounts import KlarnaOrderData, product_line, shipping_line  # noqa: E402
from saleor_plugins.klarna.client import KlarnaClient  # noqa: E402
from saleor_plugins.klarna.results import ManagedOrder  # noqa: E402
from saleor_plugins.klarna.simulator import run_simulator  # noqa: E402

USER, PASSWORD = "bench", "bench-secret"
COMMAND = "python benchmarks/klarna_client.py"


def taxed(gross, rate=Decimal("0.25")):
    gross = Decimal(gross)
    return TaxedMoney(net=Money((gross / (1 + rate)).quantize(Decimal("0.01")), "NOK"),
                      gross=Money(gross, "NOK"))


def cart(lines=20):
    items = [product_line(f"Vare {i}", 1 + i % 3, taxed(f"{(i + 1) * 33.33 * (1 + i % 3):.2f}"),
                          reference=f"SKU-{i}") for i in range(lines)]
    items.append(shipping_line("Posten", taxed("49.00")))
    return KlarnaOrderData("NO", "NOK", "nb-NO", items)


def rate(call, seconds):
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    elapsed = time.perf_counter() - started
    return count / elapsed, elapsed / count


def parallel_rate(make_call, threads, seconds):
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def work(index):
        call = make_call()
        while time.perf_counter() < stop:
            call()
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - started)


class CannedAdapter(BaseAdapter):
    """Answers every request from memory: what remains is the client's own work."""

    def __init__(self, body: bytes, status=200):
        super().__init__()
        self.body, self.status = body, status

    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response

    def close(self):
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    sim = run_simulator(credentials={USER: PASSWORD})
    client = KlarnaClient(USER, PASSWORD, base_url=sim.url, allow_loopback=True)
    body = cart().as_dict()
    session = client.create_session(body)
    order_id = client.create_order(sim.authorize(session.session_id), body).order_id
    raw = requests.Session()
    raw.auth = (USER, PASSWORD)
    url = f"{sim.url}/ordermanagement/v1/orders/{order_id}"
    results = {}

    results["read_order_rps"], per_read = rate(lambda: client.read_order(order_id), args.seconds)
    results["raw_requests_get_rps"], per_raw = rate(lambda: raw.get(url).json(), args.seconds)
    results["create_session_rps"], _ = rate(lambda: client.create_session(body), args.seconds)
    results["capture_replay_rps"], _ = rate(
        lambda: client.capture_order(order_id, 1, idempotency_key="bench-replay"), args.seconds)
    results["read_order_rps_4_threads"] = parallel_rate(
        lambda: (lambda c: lambda: c.read_order(order_id))(
            KlarnaClient(USER, PASSWORD, base_url=sim.url, allow_loopback=True)), 4, args.seconds)

    order_json = json.dumps(client.read_order(order_id).raw).encode()
    offline = KlarnaClient(USER, PASSWORD, playground=True)  # Klarna's host, never reached
    offline._session.mount("https://", CannedAdapter(order_json))
    _, per_offline_read = rate(lambda: offline.read_order(order_id), args.seconds / 2)
    canned = requests.Session()
    canned.mount("http://", CannedAdapter(order_json))
    _, per_canned = rate(lambda: canned.get("http://klarna.invalid/x").json(), args.seconds / 2)
    results["bare_requests_no_network_us"] = per_canned * 1e6
    _, per_build = rate(lambda: cart().as_dict(), args.seconds / 2)
    _, per_parse = rate(lambda: ManagedOrder.from_json(json.loads(order_json)), args.seconds / 2)
    results["client_overhead_read_us"] = per_offline_read * 1e6
    results["build_21_line_body_us"] = per_build * 1e6
    results["parse_order_us"] = per_parse * 1e6
    results["client_vs_raw_requests_ratio"] = per_read / per_raw
    sim.stop()

    rows = [
        ("read order (GET), 1 client", f"{results['read_order_rps']:.0f} req/s"),
        ("same GET with bare requests.Session", f"{results['raw_requests_get_rps']:.0f} req/s"),
        ("client time / bare requests time", f"{results['client_vs_raw_requests_ratio']:.2f}x"),
        ("read order, 4 threads", f"{results['read_order_rps_4_threads']:.0f} req/s"),
        ("create session (21 lines, validated)", f"{results['create_session_rps']:.0f} req/s"),
        ("capture replay (same idempotency key)", f"{results['capture_replay_rps']:.0f} req/s"),
        ("client overhead per call, no network", f"{results['client_overhead_read_us']:.0f} µs"),
        ("bare requests per call, no network", f"{results['bare_requests_no_network_us']:.0f} µs"),
        ("build a 21-line order body", f"{results['build_21_line_body_us']:.0f} µs"),
        ("parse an order response", f"{results['parse_order_us']:.1f} µs"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"Klarna client vs simulator on loopback ({args.seconds:g}s per figure)")
    print(f"reproduce: {COMMAND} --seconds {args.seconds:g}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>14}")
    write_figures(args.json, results)
    return results


if __name__ == "__main__":
    main()
