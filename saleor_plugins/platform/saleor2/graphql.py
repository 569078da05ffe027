"""Saleor 2.10.1's GraphQL building blocks (light imports: no schema is built here)."""
from graphql_jwt.exceptions import PermissionDenied  # noqa: F401 (the adapter's name)
from saleor.graphql.core.utils import error_codes

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
