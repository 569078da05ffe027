"""Saleor 2.10.1's GraphQL building blocks (light imports: no schema is built here)."""
from graphql_jwt.exceptions import PermissionDenied  # noqa: F401 (the adapter's name)
from saleor.graphql.core.utils import error_codes
from graphene import DateTime  # noqa: F401 (the scalar Saleor 2.10.1 uses)

# a shipping method's global ID as 2.10.1's own queries give it
SHIPPING_METHOD_TYPE = "ShippingMethod"

# the printed schema committed in the repository (``python -m saleor_plugins schema``)
PRINTED_SCHEMA = "schema.graphql"


def register_error_codes(values):
    """2.10.1 rewrites every error code it does not know to ``invalid``: whitelist ours."""
    for value in values:
        if value not in error_codes.saleor_error_codes:
            error_codes.saleor_error_codes.append(value)


def plugins_manager(info):
    """The request's plugin manager."""
    return info.context.plugins


def plugin_instances(manager):
    return manager.plugins


def node(root):
    """The model behind a resolver's root (2.10.1 hands over the model itself)."""
    return root


def request_discounts(info):
    """The request's Saleor sales, which 2.10.1's price calculations take."""
    return info.context.discounts


def checkout_root(checkout):
    """What Saleor's ``Checkout`` type resolves from."""
    return checkout
