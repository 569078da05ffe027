"""Keep the package's GraphQL error codes intact.

Saleor 2.10.1 rewrites every error code it does not know to ``invalid``; codes of the
package's enums are added to its whitelist when the enum is registered.
"""
from enum import Enum
from typing import Type

from saleor.graphql.core.utils import error_codes


def register_error_codes(enum: Type[Enum]) -> Type[Enum]:
    """Add an error-code enum's values to Saleor's whitelist; usable as a decorator."""
    members = getattr(enum, "_meta", None)
    values = [m.value for m in (members.enum if members else enum)]
    for value in values:
        if value not in error_codes.saleor_error_codes:
            error_codes.saleor_error_codes.append(value)
    return enum


def permission_denied():
    """Refuse a query the way Saleor's own permission checks do (a handled GraphQL error)."""
    from graphql_jwt.exceptions import PermissionDenied

    return PermissionDenied()
