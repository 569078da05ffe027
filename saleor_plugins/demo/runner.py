"""The demo: a Saleor shop with every package plugin that runs on it, each feature's demo
data, Saleor's dashboard (3.23) and the Klarna simulator (where Klarna is installed).

What differs between Saleor releases (plugin rows, the staff login, the server) is in the
platform adapter's ``demo`` module."""
import io
import logging
import os
import sys
from importlib import import_module

import saleor
from django.core.management import call_command
from django.db import transaction

from ..conf import feature_modules, features
from ..platform import saleor as platform
from ..platform import saleor_version
from . import dashboard

DEMO_STAFF_EMAIL = "admin@example.com"
DEMO_STAFF_PASSWORD = "admin"


def say(message=""):
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def load_saleor_catalogue(images=True):
    """Saleor's own demo catalogue (populatedb), once."""
    from saleor.product.models import Product

    if Product.objects.exists():
        say("Saleor demo catalogue: already loaded")
        return
    say("Loading Saleor's demo catalogue (first run only)...")
    # populatedb reads its placeholder images relative to the directory holding `saleor/`
    previous = os.getcwd()
    os.chdir(os.path.dirname(os.path.dirname(saleor.__file__)))
    try:
        options = {} if images else {"withoutimages": True}
        platform.demo.prepare_catalogue()
        # populatedb prints a line per object made: keep them out of the demo's output
        call_command("populatedb", stdout=io.StringIO(), **options)
    finally:
        os.chdir(previous)
    say(f"Saleor demo catalogue: {Product.objects.count()} products loaded")


# How the demo's output names the features (ids as in saleor_plugins.platform.*.FEATURES).
FEATURE_LABELS = {
    "discount_rules": "Cart rules (discount_rules)",
    "loyalty": "Loyalty points (loyalty)",
    "subscription": "Subscriptions (subscription)",
    "klarna": "Klarna payment gateway (klarna)",
    "klarna_instore": "Klarna in-store till (klarna_instore)",
}


def feature_label(name):
    return FEATURE_LABELS.get(name, name)


def activate_package_plugins():
    """Switch every package plugin of the installed features on (per channel on 3.23),
    unless someone has configured it already. The hidden shared plugin has no hooks."""
    from ..core.plugin import package_plugin_classes

    for plugin_class in package_plugin_classes():
        if not plugin_class.HIDDEN:
            platform.demo.activate_plugin(plugin_class)


def ensure_demo_staff():
    from saleor.account.models import User

    if not User.objects.filter(email=DEMO_STAFF_EMAIL).exists():
        platform.demo.create_staff(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD)
    return DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD


def feature_demo_loaders():
    """Each feature's ``demo.load_demo_data(say)``, for the features that have one."""
    loaders = []
    for name in features():
        module_name = f"saleor_plugins.{name}.demo"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        loaders.append((name, module.load_demo_data))
    return loaders


def migrate():
    from django.contrib.sites.models import Site

    # Saleor's data migrations queue tasks that run in-process here and log at INFO.
    saleor_logger = logging.getLogger("saleor")
    level = saleor_logger.level
    saleor_logger.setLevel(max(level, logging.WARNING))
    try:
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        saleor_logger.setLevel(level)
    # On a fresh database a migration leaves a historical Site in Django's process-wide
    # site cache; populatedb would then assign real Menus to a historical SiteSettings.
    Site.objects.clear_cache()


def quiet_background_task_logs():
    # Tasks run in-process in the demo; one INFO line per task drowns the useful output.
    for name in ("celery.app.trace", "saleor.core.utils", "kombu.connection"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_demo(host="127.0.0.1", port=8000, serve=True, images=True, dashboard_source=None):
    quiet_background_task_logs()
    say(f"Saleor {saleor_version()}: migrating the database...")
    migrate()
    load_saleor_catalogue(images=images)
    activate_package_plugins()
    ensure_demo_staff()
    for name, load_demo_data in feature_demo_loaders():
        with transaction.atomic():
            load_demo_data(say)
        say(f"Demo data for {name}: loaded")
    if serve:
        run_server(host, port, dashboard_source=dashboard_source)
    else:
        say("Demo data ready.")


def start_simulator():
    if "klarna" not in features():
        return None
    from ..cli import DEMO_SETTINGS
    from ..klarna.demo import DEMO_PASSWORD, DEMO_USERNAME, point_gateway_at
    from ..klarna.payments import simulator_allowed
    from ..klarna.simulator import run_simulator

    simulator = run_simulator(host="127.0.0.1", port=0, credentials={DEMO_USERNAME: DEMO_PASSWORD})
    point_gateway_at(simulator.url)
    if not simulator_allowed():
        say("Klarna: these settings do not allow the simulator "
            "(SALEOR_PLUGINS_KLARNA_SIMULATOR = True), so Klarna payments will fail. "
            f"Use DJANGO_SETTINGS_MODULE={DEMO_SETTINGS}.")
    return simulator


def prepare_dashboard(dashboard_source=None):
    """(URL label, value) of Saleor's dashboard for the output, or None on a platform without."""
    if not platform.demo.DASHBOARD:
        return None
    from ..embedded_db import state_dir

    folder, message = dashboard.prepare(state_dir(), dashboard_source)
    return folder is not None, message


def feature_pages():
    """(what it is, path) of the pages of the features that run here (their ``urls.PAGES``)."""
    from django.urls import reverse

    return [(label, reverse(url_name)) for module in feature_modules(features(), "urls")
            for label, url_name in getattr(module, "PAGES", ())]


def mount_staff_pages(base):
    """Install the package as an app of the dashboard, so its staff pages are in its menus
    (the demo's dashboard and pages share one origin)."""
    from ..pages.manifest import app_manifest

    app = platform.dashboard.install_app(app_manifest(base))
    return ", ".join(app.extensions.values_list("label", flat=True))


def demo_lines(base, simulator, dashboard_state=None, mounted_pages=""):
    """The demo's output: (label, value) rows."""
    lines = [("GraphQL API (playground in a browser)", f"{base}/graphql/")]
    if dashboard_state is not None:
        served, message = dashboard_state
        lines.append(("Saleor Dashboard", f"{base}{dashboard.MOUNT}" if served else message))
        if served and mounted_pages:
            lines.append(("Staff pages in the dashboard", mounted_pages))
    if simulator is not None:
        lines.append(("Klarna simulator", simulator.url))
        lines.append(("Klarna simulator SMS outbox", f"{simulator.url}/_sim/outbox"))
    lines.append(("Staff login (e-mail / password)", f"{DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}"))
    lines += [(label, base + path) for label, path in feature_pages()]
    shop_channels = platform.demo.channels()
    if shop_channels:
        lines.append(("Channels", ", ".join(f"{slug} ({currency})" for slug, currency in shop_channels)))
    lines.append(("Features switched on", ", ".join(map(feature_label, features())) or "none"))
    not_ported = platform.demo.NOT_YET_PORTED
    if not_ported:
        lines.append((f"Not yet ported to Saleor {saleor_version()}",
                      ", ".join(map(feature_label, not_ported)) + " (not installed)"))
    return lines


def run_server(host, port, dashboard_source=None):
    quiet_background_task_logs()
    dashboard_state = prepare_dashboard(dashboard_source)
    simulator = start_simulator()
    base = f"http://{host}:{port}"
    mounted = ""
    if dashboard_state is not None and dashboard_state[0]:
        mounted = mount_staff_pages(base)
    say("")
    say(f"saleor-plugins demo is running on Saleor {saleor_version()} ({platform.demo.SERVER}):")
    for label, value in demo_lines(base, simulator, dashboard_state, mounted):
        say(f"  {label:<40} {value}")
    say("Celery tasks run in-process (no broker). Stop with Ctrl+C.")
    say("")
    try:
        platform.demo.serve(host, port)
    finally:
        if simulator is not None:
            simulator.stop()
