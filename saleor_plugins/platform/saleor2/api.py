"""Saleor 2.10.1's schema and view: the package's schema is Saleor's plus its own."""
from graphene_federation import build_schema as build_federated_schema
from saleor.graphql.api import Mutation as SaleorMutation
from saleor.graphql.api import Query as SaleorQuery
from saleor.graphql.shop.types import Shop  # noqa: F401 (the adapter's name)
from saleor.graphql.views import GraphQLView


def build_schema(query_mixins, mutation_mixins):
    """Saleor's schema with the package's queries and mutations mixed in first."""
    query = type("Query", tuple(query_mixins) + (SaleorQuery,), {})
    mutation = type("Mutation", tuple(mutation_mixins) + (SaleorMutation,), {})
    return build_federated_schema(query, mutation=mutation)


def api_view(schema, view_class=GraphQLView):
    return view_class.as_view(schema=schema)


# The staff pages log in with Saleor's own account mutations; 2.10.1 renews the token
# itself (no refresh token).
STAFF_LOGIN = {
    "create": "mutation($email: String!, $password: String!) { tokenCreate(email: $email, "
              "password: $password) { token errors { field message } } }",
    "refresh": "mutation($token: String!) { tokenRefresh(token: $token) { token } }",
    "renewWith": "token",
}
