"""Global IDs of Saleor objects, read without raising on malformed input."""
import binascii
import uuid
from typing import Optional

import graphene


def pk_from_global_id(global_id, type_name: str) -> Optional[int]:
    """The primary key a global ID of ``type_name`` names, or None for anything else.

    Malformed base64, another type, a non-number or a key outside PostgreSQL's integer range
    all give None, so callers answer with their own typed error and never reach the database.
    """
    try:
        found_type, pk = graphene.Node.from_global_id(global_id or "")
        pk = int(pk)
    except Exception:  # graphene raises several kinds for malformed input
        return None
    if found_type != type_name or not 0 < pk < 2 ** 31:
        return None
    return pk


def checkout_by_global_id(global_id: str):
    """The checkout a global ID names, or None for anything malformed or unknown."""
    from saleor.checkout.models import Checkout

    try:
        type_name, token = graphene.Node.from_global_id(global_id)
        token = uuid.UUID(token)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        return None
    if type_name != "Checkout":
        return None
    return Checkout.objects.filter(token=token).first()


def visible_checkout(global_id: str, user) -> Optional[object]:
    """The checkout if this requester may use it: a customer's checkout only for them."""
    checkout = checkout_by_global_id(global_id)
    if checkout is None:
        return None
    if checkout.user_id and (not user or not user.is_authenticated or user.pk != checkout.user_id):
        return None
    return checkout
