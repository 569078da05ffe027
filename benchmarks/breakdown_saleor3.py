"""``discount_rules.py --breakdown`` on Saleor 3.23: where a ``checkoutLinesUpdate`` with the
cart rules spends its time and queries, function by function, and what the package's GraphQL
package's schema and view cost a 100-line price query. Prints numbers; not a test.
"""
import statistics
import time
from importlib import import_module

from common import timed_post
import modes_saleor3 as modes

# The cart rules' 3.23 functions timed (a name that no longer exists is left out).
FUNCTIONS = (
    "saleor_plugins.platform.saleor3.discount_rules.rows.write",
    "saleor_plugins.platform.saleor3.discount_rules.rows._sync_free_shipping",
    "saleor_plugins.platform.saleor3.discount_rules.rows._fresh_delivery",
    "saleor_plugins.platform.saleor3.discount_rules.facts.evaluate",
    "saleor_plugins.platform.saleor3.discount_rules.facts.checkout_lines",
    "saleor_plugins.platform.saleor3.discount_rules.facts.channel_rules",
)


def _instrument(stats):
    """Wrap each function of FUNCTIONS to count its SQL and time into ``stats``; returns
    a function that puts the originals back."""
    from django.db import connection

    undo = []
    for path in FUNCTIONS:
        module_name, name = path.rsplit(".", 1)
        try:
            module = import_module(module_name)
            original = getattr(module, name)
        except (ImportError, AttributeError):
            continue

        def timed(*args, _original=original, _name=name, **kwargs):
            queries, started = len(connection.queries), time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                stats.setdefault(_name, []).append(
                    (len(connection.queries) - queries, (time.perf_counter() - started) * 1000))

        setattr(module, name, timed)
        undo.append((module, name, original))

    def restore():
        for module, name, original in undo:
            setattr(module, name, original)
    return restore


def hook_breakdown(client, ids, sizes, repeat, lines_update):
    """Per cart size: the request's SQL and median ms, and each function's calls, SQL per
    call and median ms, over ``repeat`` quantity changes with the package's plugins on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    modes.package_plugins(True)
    for count in sizes:
        checkout_id, line_id = ids[count]
        stats, requests = {}, []
        restore = _instrument(stats)
        try:
            with CaptureQueriesContext(connection):  # connection.queries on, for the counts
                for i in range(repeat):
                    _, ms, sql = timed_post(client, lines_update, {
                        "id": checkout_id, "lines": [{"lineId": line_id, "quantity": 2 + i % 2}]})
                    requests.append((ms, sql))
        finally:
            restore()
        print(f"  {count} lines, checkoutLinesUpdate: {requests[-1][1]} SQL, "
              f"{statistics.median(ms for ms, _ in requests):.1f} ms (median of {repeat})")
        for name, values in stats.items():
            print(f"    {name:<22} {len(values) / repeat:>4.1f} calls  {values[-1][0]:>3} SQL  "
                  f"{statistics.median(ms for _, ms in values):>7.1f} ms")


def package_view_cost(header, checkout_id, query, repeat):
    """The price query on Saleor alone and with the package installed (its schema and view,
    its argument checks wrapping only its own fields), plugins off."""
    from django.test import Client

    modes.package_plugins(False)
    times = {"Saleor alone": [], "package installed": []}
    clients = {name: Client(HTTP_AUTHORIZATION=header) for name in times}
    for i in range(repeat + 1):  # the first round warms up
        for name, found in times.items():
            if name == "Saleor alone":
                with modes.vanilla_saleor():
                    ms = timed_post(clients[name], query, {"id": checkout_id})[1]
            else:
                ms = timed_post(clients[name], query, {"id": checkout_id})[1]
            if i:
                found.append(ms)
    print("  price query, " + ", ".join(
        f"{name} {statistics.median(values):.1f} ms" for name, values in times.items()))
