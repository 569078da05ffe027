"""Klarna in-store till: queries, mutations and type extensions served on /graphql/."""
import graphene


class KlarnaInstoreQueries(graphene.ObjectType):
    pass


class KlarnaInstoreMutations(graphene.ObjectType):
    pass


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
