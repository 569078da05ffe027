"""The demo on Saleor 2.10.1: plugins switched on globally, Django's development server."""
NOT_YET_PORTED = ()
# The Saleor dashboard the demo can serve is 3.23's; 2.10.1's is not part of the demo.
DASHBOARD = False
SERVER = "Django's development server"


def activate_plugin(plugin_class):
    """Switch a plugin on unless someone configured it already."""
    from saleor.plugins.models import PluginConfiguration

    PluginConfiguration.objects.get_or_create(
        identifier=plugin_class.PLUGIN_ID,
        defaults={"name": plugin_class.PLUGIN_NAME, "active": True,
                  "configuration": plugin_class.DEFAULT_CONFIGURATION},
    )


def create_staff(email, password):
    from saleor.account.models import User

    return User.objects.create_superuser(email, password)


def channels():
    return []  # 2.10.1 has no channels


def serve(host, port):
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False)


def prepare_catalogue():
    """Before ``populatedb``: nothing to do on 2.10.1."""


def offer_channels():
    """(channel slug or None, currency, country) where the demo's offers apply: 2.10.1 has one
    shop currency and no channels."""
    from django.conf import settings

    return [(None, settings.DEFAULT_CURRENCY, settings.DEFAULT_COUNTRY)]
