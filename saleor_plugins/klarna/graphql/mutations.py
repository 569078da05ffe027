import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from saleor.graphql.core.mutations import BaseMutation

from ...graphql.ids import visible_checkout
from .. import errors
from ..payments import GATEWAY_ID, customer_message
from ..sessions import open_checkout_session
from .types import KlarnaError, KlarnaErrorCode, KlarnaSession


class KlarnaSessionCreate(BaseMutation):
    session = graphene.Field(KlarnaSession, description="The checkout's Klarna session.")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="ID of the checkout to pay.")

    class Meta:
        description = (
            "Open (or refresh with the current cart) the Klarna Payments session of a checkout. "
            "Load `clientToken` into Klarna's widget; after `authorize()` pass the authorization "
            "token to checkoutPaymentCreate with gateway `saleor_plugins.klarna`. Call again "
            "whenever the cart, addresses or shipping change."
        )
        error_type_class = KlarnaError
        error_type_field = "klarna_errors"

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id):
        plugin = info.context.plugins.get_plugin(GATEWAY_ID)
        if plugin is None or not plugin.active or not plugin.configured:
            raise ValidationError(
                _("Klarna payments are not available in this shop."),
                code=KlarnaErrorCode.NOT_AVAILABLE.value,
            )
        checkout = visible_checkout(checkout_id, info.context.user)
        if checkout is None:
            # someone else's checkout: answer as if it did not exist
            raise ValidationError(
                {"checkout_id": ValidationError(
                    _("Couldn't resolve to a checkout: %(id)s") % {"id": checkout_id},
                    code=KlarnaErrorCode.NOT_FOUND.value,
                )}
            )
        if not checkout.lines.exists():
            raise ValidationError(
                {"checkout_id": ValidationError(
                    _("The checkout has no lines."),
                    code=KlarnaErrorCode.CHECKOUT_NOT_READY.value,
                )}
            )
        try:
            session = open_checkout_session(
                plugin.config, checkout, info.context.discounts, info.context.plugins
            )
        except errors.KlarnaError as error:
            code = (
                KlarnaErrorCode.KLARNA_UNAVAILABLE
                if error.retryable or isinstance(error, errors.AuthenticationError)
                else KlarnaErrorCode.KLARNA_REJECTED
            )
            raise ValidationError(customer_message(error), code=code.value)
        return KlarnaSessionCreate(session=KlarnaSession.from_model(session, GATEWAY_ID))
