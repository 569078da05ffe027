"""Cart rules in Saleor 3.23's checkout prices: 30 rules, carts of 10 and 100 lines.

Run through ``benchmarks/discount_rules.py`` with the 3.23 environment. Saleor 3.23 stores a
checkout's prices and recalculates them when they expire; the package writes its rules'
discounts as Saleor's own discount rows when the checkout changes (the ``checkout_updated``
hook). So three requests are timed per cart, each with Saleor alone ("off"), with the
package and its plugins on ("on") and with the package's plugins off ("installed"), each
mode on a checkout it made itself, the modes alternating request by request:

- the price query (totals, discount, every line's total) on stored prices;
- the same query with the prices expired before each request (Saleor recalculates them);
- ``checkoutLinesUpdate`` of one line's quantity (where the rules are evaluated).
"""
from graphene import Node

from common import timed_post, write_figures
import modes_saleor3 as modes

COMMAND = "python benchmarks/discount_rules.py"
MODES = ("off", "on", "installed")
TOTALS = """totalPrice { gross { amount } } subtotalPrice { gross { amount } }
  shippingPrice { gross { amount } } discount { amount }
  lines { totalPrice { gross { amount } } }"""
QUERY = f"query($id: ID!) {{ checkout(id: $id) {{ {TOTALS} }} }}"
CREATE = """mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  checkout { id lines { id } } errors { field code message } } }"""
DELIVERY = """mutation($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { id } errors { field code message } } }"""
LINES_UPDATE = f"""mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {{
  checkoutLinesUpdate(id: $id, lines: $lines) {{ checkout {{ {TOTALS} }}
  errors {{ field code message }} }} }}"""
ADDRESS = {"firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Storgata 1",
           "city": "OSLO", "postalCode": "0155", "country": "NO", "phone": "+4722334455"}
MEASURES = ("price query", "price query, prices expired", "checkoutLinesUpdate")


class Shop:
    def __init__(self, sizes):
        from tests import factories

        modes.empty_shop()
        self.channel = factories.default_channel()
        zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
        self.method = zone.shipping_methods.get()
        warehouse = factories.create_warehouse([zone])
        self.categories = [factories.create_category(f"Kategori {i}") for i in range(5)]
        self.variants = [
            factories.create_variant(f"{10 + i}.90", f"Vare {i}", f"BENCH-{i}",
                                     self.categories[i % 5], warehouse=warehouse,
                                     stock=1_000_000)
            for i in range(max(sizes))]
        self.customer = factories.create_customer("bench@example.com")
        self.header = factories.authorization_header(self.customer)
        self.rules = add_rules(self)


def add_rules(shop):
    from saleor_plugins.platform import saleor3

    if "discount_rules" not in saleor3.FEATURES:
        return 0
    from rules_world import thirty_rules

    return len(thirty_rules(shop.channel, shop.categories))


def create_checkout(client, shop, count):
    """A checkout of ``count`` lines with addresses and delivery, made through /graphql/."""
    gid = Node.to_global_id
    lines = [{"variantId": gid("ProductVariant", v.pk), "quantity": 1 + i % 3}
             for i, v in enumerate(shop.variants[:count])]
    data, _, _ = timed_post(client, CREATE, {"input": {
        "channel": shop.channel.slug, "email": "bench@example.com", "lines": lines,
        "shippingAddress": ADDRESS, "billingAddress": ADDRESS}})
    checkout = data["checkoutCreate"]["checkout"]
    timed_post(client, DELIVERY, {"id": checkout["id"],
                                  "method": gid("ShippingMethod", shop.method.pk)})
    return checkout["id"], checkout["lines"][0]["id"]


def expire_prices(checkout_id):
    from django.utils import timezone
    from saleor.checkout.models import Checkout

    _, token = Node.from_global_id(checkout_id)
    Checkout.objects.filter(pk=token).update(price_expiration=timezone.now())


def sample(client, checkout_id, line_id, i, samples):
    """One request of each measure on one checkout, appended to ``samples``."""
    for name in MEASURES:
        if name == "price query, prices expired":
            expire_prices(checkout_id)
        if name == "checkoutLinesUpdate":
            data, ms, sql = timed_post(client, LINES_UPDATE, {
                "id": checkout_id, "lines": [{"lineId": line_id, "quantity": 2 + i % 2}]})
        else:
            data, ms, sql = timed_post(client, QUERY, {"id": checkout_id})
        samples[name].append((ms, sql))
    return data


def in_mode(mode, call, *args):
    """``call(*args)`` with Saleor alone ("off") or with the package, its plugins on ("on")
    or off ("installed")."""
    modes.package_plugins(mode == "on")
    if mode == "off":
        with modes.vanilla_saleor():
            return call(*args)
    return call(*args)


def summary(samples):
    import statistics

    return {name: {"ms": statistics.median(ms for ms, _ in values),
                   "queries": max(sql for _, sql in values),
                   "queries_range": [min(sql for _, sql in values),
                                     max(sql for _, sql in values)]}
            for name, values in samples.items()}


def breakdown(shop, sizes, repeat):
    """``--breakdown``: the cart rules' hook function by function, the package's view."""
    from django.test import Client

    import breakdown_saleor3

    print(f"Saleor 3.23, {shop.rules} cart rules: where checkoutLinesUpdate's time goes "
          f"(--breakdown, {repeat} requests)")
    print(f"reproduce: {COMMAND} --breakdown --repeat {repeat}")
    client = Client(HTTP_AUTHORIZATION=shop.header)
    modes.package_plugins(True)
    ids = {count: create_checkout(client, shop, count) for count in sizes}
    breakdown_saleor3.hook_breakdown(client, ids, sizes, repeat, LINES_UPDATE)
    modes.package_plugins(False)
    checkout_id, _ = create_checkout(client, shop, max(sizes))
    print(f"  {max(sizes)} lines, no rows:")
    breakdown_saleor3.package_view_cost(shop.header, checkout_id, QUERY, repeat)
    return {}


def main(args, sizes=(10, 100)):
    from django.test import Client

    from common import throwaway_database

    with throwaway_database("rules3"):
        shop = Shop(sizes)
        if getattr(args, "breakdown", False):
            return breakdown(shop, sizes, args.repeat)
        clients = {mode: Client(HTTP_AUTHORIZATION=shop.header) for mode in MODES}
        measured = {}
        for count in sizes:
            # each mode its own checkout, made in that mode; requests alternate the modes
            ids = {mode: in_mode(mode, create_checkout, clients[mode], shop, count)
                   for mode in MODES}
            samples = {mode: {name: [] for name in MEASURES} for mode in MODES}
            totals = {}
            for i in range(-1, args.repeat):  # round -1 warms up
                for mode in MODES:
                    data = in_mode(mode, sample, clients[mode], *ids[mode], i,
                                   samples[mode] if i >= 0 else {n: [] for n in MEASURES})
                    checkout = data["checkoutLinesUpdate"]["checkout"]
                    totals[mode] = checkout["totalPrice"]["gross"]["amount"]
            for mode in MODES:
                measured[count, mode] = summary(samples[mode]), totals[mode]

    results = {"rules": shop.rules}
    for count in sizes:
        for name in MEASURES:
            off, on = measured[count, "off"][0][name], measured[count, "on"][0][name]
            installed = measured[count, "installed"][0][name]
            results[f"{count} lines, {name}"] = {
                "off_ms": off["ms"], "on_ms": on["ms"], "time_ratio": on["ms"] / off["ms"],
                "installed_ms": installed["ms"], "installed_queries": installed["queries"],
                "off_queries": off["queries"], "on_queries": on["queries"],
                "added_queries": on["queries"] - off["queries"],
                "on_queries_range": on["queries_range"],
                "total_off": measured[count, "off"][1], "total_on": measured[count, "on"][1]}
    print(f"Saleor 3.23, cart rules: {shop.rules} rules, checkout prices, Saleor alone (off) vs "
          f"with the package (on), median of {args.repeat} requests")
    print(f"reproduce: {COMMAND} --repeat {args.repeat}")
    print(f"  {'cart, request':<42}{'off ms':>8}{'on ms':>8}{'ratio':>8}{'SQL off':>9}"
          f"{'SQL on':>8}{'added':>7}{'total off':>11}{'total on':>10}{'installed ms':>14}")
    for key, row in results.items():
        if key == "rules":
            continue
        print(f"  {key:<42}{row['off_ms']:>8.1f}{row['on_ms']:>8.1f}{row['time_ratio']:>7.2f}x"
              f"{row['off_queries']:>9}{row['on_queries']:>8}{row['added_queries']:>7}"
              f"{row['total_off']:>11.2f}{row['total_on']:>10.2f}{row['installed_ms']:>14.1f}")
    print("  installed = the package's settings with its plugins off (its schema and view "
          "only)")
    write_figures(args.json, results)
    return results
