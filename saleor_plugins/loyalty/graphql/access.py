"""Who may see and change loyalty points through the API."""
from saleor.graphql.utils import get_user_or_app_from_context

from ...core.permissions import LoyaltyPermissions
from .. import program


def can_manage(info) -> bool:
    requester = get_user_or_app_from_context(info.context)
    return bool(requester) and requester.has_perms([LoyaltyPermissions.MANAGE_LOYALTY.value])


def permission_denied():
    from graphql_jwt.exceptions import PermissionDenied

    raise PermissionDenied()


def require_manager(info) -> None:
    if not can_manage(info):
        permission_denied()


def point_value(info):
    plugin = program.active_plugin(info.context.plugins)
    return plugin.config.point_value if plugin else None
