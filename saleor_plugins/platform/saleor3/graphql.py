"""Saleor 3.23's GraphQL building blocks (light imports: no schema is built here)."""
from saleor.core.exceptions import PermissionDenied  # noqa: F401 (the adapter's name)
from saleor.graphql.core.scalars import DateTime  # noqa: F401 (Saleor 3.23's scalar)

# a shipping method's global ID as 3.23's own queries give it (``shippingZones``, checkouts)
SHIPPING_METHOD_TYPE = "ShippingMethodType"

# the printed schema committed in the repository (``python -m saleor_plugins schema``)
PRINTED_SCHEMA = "schema-saleor3.graphql"


def register_error_codes(values):
    """3.23 passes every error code through: nothing to register."""


def plugins_manager(info):
    """The request's plugin manager (3.23 hands resolvers a promise of it)."""
    from saleor.graphql.plugins.dataloaders import get_plugin_manager_promise

    return get_plugin_manager_promise(info.context).get()


def plugin_instances(manager):
    """Every plugin instance: the global ones and one per channel for per-channel ones."""
    from saleor.channel.models import Channel

    for slug in Channel.objects.values_list("slug", flat=True):
        manager.get_plugins(channel_slug=slug, active_only=False)  # loads that channel's
    return manager.get_plugins(channel_slug=None, active_only=False)


def node(root):
    """The model behind a resolver's root (3.23 wraps checkouts and channel-bound objects
    in a context with ``node``)."""
    return getattr(root, "node", root)


def request_discounts(info):
    """3.23 keeps discounts as rows: none to hand over."""
    return None


def checkout_root(checkout):
    """What Saleor's ``Checkout`` type resolves from (a context that allows its sync
    webhooks)."""
    from saleor.graphql.core.context import SyncWebhookControlContext

    return SyncWebhookControlContext(node=checkout)
