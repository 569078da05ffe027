"""Saleor 3.23's checkout flow: Saleor alone vs Saleor with the package (every plugin on).

Run through ``benchmarks/checkout_flow.py`` with the 3.23 environment. One run, one database,
one channel (NOK, flat-rate VAT): checkoutCreate → checkoutLinesAdd → the addresses →
checkoutDeliveryMethodUpdate → checkoutLinesUpdate → checkoutPaymentCreate (dummy gateway)
→ checkoutComplete through /graphql/ as a logged-in customer, every step asking for the
totals as a storefront does. Rounds alternate the modes so all see the same machine:

- "off": Saleor 3.23 as it is (its own URLconf, schema, middleware and plugin list);
- "on": the package's settings, every package plugin switched on (its cart rules match the
  cart when the cart rules are installed);
- "installed": the package's settings with its plugins switched off (shown beside them).
"""
from graphene import Node

from common import print_step_table, step_rows, timed_post, write_figures
import modes_saleor3 as modes

COMMAND = "python benchmarks/checkout_flow.py"
STEPS = ("checkoutCreate", "checkoutLinesAdd", "shipping + billing address",
         "checkoutDeliveryMethodUpdate", "checkoutLinesUpdate", "checkoutPaymentCreate",
         "checkoutComplete")
MODES = ("off", "on", "installed")
TOTALS = "totalPrice { gross { amount } } discount { amount }"
ERRORS = "errors { field code message }"

CREATE = f"""mutation($input: CheckoutCreateInput!) {{ checkoutCreate(input: $input) {{
  checkout {{ id lines {{ id }} {TOTALS} }} {ERRORS} }} }}"""
LINES_ADD = f"""mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesAdd(id: $id, lines: $lines) {{ checkout {{ {TOTALS} }} {ERRORS} }} }}"""
ADDRESSES = f"""mutation($id: ID!, $address: AddressInput!) {{
  shipping: checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {{
    checkout {{ {TOTALS} }} {ERRORS} }}
  billing: checkoutBillingAddressUpdate(id: $id, billingAddress: $address) {{
    checkout {{ {TOTALS} }} {ERRORS} }} }}"""
DELIVERY = f"""mutation($id: ID!, $method: ID!) {{
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {{
    checkout {{ {TOTALS} }} {ERRORS} }} }}"""
LINES_UPDATE = f"""mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {{
  checkoutLinesUpdate(id: $id, lines: $lines) {{ checkout {{ {TOTALS} }} {ERRORS} }} }}"""
PAYMENT = f"""mutation($id: ID!, $input: PaymentInput!) {{
  checkoutPaymentCreate(id: $id, input: $input) {{ payment {{ id }} {ERRORS} }} }}"""
COMPLETE = f"""mutation($id: ID!) {{ checkoutComplete(id: $id) {{
  order {{ id total {{ gross {{ amount }} }} }} {ERRORS} }} }}"""
ADDRESS = {"firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Storgata 1",
           "city": "OSLO", "postalCode": "0155", "country": "NO", "phone": "+4722334455"}


class Shop:
    """The channel (NOK, flat-rate VAT 25 %), its catalogue and delivery method, a customer,
    the package's data."""

    def __init__(self):
        from tests import factories

        modes.empty_shop()
        self.channel = factories.default_channel()
        zone = factories.create_shipping_zone(countries=["NO"], price="49.00")
        self.method = zone.shipping_methods.get()
        warehouse = factories.create_warehouse([zone])
        self.category = factories.create_category("Kaffe")
        self.coffee = factories.create_variant("129.00", "Kaffe", "BENCH-KAFFE", self.category,
                                               warehouse=warehouse, stock=1_000_000)
        self.mug = factories.create_variant("89.50", "Krus", "BENCH-KRUS",
                                            warehouse=warehouse, stock=1_000_000)
        self.customer = factories.create_customer("bench@example.com")
        self.header = factories.authorization_header(self.customer)
        self.package_data = add_package_data(self)


def add_package_data(shop):
    """What a shop using the package has: three cart rules that match the cart, where the
    cart rules are installed (features add theirs here). Returns what was added."""
    from saleor_plugins.platform import saleor3

    added = []
    if "discount_rules" in saleor3.FEATURES:
        from rules_world import create_rule

        from saleor_plugins.discount_rules import rules

        for i, (kind, value) in enumerate([(rules.PERCENTAGE, 5), (rules.FIXED, "10"),
                                           (rules.FREE_SHIPPING, 0)]):
            create_rule(shop.channel, f"Regel {i}", kind, value,
                        {"type": rules.CATEGORY, "category": shop.category})
        added.append("3 cart rules")
    return added


def one_checkout(client, shop):
    """The steps; returns {step: (ms, queries)} and the order's total."""
    result = {}
    gid = Node.to_global_id
    data, ms, sql = timed_post(client, CREATE, {"input": {
        "channel": shop.channel.slug, "email": "bench@example.com",
        "lines": [{"variantId": gid("ProductVariant", shop.coffee.pk), "quantity": 2}]}})
    result["checkoutCreate"] = (ms, sql)
    checkout = data["checkoutCreate"]["checkout"]
    checkout_id, line_id = checkout["id"], checkout["lines"][0]["id"]
    steps = [
        ("checkoutLinesAdd", LINES_ADD, {"id": checkout_id, "lines": [
            {"variantId": gid("ProductVariant", shop.mug.pk), "quantity": 1}]}),
        ("shipping + billing address", ADDRESSES,
         {"id": checkout_id, "address": ADDRESS}),
        ("checkoutDeliveryMethodUpdate", DELIVERY,
         {"id": checkout_id, "method": gid("ShippingMethod", shop.method.pk)}),
        ("checkoutLinesUpdate", LINES_UPDATE,
         {"id": checkout_id, "lines": [{"lineId": line_id, "quantity": 3}]}),
    ]
    for step, query, variables in steps:
        data, ms, sql = timed_post(client, query, variables)
        result[step] = (ms, sql)
    amount = data["checkoutLinesUpdate"]["checkout"]["totalPrice"]["gross"]["amount"]
    data, ms, sql = timed_post(client, PAYMENT, {"id": checkout_id, "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": amount}})
    result["checkoutPaymentCreate"] = (ms, sql)
    data, ms, sql = timed_post(client, COMPLETE, {"id": checkout_id})
    result["checkoutComplete"] = (ms, sql)
    return result, data["checkoutComplete"]["order"]["total"]["gross"]["amount"]


def main(args):
    from django.test import Client

    from common import throwaway_database

    with throwaway_database("checkout3"):
        shop = Shop()
        clients = {mode: Client(HTTP_AUTHORIZATION=shop.header) for mode in MODES}

        def run(mode):
            modes.package_plugins(mode == "on")
            if mode == "off":
                with modes.vanilla_saleor():
                    return one_checkout(clients[mode], shop)
            return one_checkout(clients[mode], shop)

        samples = {mode: {step: [] for step in STEPS} for mode in MODES}
        totals = {}
        for mode in MODES:  # warm up every path (and fix each client's middleware)
            run(mode)
        for _ in range(args.rounds):
            for mode in MODES:
                steps, totals[mode] = run(mode)
                for step, value in steps.items():
                    samples[mode][step].append(value)
        plugins = modes.package_plugins(True)

    results = step_rows(samples, STEPS, args.rounds)
    results["order_total"] = totals
    results["package_plugins_on"] = plugins
    results["package_data"] = shop.package_data
    print(f"Saleor 3.23 checkout flow, Saleor alone (off) vs with the package, every plugin on "
          f"(on): median of {args.rounds} rounds; one customer, 2 lines, shipping, dummy payment")
    print(f"package plugins on: {', '.join(plugins) or 'none but the hidden core plugin'}; "
          f"package data: {', '.join(shop.package_data) or 'none'}")
    print(f"reproduce: {COMMAND} --rounds {args.rounds}")
    print_step_table(results, STEPS, extra_modes=("installed",))
    print(f"  installed = the package's settings, its plugins switched off; order total "
          f"off {totals['off']}, on {totals['on']}, installed {totals['installed']}")
    spread = {step: results[step]["on_queries_range"] for step in STEPS
              if len(set(results[step]["on_queries_range"])) > 1}
    if spread:
        print(f"  SQL varied between rounds (min, max with the package): {spread}")
    write_figures(args.json, results)
    return results
