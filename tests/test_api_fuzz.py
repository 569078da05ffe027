"""Property-based fuzzing of every package query and mutation through /graphql/.

Arguments are drawn from the schema's own argument types, salted with malformed IDs, other
customers' IDs, negative, huge and non-finite amounts, wrong types, NUL bytes and very long
text. Whatever arrives: never a 500, never an unhandled exception (Saleor logs those as
"query failed unexpectedly" and answers with the exception's text), never a traceback, and a
request that fails writes nothing.

Examples per operation: ``SALEOR_PLUGINS_FUZZ_EXAMPLES`` (default 8, derandomized so CI is
repeatable); ``SALEOR_PLUGINS_FUZZ_RANDOM=1`` explores new examples each run.
"""
import os

import pytest
from graphql.type.definition import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .api_schema import (
    database_fingerprint,
    document,
    package_operations,
    typed_errors,
    unhandled_errors,
)
from .api_world import build_world
from .graphql_client import GraphQLClient

EXAMPLES = int(os.environ.get("SALEOR_PLUGINS_FUZZ_EXAMPLES", "8"))
RANDOM = os.environ.get("SALEOR_PLUGINS_FUZZ_RANDOM") == "1"

MALFORMED_IDS = [
    "", "not-an-id", "////", "VXNlcjo=", "VXNlcjotMQ==",  # "User:", "User:-1"
    "T3JkZXI6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "Q2hlY2tvdXQ6bm90LWEtdXVpZA==",
    "RGlzY291bnRSdWxlOjEuNQ==", "\x00", "' OR 1=1 --",
]
NASTY_TEXT = ["", " ", "x" * 5000, "\x00", "' OR 1=1 --", "ÆØÅ æøå ß €", "<script>x</script>",
              "%(name)s", "{}", "-1", "1e400"]
NASTY_NUMBERS = ["-1", "0", "-0.001", "0.001", "1e400", "-1e400", "NaN", "Infinity", "1e-30",
                 "99999999999999999999999999.99", "abc", 1.5, 10 ** 30, -10 ** 30, True]
NASTY_INTS = [0, -1, -2 ** 31, 2 ** 31 - 1, 2 ** 31, 2 ** 63, "7", 1.5]
NASTY_DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "31.12.2026", "", "2026-13-01T25:00"]
WRONG_TYPES = [None, 7, "seven", [], {}, True]


def scalar_strategy(scalar, ids):
    kind = scalar.name
    if kind == "ID":
        return st.one_of(st.sampled_from(list(ids.values())), st.sampled_from(MALFORMED_IDS),
                         st.text(max_size=12))
    if kind == "String":
        return st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT))
    if kind == "Int":
        return st.one_of(st.integers(-5, 1000), st.sampled_from(NASTY_INTS))
    if kind in ("Decimal", "PositiveDecimal", "Float", "WeightScalar"):
        return st.one_of(
            st.decimals(-10 ** 6, 10 ** 6, places=2, allow_nan=False).map(str),
            st.sampled_from(NASTY_NUMBERS),
        )
    if kind == "Boolean":
        return st.one_of(st.booleans(), st.sampled_from(["true", 1]))
    if kind in ("Date", "DateTime"):
        return st.one_of(
            st.dates().map(lambda d: d.isoformat()) if kind == "Date"
            else st.datetimes().map(lambda d: d.isoformat() + "Z"),
            st.sampled_from(NASTY_DATES),
        )
    if kind == "UUID":
        return st.one_of(st.uuids().map(str), st.sampled_from(["x", "", "0" * 36]))
    return st.one_of(st.text(max_size=20), st.sampled_from(WRONG_TYPES))


def value_strategy(graphql_type, ids, depth=0):
    required = isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type.of_type if required else graphql_type
    if isinstance(inner, GraphQLList):
        strategy = st.lists(value_strategy(inner.of_type, ids, depth + 1), max_size=3)
    elif isinstance(inner, GraphQLEnumType):
        strategy = st.one_of(st.sampled_from([v.name for v in inner.values]), st.just("NOT_A_VALUE"))
    elif isinstance(inner, GraphQLInputObjectType):
        fields = {}
        optional = {}
        for name, field in inner.fields.items():
            if isinstance(field.type, GraphQLNonNull):
                fields[name] = value_strategy(field.type, ids, depth + 1)
            elif depth < 3:
                optional[name] = value_strategy(field.type, ids, depth + 1)
        strategy = st.fixed_dictionaries(fields, optional=optional)
    else:
        strategy = scalar_strategy(inner, ids)
    # now and then a value of the wrong type, or null where the schema allows it
    strategy = st.one_of(strategy, st.sampled_from(WRONG_TYPES)) if depth == 0 else strategy
    return strategy if required else st.one_of(st.none(), strategy)


def variables_strategy(operation, ids):
    required, optional = {}, {}
    for name, arg in operation.field.args.items():
        target = required if isinstance(arg.type, GraphQLNonNull) else optional
        target[name] = value_strategy(arg.type, ids)
    return st.fixed_dictionaries(required, optional=optional)


@pytest.fixture
def world(db, klarna_gateway):
    return build_world()


@pytest.mark.parametrize("operation", package_operations(), ids=lambda op: op.name)
def test_fuzzed_requests_never_fail_unhandled_nor_write_on_error(operation, world, caplog):
    query = document(operation)
    users = [user for _, user in world.users()]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
              suppress_health_check=list(HealthCheck))
    @given(user=st.sampled_from(users), variables=variables_strategy(operation, world.ids))
    def check(user, variables):
        before = database_fingerprint()
        caplog.clear()
        response = GraphQLClient(user).post(query, variables)
        body = response.content.decode()
        assert response.status_code in (200, 400), body[:1000]
        assert "Traceback" not in body
        content = response.json()
        if response.status_code == 400:
            # rejected before execution (variables that don't fit the schema): graphql-core
            # raises plain exceptions for some coercions, which Saleor logs as unhandled
            assert content.get("errors") and not content.get("data")
            assert database_fingerprint() == before
            return
        failures = unhandled_errors(caplog.records)
        assert not failures, f"{variables}: {content.get('errors')}"
        payload = (content.get("data") or {}).get(operation.name)
        if payload is None or typed_errors(content):
            assert database_fingerprint() == before, f"failed request wrote data: {variables}"

    check()
