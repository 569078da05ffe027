"""The one GraphQL schema served on /graphql/: Saleor's plus every feature's that runs on
the installed Saleor.

Features contribute Query/Mutation mixins and extensions of Saleor's types (their
``graphql/schema.py``); they are listed here, in one place.
"""
from importlib import import_module

import graphene

from ..conf import features
from ..platform import saleor
from .arguments import install_argument_checks
from .extend import apply_type_extensions
from .types import SaleorPluginsInfo, resolve_shop_saleor_plugins

# feature -> (its Query mixin, its Mutation mixin) in saleor_plugins.<feature>.graphql.schema
FEATURE_SCHEMAS = {
    "klarna": ("KlarnaQueries", "KlarnaMutations"),
    "subscription": ("SubscriptionQueries", "SubscriptionMutations"),
    "loyalty": ("LoyaltyQueries", "LoyaltyMutations"),
    "discount_rules": ("DiscountRulesQueries", "DiscountRulesMutations"),
    "klarna_instore": ("KlarnaInstoreQueries", "KlarnaInstoreMutations"),
}


def feature_schema_modules():
    return [(name, import_module(f"saleor_plugins.{name}.graphql.schema"))
            for name in FEATURE_SCHEMAS if name in features()]


def build():
    modules = feature_schema_modules()
    extensions = [(
        saleor.api.Shop,
        "saleor_plugins",
        graphene.Field(
            graphene.NonNull(SaleorPluginsInfo),
            description="The saleor-plugins package: version and features.",
        ),
        resolve_shop_saleor_plugins,
    )]
    for _name, module in modules:
        extensions += module.TYPE_EXTENSIONS
    apply_type_extensions(extensions)
    queries = [getattr(module, FEATURE_SCHEMAS[name][0]) for name, module in modules]
    mutations = [getattr(module, FEATURE_SCHEMAS[name][1]) for name, module in modules]
    return install_argument_checks(saleor.api.build_schema(queries, mutations))


schema = build()
