"""Discount rules: queries, mutations and type extensions served on /graphql/."""
import graphene


class DiscountRulesQueries(graphene.ObjectType):
    pass


class DiscountRulesMutations(graphene.ObjectType):
    pass


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
