"""Every package operation, read from the schema, × every kind of requester.

Staff operations are those whose mutation declares package permissions or whose description
names one; every other operation must say here who it is for. Each is called as anonymous,
the owner, another customer, staff without and staff with the package's permissions, and a
Saleor app holding them (its token), with the owner's objects as arguments.
"""
import json

import pytest

from saleor_plugins.conf import features
from saleor_plugins.graphql.schema import FEATURE_SCHEMAS

from .api_schema import (
    Operation,
    arguments,
    database_fingerprint,
    default_scalar,
    document,
    is_permission_denied,
    package_operations,
    typed_errors,
    unhandled_errors,
)
from .api_world import VICTIM_EMAIL, VICTIM_SECRET, build_world
from .graphql_client import GraphQLClient

# Who a non-staff operation is for:
#   public   - anyone, anonymous included; shows nothing private
#   checkout - whoever holds the checkout; a customer's checkout only for that customer
#   customer - a logged-in customer, on their own data only
NON_STAFF_ACCESS = {
    "publicDiscountRules": "public",
    "checkoutDiscountCodeAdd": "checkout",
    "checkoutDiscountCodeRemove": "checkout",
    "klarnaSessionCreate": "checkout",
    "checkoutLoyaltyPointsApply": "checkout",
    "checkoutLoyaltyPointsRemove": "checkout",
    "loyaltyReferralClaim": "customer",
    "productReviewCreate": "customer",
    "checkoutLineSubscriptionSet": "checkout",
    "subscriptionHolidays": "public",
    "subscriptionPlans": "public",
    "mySubscriptions": "customer",
    "productSubscription": "customer",
    "productSubscriptionCancel": "customer",
    "productSubscriptionExtend": "customer",
    "productSubscriptionPause": "customer",
    "productSubscriptionPaymentMethodUpdate": "customer",
    "productSubscriptionPaymentSessionCreate": "customer",
    "productSubscriptionResume": "customer",
    "productSubscriptionSkipNext": "customer",
    "productSubscriptionUpdate": "customer",
    # the till's login: the password or a refresh token is the credential
    "tillLogin": "public",
    "tillLogout": "public",
    "tillTokenRefresh": "public",
    # the self-service page: the signed link from a subscription e-mail is the credential
    "subscriptionAccessTokenCreate": "public",
}

OPERATIONS = package_operations()
# permissions only a logged-in person may use: apps holding them are refused (the till names
# the staff member who sold, see README "Apps")
PEOPLE_ONLY_PERMISSIONS = {"USE_TILL"}
APP = "app with permission"


def access_of(operation: Operation) -> str:
    return "staff" if operation.required_permissions() else NON_STAFF_ACCESS.get(operation.name)


def test_every_package_operation_has_a_declared_audience():
    undeclared = [op.name for op in OPERATIONS if access_of(op) is None]
    assert undeclared == [], f"declare who may call these in NON_STAFF_ACCESS: {undeclared}"
    if set(FEATURE_SCHEMAS) <= set(features()):  # else some are of features not installed
        stale = set(NON_STAFF_ACCESS) - {op.name for op in OPERATIONS}
        assert not stale, f"no longer in the schema: {stale}"
    both = [op.name for op in OPERATIONS
            if op.required_permissions() and op.name in NON_STAFF_ACCESS]
    assert both == [], f"staff operations listed as non-staff: {both}"


@pytest.fixture
def world(db, request):
    if "klarna" in features():  # its gateway's operations need it configured
        request.getfixturevalue("klarna_gateway")
    return build_world()


def ambiguous_id_arguments(operation, ids):
    """ID arguments whose name names no type: each of the owner's objects is tried."""
    names = []
    for name, arg in operation.field.args.items():
        type_name = str(arg.type).strip("!")
        if type_name == "ID" and not any(t.lower() in name.lower() for t in ids):
            names.append(name)
    return names


def argument_sets(operation, world):
    """Arguments naming the owner's objects; an ID argument whose name names no type gets
    each object the owner owns in turn (staff operations refuse before reading arguments)."""
    ids = world.ids
    base = arguments(operation, lambda name, scalar: default_scalar(name, scalar, ids))
    ambiguous = [n for n in ambiguous_id_arguments(operation, ids) if n in base]
    if not ambiguous or operation.required_permissions():
        return [base]
    owned = [ids[t] for t in world.owned_types if t in ids]
    return [dict(base, **{name: global_id for name in ambiguous}) for global_id in owned]


def call(user, operation, variables, app_token=None):
    client = GraphQLClient(app_token=app_token) if app_token else GraphQLClient(user)
    response = client.post(document(operation), variables)
    assert response.status_code in (200, 400), response.content[:500]
    return response.json()


def leaks_owner_data(content) -> bool:
    text = json.dumps(content.get("data"))
    return VICTIM_EMAIL in text or VICTIM_SECRET in text


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_operation_answers_each_requester_as_declared(operation, world, caplog):
    access = access_of(operation)
    assert access, "see test_every_package_operation_has_a_declared_audience"
    for role, user in world.users() + [(APP, None)]:
        if role == APP and access != "staff":
            continue  # apps act for staff; customers' operations need a customer
        for variables in argument_sets(operation, world):
            before = database_fingerprint()
            caplog.clear()
            content = call(user, operation, variables,
                           world.app_token if role == APP else None)
            label = f"{operation.name} as {role} with {variables}"
            assert not unhandled_errors(caplog.records), f"{label}: {content.get('errors')}"
            denied = is_permission_denied(content)
            payload = (content.get("data") or {}).get(operation.name)
            if access == "staff":
                people_only = operation.required_permissions() & PEOPLE_ONLY_PERMISSIONS
                if role == "staff with permission" or (role == APP and not people_only):
                    assert not denied, f"{label}: {content.get('errors')}"
                    if payload is None or typed_errors(content):
                        assert database_fingerprint() == before, f"{label} failed but wrote data"
                else:
                    assert denied, f"{label} was not refused: {content}"
                    assert database_fingerprint() == before, f"{label} wrote data"
                continue
            if role in ("other customer", "anonymous", "staff without permission"):
                if access == "customer" and role == "anonymous":
                    assert denied or typed_errors(content) or payload is None, label
                assert not leaks_owner_data(content), f"{label} shows the owner's data: {content}"
                if operation.kind == "mutation" and access != "public":
                    assert database_fingerprint() == before, f"{label} changed the owner's data"
            if role == "owner" or access == "public":
                assert not denied, f"{label}: {content.get('errors')}"
            if payload is None or typed_errors(content):
                assert database_fingerprint() == before, f"{label} failed but wrote data"
