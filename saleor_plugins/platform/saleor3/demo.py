"""The demo on Saleor 3.23: plugins switched on per channel, a staff login with every
permission, Saleor's ASGI application under uvicorn, and Saleor's own dashboard."""
from . import NOT_YET_PORTED  # noqa: F401 (the adapter's name)

# Saleor's dashboard is a separate, built web app; the demo serves its 3.23 build.
DASHBOARD = True
SERVER = "uvicorn (ASGI)"


def activate_plugin(plugin_class):
    """Switch a plugin on, per channel where it is configured per channel; a row someone
    made already (e.g. a plugin the merchant switched off) is kept."""
    from saleor.channel.models import Channel
    from saleor.plugins.models import PluginConfiguration

    per_channel = getattr(plugin_class, "CONFIGURATION_PER_CHANNEL", True)
    channels = list(Channel.objects.order_by("slug")) if per_channel else [None]
    for channel in channels:
        PluginConfiguration.objects.get_or_create(
            identifier=plugin_class.PLUGIN_ID,
            channel=channel,
            defaults={"name": plugin_class.PLUGIN_NAME, "active": True,
                      "configuration": plugin_class.DEFAULT_CONFIGURATION},
        )


def create_staff(email, password):
    """A superuser in Saleor's "Full Access" group (every permission, every channel), which
    is what the dashboard reads to show its menus."""
    from saleor.account.models import Group, User
    from saleor.permission.enums import get_permissions

    user = User(email=email, is_staff=True, is_superuser=True, is_active=True)
    user.set_password(password)
    user.save()
    group, _ = Group.objects.get_or_create(name="Full Access")
    group.permissions.add(*get_permissions())
    group.user_set.add(user)
    return user


def channels():
    """(slug, currency) of every channel, for the demo's output."""
    from saleor.channel.models import Channel

    return list(Channel.objects.order_by("slug").values_list("slug", "currency_code"))


def serve(host, port):
    """Saleor's ASGI application (health check, gzip, CORS) with the settings' URLconf."""
    import uvicorn
    from saleor.asgi import application

    uvicorn.run(application, host=host, port=port, lifespan="off", log_level="warning")


def prepare_catalogue():
    """Before ``populatedb``: 3.23 caches its sample data per process and consumes it while
    loading, so a second load in one process (tests) needs it read afresh."""
    from saleor.core.utils.random_data import get_sample_data

    get_sample_data.cache_clear()


def offer_channels():
    """(channel slug, currency, country) of every channel: the demo's offers are made in each
    channel's own currency."""
    from saleor.channel.models import Channel

    return [(channel.slug, channel.currency_code, channel.default_country.code)
            for channel in Channel.objects.order_by("slug")]
