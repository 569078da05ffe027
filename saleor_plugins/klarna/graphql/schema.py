"""Klarna: queries, mutations and type extensions served on /graphql/."""
import graphene


class KlarnaQueries(graphene.ObjectType):
    pass


class KlarnaMutations(graphene.ObjectType):
    pass


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
