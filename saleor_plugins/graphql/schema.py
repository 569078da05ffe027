"""The one GraphQL schema served on /graphql/: Saleor's plus every feature's.

Features contribute Query/Mutation mixins and extensions of Saleor's types; they are
listed here, in one place.
"""
import graphene
from graphene_federation import build_schema
from saleor.graphql.api import Mutation as SaleorMutation
from saleor.graphql.api import Query as SaleorQuery
from saleor.graphql.shop.types import Shop

from ..discount_rules.graphql import schema as discount_rules
from ..klarna.graphql import schema as klarna
from ..klarna_instore.graphql import schema as klarna_instore
from ..loyalty.graphql import schema as loyalty
from ..subscription.graphql import schema as subscription
from .extend import apply_type_extensions
from .types import SaleorPluginsInfo, resolve_shop_saleor_plugins

PACKAGE_TYPE_EXTENSIONS = [
    (
        Shop,
        "saleor_plugins",
        graphene.Field(
            graphene.NonNull(SaleorPluginsInfo),
            description="The saleor-plugins package: version and features.",
        ),
        resolve_shop_saleor_plugins,
    )
]

apply_type_extensions(
    PACKAGE_TYPE_EXTENSIONS
    + klarna.TYPE_EXTENSIONS
    + subscription.TYPE_EXTENSIONS
    + loyalty.TYPE_EXTENSIONS
    + discount_rules.TYPE_EXTENSIONS
    + klarna_instore.TYPE_EXTENSIONS
)


class Query(
    klarna.KlarnaQueries,
    subscription.SubscriptionQueries,
    loyalty.LoyaltyQueries,
    discount_rules.DiscountRulesQueries,
    klarna_instore.KlarnaInstoreQueries,
    SaleorQuery,
):
    pass


class Mutation(
    klarna.KlarnaMutations,
    subscription.SubscriptionMutations,
    loyalty.LoyaltyMutations,
    discount_rules.DiscountRulesMutations,
    klarna_instore.KlarnaInstoreMutations,
    SaleorMutation,
):
    pass


schema = build_schema(Query, mutation=Mutation)
