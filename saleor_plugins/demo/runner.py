"""The demo: a Saleor shop with every package plugin, its demo data and the Klarna simulator."""
import logging
import os
import sys
from importlib import import_module

import saleor
from django.core.management import call_command
from django.db import transaction

from ..conf import features

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
        call_command("populatedb", **options)
    finally:
        os.chdir(previous)


def activate_package_plugins():
    """Switch every package plugin on, unless someone has configured it already."""
    from saleor.plugins.models import PluginConfiguration

    from ..core.plugin import package_plugin_classes

    for plugin_class in package_plugin_classes():
        PluginConfiguration.objects.get_or_create(
            identifier=plugin_class.PLUGIN_ID,
            defaults={
                "name": plugin_class.PLUGIN_NAME,
                "active": True,
                "configuration": plugin_class.DEFAULT_CONFIGURATION,
            },
        )


def ensure_demo_staff():
    from saleor.account.models import User

    user = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    if user is None:
        User.objects.create_superuser(DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD)
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

    call_command("migrate", interactive=False, verbosity=0)
    # On a fresh database a migration leaves a historical Site in Django's process-wide
    # site cache; populatedb would then assign real Menus to a historical SiteSettings.
    Site.objects.clear_cache()


def quiet_background_task_logs():
    # Tasks run in-process in the demo; one INFO line per task drowns the useful output.
    for name in ("celery.app.trace", "saleor.core.utils", "kombu.connection"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_demo(host="127.0.0.1", port=8000, serve=True, images=True):
    quiet_background_task_logs()
    say("Migrating the database...")
    migrate()
    load_saleor_catalogue(images=images)
    activate_package_plugins()
    ensure_demo_staff()
    for name, load_demo_data in feature_demo_loaders():
        with transaction.atomic():
            load_demo_data(say)
        say(f"Demo data for {name}: loaded")
    if serve:
        run_server(host, port)
    else:
        say("Demo data ready.")


def start_simulator():
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


def demo_urls(base, simulator):
    urls = [("GraphQL API (playground in a browser)", f"{base}/graphql/")]
    if simulator is not None:
        urls.append(("Klarna simulator", simulator.url))
        urls.append(("Klarna simulator SMS outbox", f"{simulator.url}/_sim/outbox"))
    return urls


def run_server(host, port):
    quiet_background_task_logs()
    simulator = start_simulator()
    base = f"http://{host}:{port}"
    say("")
    say("saleor-plugins demo is running:")
    for label, url in demo_urls(base, simulator):
        say(f"  {label:<40} {url}")
    say(f"  {'Staff login (e-mail / password)':<40} {DEMO_STAFF_EMAIL} / {DEMO_STAFF_PASSWORD}")
    say("Celery tasks run in-process (no broker). Stop with Ctrl+C.")
    say("")
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if simulator is not None:
            simulator.stop()

