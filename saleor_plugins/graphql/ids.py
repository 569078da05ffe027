"""Global IDs of Saleor objects, read without raising on malformed input."""
import binascii
import uuid
from typing import Optional

import graphene


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
