"""``dev.py demo`` on either Saleor: the data step (Saleor's catalogue, the package's plugins
on, a staff login, each feature's demo data; re-runs reuse it) and the server it ends with,
over real HTTP: the printed URLs, the playground, GraphQL, the staff login and, on 3.23,
Saleor's dashboard pointed at the demo's API."""
import json
import re
from pathlib import Path

import pytest
import requests
from saleor.account.models import User
from saleor.order.models import Order
from saleor.plugins.models import PluginConfiguration
from saleor.product.models import Product

from saleor_plugins.conf import features
from saleor_plugins.core.plugin import package_plugin_classes
from saleor_plugins.demo import runner
from saleor_plugins.platform import saleor, saleor_release, saleor_version

from . import factories
from .demo_helpers import DemoServer, dashboard_archive, quiet  # noqa: F401 (fixture)
from .graphql_client import TOKEN_CREATE

ME = "{ me { email isStaff } }"
README = Path(__file__).resolve().parent.parent / "README.md"
TRY_IT = "### Try it in the demo (Saleor 3.23)"
EXAMPLE = re.compile(r"```graphql\n(.*?)```\s*(?:[^`]*?)```json\n(.*?)```", re.S)


def readme_demo_examples():
    """(operation, documented answer, as staff?) of the README's "Try it in the demo"."""
    text = README.read_text().split(TRY_IT, 1)[1].split("\n### ", 1)[0]
    return [(operation, json.loads(answer), "# as staff" in operation)
            for operation, answer in EXAMPLE.findall(text)]


def matches(documented, got):
    """``got`` equals ``documented``, where the README's "…" stands for any value."""
    if documented == "…":
        return True
    if isinstance(documented, dict):
        return isinstance(got, dict) and documented.keys() == got.keys() and all(
            matches(documented[key], got[key]) for key in documented)
    if isinstance(documented, list):
        return isinstance(got, list) and len(documented) == len(got) and all(
            matches(a, b) for a, b in zip(documented, got))
    return documented == got


def check_readme_demo_answers(base):
    """Paste the README's demo examples in order, as a merchant would in the playground."""
    token = None
    examples = readme_demo_examples()
    assert len(examples) >= 5
    for operation, documented, as_staff in examples:
        headers = {"Authorization": f"Bearer {token}"} if as_staff else {}
        got = requests.post(f"{base}/graphql/", json={"query": operation}, headers=headers,
                            timeout=60).json()
        if "errors" not in documented:  # the playground shows them; the README would too
            assert "errors" not in got, json.dumps(got["errors"], indent=2)[:3000]
        shown = {key: got.get(key) for key in documented}  # not Saleor's query-cost extension
        assert matches(documented, shown), json.dumps(shown, ensure_ascii=False, indent=2)
        login = (got.get("data") or {}).get("tokenCreate")
        token = login["token"] if login else token


def switchable_plugins():
    return [cls for cls in package_plugin_classes() if not cls.HIDDEN]


def feature_demo_counts():
    """Rows of each feature's demo data, to see that a re-run adds none."""
    counts = {}
    if "discount_rules" in features():
        from saleor_plugins.discount_rules.models import DiscountRule

        counts["discount_rules"] = DiscountRule.objects.count()
    return counts


def graphql(base, query, variables=None, token=None):
    headers = {"Authorization": factories.token_header(token)} if token else {}
    response = requests.post(f"{base}/graphql/", json={"query": query, "variables": variables or {}},
                             headers=headers, timeout=60)
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


# populatedb resets sequences with SQL that commits, so this test cannot run in a rollback;
# the server process must see the data, too.
@pytest.mark.django_db(transaction=True)
def test_demo_loads_once_serves_and_reuses_its_data(quiet, capsys, tmp_path):
    factories.restore_migration_rows()  # after another test's flush
    runner.run_demo(serve=False, images=False)
    loaded = capsys.readouterr().out
    assert f"Saleor {saleor_version()}" in loaded
    products, orders = Product.objects.count(), Order.objects.count()
    assert products > 10 and orders > 0
    for plugin_class in switchable_plugins():
        rows = PluginConfiguration.objects.filter(identifier=plugin_class.PLUGIN_ID)
        assert rows.exists() and all(row.active for row in rows), plugin_class.PLUGIN_ID
    for name in features():
        if name in dict(runner.feature_demo_loaders()):
            assert f"Demo data for {name}: loaded" in loaded
    counts = feature_demo_counts()

    runner.run_demo(serve=False, images=False)
    assert "already loaded" in capsys.readouterr().out
    assert (Product.objects.count(), Order.objects.count()) == (products, orders)
    assert User.objects.filter(email=runner.DEMO_STAFF_EMAIL).count() == 1
    assert feature_demo_counts() == counts  # demo data is not added twice

    source = dashboard_archive() if saleor.demo.DASHBOARD else None
    server = DemoServer(tmp_path / "demo.log", dashboard_source=source).start()
    try:
        server.wait_until_serving(timeout=120)
        printed = server.printed()
        base = server.base
        assert printed["GraphQL API (playground in a browser)"] == f"{base}/graphql/"
        assert printed["Staff login (e-mail / password)"] == "admin@example.com / admin"
        assert printed["Features switched on"] == (
            ", ".join(map(runner.feature_label, features())) or "none")
        for name in saleor.demo.NOT_YET_PORTED:
            assert runner.feature_label(name) in printed[f"Not yet ported to Saleor {saleor_version()}"]

        playground = requests.get(f"{base}/graphql/", headers={"Accept": "text/html"}, timeout=60)
        assert playground.status_code == 200 and "GraphQLPlayground.init" in playground.text
        assert graphql(base, "{ shop { name } }")["shop"]["name"]

        login = graphql(base, TOKEN_CREATE,
                        {"email": runner.DEMO_STAFF_EMAIL, "password": runner.DEMO_STAFF_PASSWORD})
        assert login["tokenCreate"]["errors"] == [] and login["tokenCreate"]["user"]["isStaff"]
        me = graphql(base, ME, token=login["tokenCreate"]["token"])["me"]
        assert me == {"email": runner.DEMO_STAFF_EMAIL, "isStaff": True}

        if saleor_release() == "3.23":  # the README's answers are the 3.23 demo's
            check_readme_demo_answers(base)
        if saleor.demo.DASHBOARD:
            assert printed["Saleor Dashboard"] == f"{base}/dashboard/"
            assert "Channels" in printed and "default-channel (USD)" in printed["Channels"]
            page = requests.get(f"{base}/dashboard/", timeout=60)
            assert page.status_code == 200
            assert f'API_URL: "{base}/graphql/"' in page.text
            # the app's own routes are the app; its files are files
            assert requests.get(f"{base}/dashboard/orders/", timeout=60).text == page.text
            script = page.text.split('<script type="module" crossorigin src="')[1].split('"')[0]
            asset = requests.get(f"{base}{script}", timeout=60)
            assert asset.status_code == 200 and "javascript" in asset.headers["Content-Type"]
        else:
            assert "Saleor Dashboard" not in printed
    finally:
        server.stop()


def test_demo_says_when_the_dashboard_is_missing(quiet, tmp_path, monkeypatch):
    monkeypatch.setenv("SALEOR_DASHBOARD", str(tmp_path / "nowhere.tar.gz"))
    state = runner.prepare_dashboard()
    if saleor.demo.DASHBOARD:
        served, message = state
        assert served is False
        assert str(tmp_path / "nowhere.tar.gz") in message and "SALEOR_DASHBOARD" in message
        assert ("Saleor Dashboard", message) in runner.demo_lines("http://x", None, state)
    else:
        assert state is None


def test_demo_keeps_a_plugin_the_merchant_switched_off(db, quiet):
    plugins = switchable_plugins()
    assert len(plugins) == len(features())  # one plugin per installed feature
    runner.activate_package_plugins()
    if not plugins:
        return
    switched_off, *others = plugins
    PluginConfiguration.objects.filter(identifier=switched_off.PLUGIN_ID).update(active=False)
    runner.activate_package_plugins()
    rows = PluginConfiguration.objects.filter(identifier=switched_off.PLUGIN_ID)
    assert rows.exists() and not any(row.active for row in rows)
    for plugin_class in others:
        rows = PluginConfiguration.objects.filter(identifier=plugin_class.PLUGIN_ID)
        assert rows.exists() and all(row.active for row in rows)
