"""Cost of the discount-rules plugin in Saleor's checkout price calculation.

    .venv/saleor-3.23/bin/python benchmarks/discount_rules.py [--repeat 20] [--json out.json]
    .venv/saleor-2.10/bin/python benchmarks/discount_rules.py [--repeat 20] [--json out.json]

On Saleor 3.23 the requests and the world are 3.23's (``discount_rules_saleor3.py``); below, 2.10.1's.

One run: 30 rules, carts of 10 and 100 lines, the same /graphql/ checkout query (totals and
every line's total) with the plugin on and off; time and SQL queries per request. Uses the
test settings (embedded PostgreSQL unless DATABASE_URL is set) and its own database
``test_<name>_bench``. Not a test.
"""
import argparse
import json
import os
import statistics
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import common  # noqa: E402
import django  # noqa: E402

from common import throwaway_database, write_figures  # noqa: E402

common.REQUEST_EXTRA.update(common.production_mode())
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COMMAND = "python benchmarks/discount_rules.py"
QUERY = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { gross { amount } }
    subtotalPrice { gross { amount } }
    shippingPrice { gross { amount } }
    lines { totalPrice { gross { amount } } }
  }
}"""


def build_shop(lines):
    from saleor.plugins.models import PluginConfiguration
    from saleor.site.models import SiteSettings
    from django.contrib.sites.models import Site

    from saleor_plugins.discount_rules import rules
    from saleor_plugins.discount_rules.models import DiscountRule, RuleCondition
    from saleor_plugins.discount_rules.plugin import DiscountRulesPlugin
    from tests import factories

    Site.objects.clear_cache()
    SiteSettings.objects.get_or_create(site=Site.objects.get_current())
    zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    categories = [factories.create_category(f"Kategori {i}") for i in range(5)]
    variants = [
        factories.create_variant(f"{10 + i}.90", f"Vare {i}", f"BENCH-{i}", categories[i % 5],
                                 warehouse=warehouse)
        for i in range(max(lines))
    ]
    customer = factories.create_customer()
    checkouts = {}
    for count in lines:
        checkout = factories.create_checkout(
            user=customer, lines=[(v, 1 + i % 3) for i, v in enumerate(variants[:count])],
            shipping_method=zone.shipping_methods.get())
        checkouts[count] = (checkout.token, customer)
    kinds = [rules.FIXED, rules.PERCENTAGE, rules.FIXED, rules.FREE_SHIPPING]
    for i in range(30):
        rule = DiscountRule.objects.create(
            name=f"Regel {i}", kind=kinds[i % 4], value=Decimal("1.5") if i % 4 != 1 else 1,
            direction=rules.SURCHARGE if i % 7 == 0 and kinds[i % 4] != rules.FREE_SHIPPING
            else rules.DISCOUNT)
        condition = [
            {"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal(i * 10)},
            {"type": rules.CATEGORY, "category": categories[i % 5]},
            {"type": rules.SHIPPING_COUNTRY, "country": "NO" if i % 2 else "SE"},
            {"type": rules.FROM_SECOND_ORDER},
            {"type": rules.MIN_QUANTITY, "quantity": i},
        ][i % 5]
        RuleCondition.objects.create(rule=rule, **condition)
    PluginConfiguration.objects.update_or_create(
        identifier=DiscountRulesPlugin.PLUGIN_ID,
        defaults={"name": DiscountRulesPlugin.PLUGIN_NAME, "active": True,
                  "configuration": DiscountRulesPlugin.DEFAULT_CONFIGURATION})
    return checkouts


def set_active(active):
    from saleor.plugins.models import PluginConfiguration

    PluginConfiguration.objects.filter(identifier="saleor_plugins.discount_rules").update(
        active=active)


def measure(token, customer, repeat):
    from graphql_jwt.shortcuts import get_token

    client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(customer)}")
    body = json.dumps({"query": QUERY, "variables": {"token": str(token)}})
    client.post("/graphql/", body, content_type="application/json")  # warm up
    times = []
    for _ in range(repeat):
        connection.queries_log.clear()  # the log keeps 9000 queries; count from empty
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post("/graphql/", body, content_type="application/json")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200 and "errors" not in response.json(), response.content
    total = response.json()["data"]["checkout"]["totalPrice"]["gross"]["amount"]
    return statistics.median(times) * 1000, len(queries), total


def profile(token, customer):
    """--profile: where the time of one request with the plugin on goes."""
    import cProfile
    import pstats

    from graphql_jwt.shortcuts import get_token

    client = Client(HTTP_AUTHORIZATION=f"JWT {get_token(customer)}")
    body = json.dumps({"query": QUERY, "variables": {"token": str(token)}})
    client.post("/graphql/", body, content_type="application/json")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.post("/graphql/", body, content_type="application/json")
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats("saleor_plugins", 25)
    stats.print_callees("load_rules")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json")
    parser.add_argument("--profile", action="store_true", help="profile the 100-line cart")
    parser.add_argument("--breakdown", action="store_true",
                        help="Saleor 3.23: the rules' hook function by function, and the cost "
                             "of the package's schema and view")
    args = parser.parse_args(argv)
    from saleor_plugins.platform import adapter_name

    if adapter_name() == "saleor3":
        import discount_rules_saleor3

        return discount_rules_saleor3.main(args)

    with throwaway_database("rules"):
        results = {}
        checkouts = build_shop([10, 100])
        if args.profile:
            profile(*checkouts[100])
            return {}
        for count, (token, customer) in checkouts.items():
            set_active(False)
            off_ms, off_queries, off_total = measure(token, customer, args.repeat)
            set_active(True)
            on_ms, on_queries, on_total = measure(token, customer, args.repeat)
            results[f"{count}_lines"] = {
                "off_ms": off_ms, "on_ms": on_ms, "time_ratio": on_ms / off_ms,
                "off_queries": off_queries, "on_queries": on_queries,
                "added_queries": on_queries - off_queries,
                "total_off": off_total, "total_on": on_total,
            }

    print(f"Discount rules: 30 rules, checkout price query, median of {args.repeat} requests")
    print(f"reproduce: {COMMAND} --repeat {args.repeat}")
    print(f"  {'cart':<10}{'off ms':>9}{'on ms':>9}{'ratio':>8}{'SQL off':>9}{'SQL on':>8}"
          f"{'added':>7}{'total off':>11}{'total on':>10}")
    for key, row in results.items():
        print(f"  {key:<10}{row['off_ms']:>9.1f}{row['on_ms']:>9.1f}{row['time_ratio']:>7.2f}x"
              f"{row['off_queries']:>9}{row['on_queries']:>8}{row['added_queries']:>7}"
              f"{row['total_off']:>11.2f}{row['total_on']:>10.2f}")
    write_figures(args.json, results)
    return results


if __name__ == "__main__":
    main()
