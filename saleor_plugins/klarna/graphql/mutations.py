import graphene
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from graphql.error import GraphQLError
from saleor.checkout.models import Checkout
from saleor.graphql.checkout.types import Checkout as CheckoutType
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.types.common import PaymentError
from saleor.graphql.core.utils import from_global_id_strict_type
from saleor.graphql.payment.mutations import CheckoutPaymentCreate as SaleorCheckoutPaymentCreate

from ...graphql.ids import visible_checkout
from .. import authorizations, errors
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


class CheckoutPaymentCreate(SaleorCheckoutPaymentCreate):
    """Saleor's ``checkoutPaymentCreate``; a Klarna authorization token is taken only on the
    checkout whose Klarna session it was issued for, and on no other (``authorizations``)."""

    class Meta:
        description = SaleorCheckoutPaymentCreate._meta.description
        error_type_class = PaymentError
        error_type_field = "payment_errors"

    @classmethod
    def perform_mutation(cls, root, info, checkout_id, **data):
        payment_input = data.get("input") or {}
        checkout = None
        if payment_input.get("gateway") == GATEWAY_ID:
            try:
                checkout = Checkout.objects.filter(pk=from_global_id_strict_type(
                    checkout_id, only_type=CheckoutType, field="checkout_id")).first()
            except (GraphQLError, ValidationError):
                checkout = None  # Saleor answers a bad id its own way
        if checkout is None:
            return super().perform_mutation(root, info, checkout_id, **data)
        plugin = info.context.plugins.get_plugin(GATEWAY_ID)
        config = plugin.config if plugin and plugin.active and plugin.configured else None
        with transaction.atomic():
            binding, repeated = authorizations.bind(
                checkout, payment_input.get("token"), payment_input.get("amount"), config)
            if repeated is not None:
                return cls(payment=repeated)
            result = super().perform_mutation(root, info, checkout_id, **data)
            authorizations.attach(binding, result.payment)
            return result
