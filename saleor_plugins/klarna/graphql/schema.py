"""Klarna: queries, mutations and type extensions served on /graphql/."""
import graphene

from .mutations import CheckoutPaymentCreate, KlarnaSessionCreate


class KlarnaQueries(graphene.ObjectType):
    pass


class KlarnaMutations(graphene.ObjectType):
    klarna_session_create = KlarnaSessionCreate.Field()
    # Saleor's, with Klarna's tokens bound to their checkout (the package's schema lists
    # the features' mutations before Saleor's, so this one is served)
    checkout_payment_create = CheckoutPaymentCreate.Field()


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
