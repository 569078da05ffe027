"""One rule for the arguments of every GraphQL field the package adds, checked before any
resolver code runs (each such field's resolver is wrapped when the schema is built).

- Text must be storable: PostgreSQL refuses NUL bytes and UTF-8 has no unpaired surrogates,
  so either one reached the database as an unhandled exception (``ValueError``,
  ``UnicodeEncodeError``).
- Numbers (``Decimal``) must be finite: Saleor's scalar accepts ``NaN`` and ``Infinity``,
  which raise on the first comparison.
- Dates and times must lie in years 1900 to 2999, so date arithmetic (schedules, lead times,
  time zones) stays inside Python's date range.
- Numbers must not be ``true``/``false``: graphql-core 2 lets a JSON boolean through as an
  ``Int`` (Python's ``bool`` is an ``int``), and PostgreSQL then refuses ``integer + boolean``.

Strings, numbers and dates nested in input objects and lists are checked too. A mutation
answers in its own typed error list (code ``INVALID``, ``field`` the argument's path, e.g.
``comment`` or ``conditions.1.country``); a query raises ``ArgumentError``, a top-level error
with ``extensions.field`` and ``extensions.code`` (see ``view.PackageGraphQLView``).
"""
import datetime
import decimal
import math
from typing import FrozenSet, Optional, Tuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.type.definition import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

NUMBER_SCALARS = frozenset({"Int", "Float", "Decimal", "PositiveDecimal", "PositiveInt"})
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2999, 12, 31)
INVALID = "invalid"


class ArgumentError(GraphQLError):
    """A bad argument of a package query (for mutations the typed error list is used)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = INVALID.upper()


def _text_problem(text: str) -> Optional[str]:
    if "\x00" in text:
        return _("The text contains a NUL character, which cannot be stored.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("The text contains an unpaired surrogate, which cannot be stored.")
    return None


def value_problem(value, type_name: Optional[str] = None) -> Optional[str]:
    """What is wrong with one scalar argument value (of the scalar ``type_name``), or None."""
    if isinstance(value, bool):
        return _("Enter a number.") if type_name in NUMBER_SCALARS else None
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, decimal.Decimal):
        return None if value.is_finite() else _("Enter a finite number.")
    if isinstance(value, float):
        return None if math.isfinite(value) else _("Enter a finite number.")
    if isinstance(value, datetime.date):  # datetimes too: their calendar day
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not MIN_DATE <= day <= MAX_DATE:
            return _("Enter a date between %(first)s and %(last)s.") % {
                "first": MIN_DATE.isoformat(), "last": MAX_DATE.isoformat()}
    return None


def _camel(name: str) -> str:
    head, *rest = str(name).split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _unwrapped(graphql_type):
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    return graphql_type


def _by_python_name(fields) -> dict:
    """Argument or input fields by the names resolvers get them under (snake case)."""
    return {getattr(field, "out_name", None) or name: field for name, field in fields.items()}


def first_problem(value, path=(), graphql_type=None) -> Optional[Tuple[str, str]]:
    """(field path, message) of the first bad value in an argument, input object or list;
    ``graphql_type`` (when known) tells numbers from booleans."""
    graphql_type = _unwrapped(graphql_type)
    if isinstance(value, dict):
        fields = (_by_python_name(graphql_type.fields)
                  if isinstance(graphql_type, GraphQLInputObjectType) else {})
        for key, item in value.items():
            field = fields.get(key)
            found = first_problem(item, path + (key,), getattr(field, "type", None))
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        item_type = graphql_type.of_type if isinstance(graphql_type, GraphQLList) else None
        for index, item in enumerate(value):
            found = first_problem(item, path + (str(index),), item_type)
            if found:
                return found
        return None
    message = value_problem(value, getattr(graphql_type, "name", None))
    return (".".join(_camel(part) for part in path), message) if message else None


def error_field(path: str) -> str:
    """The typed error's field: the path without a leading ``input.`` (Saleor's style)."""
    return path.split(".", 1)[1] if path.startswith("input.") else path


def package_fields(schema) -> FrozenSet[Tuple[str, str]]:
    """(type, field) of every field with arguments that the package adds to Saleor's API."""
    from saleor.graphql.api import schema as saleor_schema

    saleor_types = saleor_schema.get_type_map()
    found = set()
    for name, graphql_type in schema.get_type_map().items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        theirs = saleor_types.get(name)
        for field_name, field in graphql_type.fields.items():
            if not field.args:
                continue
            if isinstance(theirs, GraphQLObjectType) and field_name in theirs.fields:
                continue  # Saleor's own field
            found.add((name, field_name))
    return frozenset(found)


def bad_argument(field, args) -> Optional[Tuple[str, str]]:
    """(field path, message) of the first bad argument of ``field``'s call, or None."""
    arguments = _by_python_name(field.args)
    for name, value in args.items():
        argument = arguments.get(name)
        found = first_problem(value, (name,), getattr(argument, "type", None))
        if found:
            return found
    return None


def _checking(resolver, field):
    def resolve_checked(root, info, **args):
        found = bad_argument(field, args) if args else None
        if found:
            return refuse(info, error_field(found[0]), found[1])
        return resolver(root, info, **args)

    resolve_checked.checks_arguments = True
    return resolve_checked


def install_argument_checks(schema):
    """Wrap the resolver of every package field with arguments in the argument rule, once.

    Only the package's fields are wrapped (a graphene middleware would wrap every field of
    every answer, Saleor's too, in a promise), and the check runs right before the resolver,
    after Saleor's JWT and app middlewares."""
    from graphql.execution.utils import default_resolve_fn

    types = schema.get_type_map()
    for type_name, field_name in package_fields(schema):
        field = types[type_name].fields[field_name]
        if not getattr(field.resolver, "checks_arguments", False):
            field.resolver = _checking(field.resolver or default_resolve_fn, field)
    return schema


def error_codes(mutation) -> set:
    """The values of the ``code`` enum of a mutation's typed errors."""
    error_class = mutation._meta.error_type_class
    code_field = error_class._meta.fields.get("code") if error_class else None
    code_type = getattr(code_field, "type", None)
    while hasattr(code_type, "of_type"):  # NonNull
        code_type = code_type.of_type
    enum = getattr(getattr(code_type, "_meta", None), "enum", None)
    return {member.value for member in enum} if enum else set()


def refuse(info, field: str, message: str):
    """The answer to a bad argument: the mutation's typed errors (``invalid``, or
    ``graphql_error`` where its codes lack ``invalid``), else an ArgumentError."""
    from saleor.graphql.core.mutations import BaseMutation

    mutation = getattr(info.return_type, "graphene_type", None)
    if (isinstance(mutation, type) and issubclass(mutation, BaseMutation)
            and mutation._meta.error_type_field):
        codes = error_codes(mutation)
        code = next((c for c in (INVALID, "graphql_error") if c in codes), None)
        if code is not None:
            return mutation.handle_errors(
                ValidationError({field: ValidationError(message, code=code)}))
    raise ArgumentError(field, message)
