"""The till's login, token refresh and logout (see ``sessions``)."""
import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.types import Error

from ...core.errors import register_error_codes
from .. import sessions, till

TillLoginErrorCode = register_error_codes(graphene.Enum(
    "TillLoginErrorCode",
    [("GRAPHQL_ERROR", "graphql_error")]
    + [(code.upper(), code) for code in sessions.LoginErrorCode.ALL],
))


class TillLoginError(Error):
    code = TillLoginErrorCode(description="The error code.", required=True)


def _config(info):
    try:
        return till.till_plugin(info.context.plugins).config
    except till.TillError as error:
        raise sessions.LoginError(error.message, sessions.LoginErrorCode.NOT_LICENSED)


class TillTokenMutation(BaseMutation):
    token = graphene.String(description="Send as 'Authorization: JWT <token>'.")
    refresh_token = graphene.String(
        description="For tillTokenRefresh and tillLogout; each refresh gives a new one.")
    expires_at = graphene.DateTime(description="When the token stops working.")
    session_expires_at = graphene.DateTime(description="When the login ends at the latest.")

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("error_type_class", TillLoginError)
        options.setdefault("error_type_field", "till_errors")
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def perform_mutation(cls, _root, info, **data):
        try:
            login = cls.log_in(info, _config(info), **data)
        except sessions.LoginError as refusal:
            error = ValidationError(refusal.message, code=refusal.code)
            if refusal.field:
                error = ValidationError({refusal.field: error})
            raise error
        return cls(token=login.token, refresh_token=login.refresh_token,
                   expires_at=login.token_expires_at,
                   session_expires_at=login.session.expires_at)

    @classmethod
    def log_in(cls, info, config, **data):
        raise NotImplementedError


class TillLogin(TillTokenMutation):
    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    class Meta:
        description = ("Log in at the till (staff with USE_TILL): a short-lived token and a "
                       "refresh token. Send no Authorization header with it.")

    @classmethod
    def log_in(cls, info, config, email, password):
        return sessions.log_in(email, password, config)


class TillTokenRefresh(TillTokenMutation):
    class Arguments:
        refresh_token = graphene.String(required=True)

    class Meta:
        description = ("A new till token and refresh token; the refresh token given is used "
                       "up (presenting it again ends the login).")

    @classmethod
    def log_in(cls, info, config, refresh_token):
        return sessions.refresh(refresh_token, config)


class TillLogout(BaseMutation):
    logged_out = graphene.Boolean(required=True,
                                  description="False when the login had already ended.")

    class Arguments:
        refresh_token = graphene.String(required=True)

    class Meta:
        description = "Log out at the till: its tokens stop working at once."
        error_type_class = TillLoginError
        error_type_field = "till_errors"

    @classmethod
    def perform_mutation(cls, _root, info, refresh_token):
        return cls(logged_out=sessions.log_out(refresh_token))
