"""The package's own GraphQL operations, read from the schema, and requests built for them.

Used by the fuzz suite and the permission matrix: both cover every root query and mutation
that the package adds to Saleor's schema, so a new operation is covered without a new test.
"""
import datetime
import re
from dataclasses import dataclass
from typing import Callable, Dict, List

from django.apps import apps
from django.db import connection
from graphql.type.definition import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)
from saleor.graphql.api import schema as saleor_schema

from saleor_plugins.core.permissions import PACKAGE_PERMISSION_ENUMS
from saleor_plugins.graphql.schema import schema as package_schema

SALEOR_TYPES = {
    name: t for name, t in saleor_schema.get_type_map().items()
    if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))
}
PACKAGE_PERMISSION_CODES = {member.name for enum in PACKAGE_PERMISSION_ENUMS for member in enum}


@dataclass
class Operation:
    kind: str  # "query" or "mutation"
    name: str
    field: object  # graphql-core GraphQLField

    @property
    def description(self) -> str:
        return self.field.description or ""

    def required_permissions(self) -> set:
        """Package permissions the operation needs: the mutation's Meta, or its description."""
        codes = set()
        graphene_type = getattr(self.field.type, "graphene_type", None)
        meta = getattr(graphene_type, "_meta", None)
        for permission in getattr(meta, "permissions", None) or ():
            codes.add(getattr(permission, "name", str(permission).rsplit(".", 1)[-1].upper()))
        if self.kind == "query":
            # the package's convention: a staff-only query's description ends "(CODE)."
            codes |= {code for code in PACKAGE_PERMISSION_CODES
                      if re.search(rf"\({code}\)", self.description)}
        return codes & PACKAGE_PERMISSION_CODES

    def __repr__(self):
        return f"{self.kind} {self.name}"


def package_operations() -> List[Operation]:
    """Root fields of the package's schema that Saleor's own schema does not have."""
    operations = []
    for kind, ours, saleor in (
        ("query", package_schema.get_query_type(), saleor_schema.get_query_type()),
        ("mutation", package_schema.get_mutation_type(), saleor_schema.get_mutation_type()),
    ):
        for name, field in sorted(ours.fields.items()):
            if name not in saleor.fields and not name.startswith("_"):
                operations.append(Operation(kind, name, field))
    return operations


def unwrap(graphql_type):
    while isinstance(graphql_type, (GraphQLNonNull, GraphQLList)):
        graphql_type = graphql_type.of_type
    return graphql_type


def selection(graphql_type, depth=2) -> str:
    """Every argument-free scalar field, and object fields ``depth`` levels down."""
    graphql_type = unwrap(graphql_type)
    if isinstance(graphql_type, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if isinstance(graphql_type, GraphQLUnionType):
        parts = [f"... on {member.name} {selection(member, depth)}" for member in graphql_type.types]
        return "{ __typename " + " ".join(parts) + " }"
    parts = ["__typename"]
    saleor_type = SALEOR_TYPES.get(graphql_type.name)
    for name, field in graphql_type.fields.items():
        if (saleor_type is not None and name in saleor_type.fields and name != "id"
                and "id" in saleor_type.fields):
            continue  # Saleor's own fields are Saleor's business; the package's extensions are ours
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        if field.deprecation_reason:
            continue
        inner = unwrap(field.type)
        if isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
            parts.append(name)
        elif depth > 0 and isinstance(inner, (GraphQLObjectType, GraphQLInterfaceType,
                                              GraphQLUnionType)):
            if inner.name.endswith("CountableConnection"):
                continue  # Saleor's connections need first/last
            sub = selection(inner, depth - 1)
            if sub:
                parts.append(f"{name} {sub}")
    return "{ " + " ".join(parts) + " }"


def graphql_type_name(graphql_type) -> str:
    if isinstance(graphql_type, GraphQLNonNull):
        return graphql_type_name(graphql_type.of_type) + "!"
    if isinstance(graphql_type, GraphQLList):
        return "[" + graphql_type_name(graphql_type.of_type) + "]"
    return graphql_type.name


def document(operation: Operation) -> str:
    """A request for ``operation`` with every argument as a variable of its declared type."""
    args = operation.field.args
    variables = ", ".join(f"${n}: {graphql_type_name(a.type)}" for n, a in args.items())
    call = ", ".join(f"{n}: ${n}" for n in args)
    head = f"{operation.kind} Op({variables})" if variables else operation.kind
    fields = selection(operation.field.type)
    return f"{head} {{ {operation.name}{f'({call})' if call else ''} {fields} }}"


ValueFor = Callable[[str, GraphQLScalarType], object]


def default_scalar(name: str, scalar: GraphQLScalarType, ids: Dict[str, str]):
    """A plausible value for a scalar argument called ``name``."""
    kind = scalar.name
    if kind == "ID":
        lowered = name.lower()
        for type_name, global_id in ids.items():
            if type_name.lower() in lowered:
                return global_id
        return next(iter(ids.values()), "")
    if kind in ("Int",):
        return 1
    if kind in ("Float",):
        return 1.0
    if kind in ("Decimal", "PositiveDecimal", "WeightScalar"):
        return "1"
    if kind == "Boolean":
        return False
    if kind == "Date":
        return (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    if kind == "DateTime":
        return (datetime.datetime.now(datetime.timezone.utc)
                + datetime.timedelta(days=7)).isoformat()
    if kind == "UUID":
        return "00000000-0000-4000-8000-000000000000"
    if kind == "JSONString":
        return "{}"
    if kind == "Upload":
        return None
    return "x"


def build_value(name, graphql_type, scalar_value: ValueFor, optional=False, depth=0):
    """A value for an argument or input field: required parts always, optional ones if asked."""
    if isinstance(graphql_type, GraphQLNonNull):
        return build_value(name, graphql_type.of_type, scalar_value, optional, depth)
    if isinstance(graphql_type, GraphQLList):
        return [build_value(name, graphql_type.of_type, scalar_value, optional, depth)]
    if isinstance(graphql_type, GraphQLEnumType):
        return graphql_type.values[0].name
    if isinstance(graphql_type, GraphQLInputObjectType):
        value = {}
        for field_name, field in graphql_type.fields.items():
            if isinstance(field.type, GraphQLNonNull) or (optional and depth < 3):
                value[field_name] = build_value(field_name, field.type, scalar_value,
                                                optional, depth + 1)
        return value
    return scalar_value(name, graphql_type)


def arguments(operation: Operation, scalar_value: ValueFor, optional=False) -> dict:
    return {
        name: build_value(name, arg.type, scalar_value, optional)
        for name, arg in operation.field.args.items()
        if isinstance(arg.type, GraphQLNonNull) or optional
    }


def package_tables() -> List[str]:
    """Tables a package request may write: the package's apps and Saleor's shop data."""
    labels = {"saleor_plugins"} | {
        config.label for config in apps.get_app_configs()
        if config.name.startswith("saleor_plugins.")
    } | {"checkout", "order", "payment", "discount", "giftcard"}
    tables = {"account_user", "account_address", "product_product", "product_productvariant"}
    for model in apps.get_models():
        if model._meta.app_label in labels and model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def database_fingerprint(tables=None) -> str:
    """One hash of every row of ``tables``: equal before and after means nothing was written."""
    parts = [
        f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t)"
        for table in tables or package_tables()
    ]
    with connection.cursor() as cursor:  # one round trip for all tables
        cursor.execute("SELECT md5(" + " || ".join(parts) + ")")
        return cursor.fetchone()[0]


def unhandled_errors(records) -> list:
    """Log records of Saleor's 'query failed unexpectedly' logger: a 500 in all but name."""
    return [r for r in records if r.name == "saleor.graphql.errors.unhandled"]


def is_permission_denied(content: dict) -> bool:
    for error in content.get("errors") or []:
        code = ((error.get("extensions") or {}).get("exception") or {}).get("code")
        if code == "PermissionDenied":
            return True
    return False


def typed_errors(content: dict) -> list:
    """Every ``...Errors`` list in a mutation payload (``field``, ``message``, ``code``)."""
    found = []
    for payload in (content.get("data") or {}).values():
        if isinstance(payload, dict):
            for key, value in payload.items():
                if key.endswith("rrors") and value:
                    found.extend(value)
    return found
