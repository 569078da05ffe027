"""Subscriptions: queries, mutations and type extensions served on /graphql/."""
import graphene


class SubscriptionQueries(graphene.ObjectType):
    pass


class SubscriptionMutations(graphene.ObjectType):
    pass


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = []
