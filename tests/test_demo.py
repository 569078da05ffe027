"""The demo command's data step: Saleor's catalogue, plugins on, staff login; re-runs reuse it."""
import pytest
from saleor.account.models import User
from saleor.order.models import Order
from saleor.plugins.manager import get_plugins_manager
from saleor.product.models import Product

from saleor_plugins.core.plugin import PackagePlugin
from saleor_plugins.demo import runner

from .graphql_client import TOKEN_CREATE


@pytest.fixture
def quiet(capsys):
    yield
    capsys.readouterr()


# populatedb resets sequences with SQL that commits, so this test cannot run in a rollback.
@pytest.mark.django_db(transaction=True)
def test_demo_loads_once_and_reuses_its_data(api, quiet, capsys):
    runner.run_demo(serve=False, images=False)
    products, orders = Product.objects.count(), Order.objects.count()
    assert products > 10 and orders > 0

    package_plugins = [p for p in get_plugins_manager().plugins if isinstance(p, PackagePlugin)]
    assert package_plugins and all(p.active for p in package_plugins)

    login = api().data(
        TOKEN_CREATE,
        {"email": runner.DEMO_STAFF_EMAIL, "password": runner.DEMO_STAFF_PASSWORD},
    )["tokenCreate"]
    assert login["errors"] == [] and login["user"]["isStaff"] is True
    public = api().data("{ publicDiscountRules { name } }")["publicDiscountRules"]
    assert "Fri frakt over 500 kr" in [rule["name"] for rule in public]

    capsys.readouterr()
    runner.run_demo(serve=False, images=False)
    assert "already loaded" in capsys.readouterr().out
    assert (Product.objects.count(), Order.objects.count()) == (products, orders)
    assert User.objects.filter(email=runner.DEMO_STAFF_EMAIL).count() == 1
    from saleor_plugins.discount_rules.models import DiscountRule

    assert DiscountRule.objects.count() == 3  # demo rules are not added twice


def test_demo_keeps_a_plugin_the_merchant_switched_off(db, quiet):
    from saleor.plugins.models import PluginConfiguration

    PluginConfiguration.objects.create(identifier="saleor_plugins.loyalty", active=False)
    runner.activate_package_plugins()
    assert PluginConfiguration.objects.get(identifier="saleor_plugins.loyalty").active is False
    assert PluginConfiguration.objects.get(identifier="saleor_plugins.subscription").active is True
