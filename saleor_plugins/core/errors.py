"""Keep the package's GraphQL error codes intact, and refuse like Saleor does.

Saleor 2.10.1 rewrites every error code it does not know to ``invalid``; codes of the
package's enums are added to its whitelist when the enum is registered (3.23 passes codes
through).
"""
from enum import Enum
from typing import Type

from ..platform import saleor


def register_error_codes(enum: Type[Enum]) -> Type[Enum]:
    """Keep an error-code enum's values as they are; usable as a decorator."""
    members = getattr(enum, "_meta", None)
    saleor.graphql.register_error_codes([m.value for m in (members.enum if members else enum)])
    return enum


def permission_denied():
    """Refuse a query the way Saleor's own permission checks do (a handled GraphQL error)."""
    return saleor.graphql.PermissionDenied()
