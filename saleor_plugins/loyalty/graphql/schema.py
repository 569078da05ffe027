"""Loyalty points: queries, mutations and type extensions served on /graphql/."""
import graphene


class LoyaltyQueries(graphene.ObjectType):
    pass


class LoyaltyMutations(graphene.ObjectType):
    pass


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
