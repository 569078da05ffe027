"""The self-service page's one operation of its own: a signed link (from a subscription
e-mail) exchanged for a short-lived access token to the package's subscription operations
(``X-Subscription-Access`` header; see ``self_service_links``)."""
import datetime

import graphene
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from saleor.graphql.core.mutations import BaseMutation

from .. import self_service_links as links
from .mutations import CODES, _error, _meta, config_or_error


class SubscriptionAccess(graphene.ObjectType):
    access_token = graphene.String(
        required=True, description="Send it as the X-Subscription-Access header.")
    expires_at = graphene.DateTime(required=True)
    customer_email = graphene.String(required=True)


class SubscriptionAccessTokenCreate(BaseMutation):
    access = graphene.Field(SubscriptionAccess)

    class Arguments:
        link = graphene.String(required=True, description="The link's signed token "
                                                          "(its ?link= parameter).")

    Meta = _meta("Exchange a signed self-service link from a subscription e-mail for an "
                 "access token (one hour, never past the link's expiry) to that customer's "
                 "subscriptions only: mySubscriptions, productSubscription and the "
                 "productSubscription* mutations.")

    @classmethod
    def perform_mutation(cls, _root, info, link):
        config_or_error()
        grant = links.read_link(link)
        if grant.state == links.EXPIRED:
            raise _error("link", _("This link has expired. Log in, or use the link in a "
                                   "newer e-mail."), CODES.SUBSCRIPTION_LINK_EXPIRED)
        customer = get_user_model().objects.filter(
            pk=grant.customer_id, is_active=True).first() if grant.state == links.VALID else None
        if customer is None:
            raise _error("link", _("This link is not valid. Log in, or use the link in "
                                   "your e-mail as it is."), CODES.SUBSCRIPTION_LINK_INVALID)
        access, token = links.access_token(customer.pk, grant.expires_at)
        return cls(access=SubscriptionAccess(
            access_token=token, customer_email=customer.email,
            expires_at=datetime.datetime.fromtimestamp(access.expires_at, datetime.timezone.utc)))
