"""Klarna: queries, mutations and type extensions served on /graphql/."""
import graphene

from .mutations import KlarnaSessionCreate


class KlarnaQueries(graphene.ObjectType):
    pass


class KlarnaMutations(graphene.ObjectType):
    klarna_session_create = KlarnaSessionCreate.Field()


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
