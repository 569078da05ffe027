"""Add fields to Saleor's own GraphQL types (e.g. ``User.loyaltyPoints``).

graphene 2 reads ``_meta.fields`` when a schema is built, so fields added here before the
package's schema is built appear on Saleor's types in that schema only. This touches
graphene's private ``_meta``; it is done here and nowhere else.
"""
from typing import Callable, Iterable, Tuple

import graphene

TypeExtension = Tuple[type, str, graphene.Field, Callable]


def extend_type(graphene_type, field_name: str, field: graphene.Field, resolver: Callable):
    fields = graphene_type._meta.fields
    existing = fields.get(field_name)
    if existing is not None and existing is not field:
        raise ValueError(f"{graphene_type.__name__}.{field_name} exists already")
    fields[field_name] = field
    setattr(graphene_type, f"resolve_{field_name}", staticmethod(resolver))


def apply_type_extensions(extensions: Iterable[TypeExtension]):
    for graphene_type, field_name, field, resolver in extensions:
        extend_type(graphene_type, field_name, field, resolver)
