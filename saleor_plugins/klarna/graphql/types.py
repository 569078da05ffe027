import graphene
from saleor.graphql.core.types import Error, Money

from ...core.errors import register_error_codes
from ..amounts import from_minor_units


@register_error_codes
class KlarnaErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    NOT_AVAILABLE = "klarna_not_available"
    CHECKOUT_NOT_READY = "klarna_checkout_not_ready"
    KLARNA_UNAVAILABLE = "klarna_unavailable"
    KLARNA_REJECTED = "klarna_rejected"


class KlarnaError(Error):
    code = KlarnaErrorCode(description="The error code.", required=True)


class KlarnaPaymentMethodCategory(graphene.ObjectType):
    identifier = graphene.String(required=True, description="e.g. pay_later, pay_over_time.")
    name = graphene.String(required=True, description="Name to show the customer.")
    descriptive_asset_url = graphene.String(description="Badge image URL (descriptive).")
    standard_asset_url = graphene.String(description="Badge image URL (standard).")

    @staticmethod
    def from_result(category):
        urls = category.asset_urls or {}
        return KlarnaPaymentMethodCategory(
            identifier=category.identifier,
            name=category.name,
            descriptive_asset_url=urls.get("descriptive"),
            standard_asset_url=urls.get("standard"),
        )


class KlarnaSessionIntent(graphene.Enum):
    BUY = "buy"
    TOKENIZE = "tokenize"
    BUY_AND_TOKENIZE = "buy_and_tokenize"


class KlarnaSession(graphene.ObjectType):
    session_id = graphene.String(required=True, description="Klarna Payments session id.")
    client_token = graphene.String(
        required=True, description="Token for Klarna's JavaScript/mobile SDK (Klarna.Payments.init)."
    )
    intent = graphene.Field(
        KlarnaSessionIntent, required=True,
        description="BUY_AND_TOKENIZE when the checkout holds a subscription: paying also "
        "stores a customer token for renewals.",
    )
    amount = graphene.Field(Money, required=True, description="The amount Klarna will charge.")
    payment_method_categories = graphene.List(
        graphene.NonNull(KlarnaPaymentMethodCategory), required=True,
        description="Klarna payment methods to offer; load each into a widget container.",
    )
    gateway = graphene.String(
        required=True, description="Gateway id for checkoutPaymentCreate."
    )
    expires_at = graphene.DateTime(required=True)

    @staticmethod
    def from_model(session, gateway):
        return KlarnaSession(
            session_id=session.session_id,
            client_token=session.client_token,
            intent=session.intent,
            amount=from_minor_units(session.order_amount, session.currency),
            payment_method_categories=[
                KlarnaPaymentMethodCategory.from_result(c)
                for c in getattr(session, "payment_method_categories", [])
            ],
            gateway=gateway,
            expires_at=session.expires_at,
        )
