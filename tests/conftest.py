import pytest
from django.contrib.sites.models import Site

from saleor_plugins.platform import adapter_name

from .platforms import ignored_modules

# modules for the other Saleor only (tests/platforms.py says why)
collect_ignore_glob = ignored_modules(adapter_name())

from saleor.plugins.models import PluginConfiguration
from saleor.site.models import SiteSettings

from . import factories
from .celery_worker import celery_worker  # noqa: F401 (fixture)
from .graphql_client import GraphQLClient
from .outbox import DjangoOutbox, SmtpOutbox


@pytest.fixture(autouse=True)
def site(db):
    # Transactional tests flush every table, including the SiteSettings row that Saleor's
    # migration created, so it is (re)made here.
    Site.objects.clear_cache()
    site = Site.objects.get_current()
    site.domain = "shop.example.com"
    site.name = "Fjordbutikken"
    site.save()
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "default_mail_sender_name": "Fjordbutikken",
            "default_mail_sender_address": "post@shop.example.com",
        },
    )
    Site.objects.clear_cache()  # the cached Site may hold the old settings object
    return Site.objects.get_current()


@pytest.fixture
def all_plugins_active(db):
    """Switch on every package plugin, as a merchant does in the dashboard."""
    return factories.set_package_plugins_active()


@pytest.fixture(scope="session")
def smtp_outbox():
    server = SmtpOutbox()
    yield server
    server.stop()


@pytest.fixture
def outbox(db, request):
    """The e-mails the shop sends in this test, as ``outbox.messages`` (``tests.outbox.Mail``):
    Django's outbox on 2.10.1; on 3.23 Saleor's user e-mail plugin switched on in the default
    channel and sending to a loopback SMTP server."""
    if adapter_name() != "saleor3":
        box = DjangoOutbox()
    else:
        box = request.getfixturevalue("smtp_outbox")
        factories.enable_user_emails(box.host, box.port)
    box.clear()
    return box


@pytest.fixture
def api():
    """``api(user)`` returns a GraphQL client logged in as ``user`` (anonymous if None)."""
    return GraphQLClient


@pytest.fixture
def shop(db):
    """A Norwegian shop: shipping zone with a 49 NOK method, a warehouse, two products."""
    zone = factories.create_shipping_zone(countries=["NO", "SE"], price="49.00")
    warehouse = factories.create_warehouse([zone])
    category = factories.create_category("Kaffe")

    class Shop:
        shipping_zone = zone
        shipping_method = zone.shipping_methods.get()
        coffee = factories.create_variant("129.00", "Kaffe Fjell", "KAFFE-1", category, warehouse=warehouse)
        mug = factories.create_variant("89.50", "Krus", "KRUS-1", warehouse=warehouse)

    Shop.warehouse = warehouse
    Shop.category = category
    return Shop


@pytest.fixture
def customer(db):
    return factories.create_customer("kari@example.com", first_name="Kari", last_name="Nordmann")


KLARNA_USERNAME = "PK_test_merchant"
KLARNA_PASSWORD = "s3cr3t-shared-secret"


@pytest.fixture(scope="session")
def klarna_simulator():
    from saleor_plugins.klarna.simulator import run_simulator

    simulator = run_simulator(
        credentials={KLARNA_USERNAME: KLARNA_PASSWORD, "other_merchant": "other_secret"},
        callback_retry_delay=0.05,
    )
    yield simulator
    simulator.stop()


@pytest.fixture
def klarna(klarna_simulator):
    """The running simulator, emptied for this test."""
    klarna_simulator.reset()
    yield klarna_simulator
    klarna_simulator.wait_for_callbacks(5)


@pytest.fixture
def klarna_client(klarna):
    from saleor_plugins.klarna.client import KlarnaClient

    client = KlarnaClient(KLARNA_USERNAME, KLARNA_PASSWORD, base_url=klarna.url,
                          allow_loopback=True, backoff=0.01)
    yield client
    client.close()


@pytest.fixture
def klarna_gateway(db, klarna):
    """The Klarna gateway plugin switched on and pointed at the simulator."""
    from saleor_plugins.klarna.plugin import KlarnaGatewayPlugin

    def configure(**values):
        settings = {
            "username": KLARNA_USERNAME,
            "password": KLARNA_PASSWORD,
            "api_url": klarna.url,
            "playground": True,
            "auto_capture": False,
            "timeout_seconds": 2,
        }
        settings.update(values)
        configuration = [
            {"name": item["name"], "value": settings.get(item["name"], item["value"])}
            for item in KlarnaGatewayPlugin.DEFAULT_CONFIGURATION
        ]
        PluginConfiguration.objects.update_or_create(
            identifier=KlarnaGatewayPlugin.PLUGIN_ID,
            defaults={"name": KlarnaGatewayPlugin.PLUGIN_NAME, "active": True,
                      "configuration": configuration},
        )

    configure()
    configure.simulator = klarna
    return configure
