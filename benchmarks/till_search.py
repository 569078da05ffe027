"""Latency of the till's product search on a 10 000-product catalogue.

    .venv/bin/python benchmarks/till_search.py [--products 10000] [--repeat 40] [--json out.json]

Builds the catalogue in its own database (``test_<name>_till_bench``), then times the
``tillProducts`` query through /graphql/ as a staff member with USE_TILL, for a scanned
SKU, part of a name, two words and a search with no match; prints median and 95th
percentile per kind and overall. Uses the test settings. Not a test.
"""
import argparse
import json
import os
import random
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
from django.test.utils import setup_test_environment  # noqa: E402

COMMAND = "python benchmarks/till_search.py"
QUERY = """query($s: String!) { tillProducts(search: $s) {
  variantId productName sku price { amount } vatRate quantityAvailable exactSku } }"""
ADJECTIVES = ["Blå", "Rød", "Grønn", "Stor", "Liten", "Myk", "Varm", "Lett", "Klassisk", "Ny",
              "Gammel", "Rask", "Sterk", "Fin", "Vill", "Stille", "Mørk", "Lys", "Ekte", "Enkel"]
NOUNS = ["kaffe", "krus", "genser", "sokk", "lue", "votter", "sjal", "kanne", "kopp", "tallerken",
         "skje", "gaffel", "kniv", "glass", "pute", "teppe", "lampe", "vase", "bok", "veske",
         "sekk", "jakke", "bukse", "skjorte", "hanske"]


def build_catalogue(count):
    from decimal import Decimal

    from django.contrib.sites.models import Site
    from prices import Money
    from saleor.plugins.models import PluginConfiguration
    from saleor.product.models import Category, Product, ProductType, ProductVariant
    from saleor.site.models import SiteSettings

    from saleor_plugins.core.permissions import TillPermissions
    from saleor_plugins.klarna_instore.plugin import KlarnaInstorePlugin
    from tests import factories

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())
    rng = random.Random(7)
    product_type = ProductType.objects.create(name="Bench", slug="bench", has_variants=True,
                                              is_shipping_required=True)
    categories = [Category.objects.create(name=f"Kategori {i}", slug=f"kategori-{i}")
                  for i in range(20)]
    products = []
    for i in range(count):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {i}"
        price = Money(Decimal(rng.randint(1000, 99900)) / 100, "NOK")
        products.append(Product(name=name, slug=f"bench-{i}", product_type=product_type,
                                category=categories[i % 20], price=price,
                                minimal_variant_price=price, is_published=True))
    Product.objects.bulk_create(products, batch_size=2000)
    products = list(Product.objects.filter(product_type=product_type).order_by("pk"))
    ProductVariant.objects.bulk_create(
        [ProductVariant(product=p, sku=f"TB-{i:05d}", name="") for i, p in enumerate(products)],
        batch_size=2000)
    PluginConfiguration.objects.update_or_create(
        identifier=KlarnaInstorePlugin.PLUGIN_ID,
        defaults={"name": KlarnaInstorePlugin.PLUGIN_NAME, "active": True,
                  "configuration": KlarnaInstorePlugin.DEFAULT_CONFIGURATION})
    return factories.create_staff("bench@example.com", [TillPermissions.USE_TILL])


def searches(count, repeat):
    rng = random.Random(11)
    kinds = {
        "scanned SKU": lambda: f"TB-{rng.randrange(count):05d}",
        "part of a name": lambda: rng.choice(NOUNS)[:4],
        "two words": lambda: f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
        "no match": lambda: f"zz{rng.randrange(10 ** 6)}",
    }
    return {kind: [make() for _ in range(repeat)] for kind, make in kinds.items()}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(staff, plan):
    from graphql_jwt.shortcuts import get_token

    client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(staff)}")
    post = lambda text: client.post(  # noqa: E731
        "/graphql/", json.dumps({"query": QUERY, "variables": {"s": text}}),
        content_type="application/json")
    post("warm up")
    results = {}
    for kind, texts in plan.items():
        times = []
        for text in texts:
            started = time.perf_counter()
            response = post(text)
            times.append((time.perf_counter() - started) * 1000)
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body
            found = body["data"]["tillProducts"]
            if kind == "scanned SKU":
                assert found[0]["sku"] == text and found[0]["exactSku"], found[:1]
            if kind == "no match":
                assert found == []
        results[kind] = times
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args(argv)

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})
    connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_till_bench"
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    connection.settings_dict["NAME"] = name
    try:
        started = time.perf_counter()
        staff = build_catalogue(args.products)
        built = time.perf_counter() - started
        timings = measure(staff, searches(args.products, args.repeat))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)

    everything = [t for times in timings.values() for t in times]
    summary = {kind: {"median_ms": statistics.median(t), "p95_ms": percentile(t, 0.95)}
               for kind, t in timings.items()}
    summary["all"] = {"median_ms": statistics.median(everything),
                      "p95_ms": percentile(everything, 0.95)}
    print(f"Till product search (tillProducts over /graphql/), {args.products} products, "
          f"{args.repeat} searches per kind (catalogue built in {built:.0f} s)")
    print(f"reproduce: {COMMAND} --products {args.products} --repeat {args.repeat}")
    print(f"  {'search':<16}{'median ms':>11}{'p95 ms':>9}")
    for kind, row in summary.items():
        print(f"  {kind:<16}{row['median_ms']:>11.1f}{row['p95_ms']:>9.1f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(summary, handle, indent=2)
    return summary


if __name__ == "__main__":
    main()
