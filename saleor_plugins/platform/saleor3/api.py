"""Saleor 3.23's schema and view.

The package's schema is built like Saleor's own (``saleor.graphql.api``): the same extra
types, subscriptions and directives, so everything Saleor serves stays as it is.
Query-cost validation and webhook payloads keep using Saleor's own schema object.
"""
import graphql
from saleor.graphql import api as saleor_api
from saleor.graphql.core.federation.schema import build_federated_schema
from saleor.graphql.shop.types import Shop  # noqa: F401 (the adapter's name)
from saleor.graphql.views import GraphQLView


def build_schema(query_mixins, mutation_mixins):
    """Saleor's schema with the package's queries and mutations mixed in first."""
    query = type("Query", tuple(query_mixins) + (saleor_api.Query,), {})
    mutation = type("Mutation", tuple(mutation_mixins) + (saleor_api.Mutation,), {})
    return build_federated_schema(
        query,
        mutation=mutation,
        types=(saleor_api.unit_enums + list(saleor_api.WEBHOOK_TYPES_MAP.values())
               + saleor_api.PAYMENT_ADDITIONAL_TYPES + saleor_api.ASSIGNED_ATTRIBUTE_TYPES),
        subscription=saleor_api.Subscription,
        directives=graphql.specified_directives
        + [saleor_api.GraphQLDocDirective, saleor_api.GraphQLWebhookEventsInfoDirective],
    )


def api_view(schema, view_class=GraphQLView):
    return view_class.as_view(backend=saleor_api.backend, schema=schema)


# The staff pages log in with Saleor's own account mutations; 3.23's access token lives
# five minutes and is renewed with the refresh token.
STAFF_LOGIN = {
    "create": "mutation($email: String!, $password: String!) { tokenCreate(email: $email, "
              "password: $password) { token refreshToken errors { field message } } }",
    "refresh": "mutation($token: String!) { tokenRefresh(refreshToken: $token) { token } }",
    "renewWith": "refreshToken",
}
