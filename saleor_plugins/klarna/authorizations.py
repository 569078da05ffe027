"""A Klarna authorization token pays the one checkout it was issued for, once.

Klarna issues an authorization token for one Klarna Payments session, and the package
opens one session per checkout (``klarnaSessionCreate``). Saleor 2.10.1's
``checkoutPaymentCreate`` takes any token on any checkout, so with the same cart one
approval could back a payment on a second checkout. Here the first payment made with a
token binds the token to its checkout (after Klarna confirms the checkout's session holds
that token); the token is refused on every other checkout, and ``checkoutComplete`` places
a Klarna order only for a bound token that has placed none (``payments``).
"""
import hmac
from decimal import Decimal
from typing import Optional, Tuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from saleor.payment import ChargeStatus
from saleor.payment.error_codes import PaymentErrorCode

from . import errors
from .models import KlarnaAuthorization, KlarnaPaymentSession
from .payments import client_for, customer_message, not_for_this_checkout

MAX_TOKEN_LENGTH = 128  # Saleor's Payment.token


def _token_error(message: str, code: PaymentErrorCode) -> ValidationError:
    return ValidationError({"token": ValidationError(message, code=code.value)})


def used_elsewhere() -> ValidationError:
    return _token_error(
        _("This Klarna approval is already used for another payment. "
          "Please approve the payment again."),
        PaymentErrorCode.UNIQUE,
    )


def _well_formed(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH and token.isascii() and token.isprintable()


def bind(checkout, token: str, amount: Optional[Decimal], config) -> Tuple[
        KlarnaAuthorization, Optional[object]]:
    """In the caller's transaction: bind ``token`` to ``checkout`` (the row stays locked
    until it commits). Returns the binding and, for a repeated request, the payment already
    made with the token on this checkout (else None). ``config``: the gateway's, to ask
    Klarna whether the token is the checkout session's; None when the gateway is off.

    Raises ``ValidationError`` (field ``token``) when the token is another checkout's, has
    placed a Klarna order, or was not issued for this checkout's session."""
    token = token or ""
    if not token:
        raise _token_error(_("Approve the payment with Klarna first."), PaymentErrorCode.REQUIRED)
    if not _well_formed(token):
        raise _token_error(not_for_this_checkout(), PaymentErrorCode.INVALID)
    binding, created = KlarnaAuthorization.objects.select_for_update().get_or_create(
        authorization_token=token, defaults={"checkout_token": checkout.token})
    if not created:
        if binding.checkout_token != checkout.token or binding.klarna_order_id:
            raise used_elsewhere()
        payment = binding.payment
        if payment is None:
            return binding, None  # its payment is gone: this request makes one again
        if (payment.is_active and payment.checkout_id == checkout.pk
                and payment.charge_status == ChargeStatus.NOT_CHARGED
                and (amount is None or payment.total == amount)):
            return binding, payment  # the same request again (a double click, a retry)
        raise used_elsewhere()
    if config is not None:
        _check_issued_for(config, checkout, token)
    return binding, None


def _check_issued_for(config, checkout, token: str) -> None:
    """Klarna's session of the checkout holds this token, or ``ValidationError``."""
    session = KlarnaPaymentSession.objects.filter(checkout_token=checkout.token).first()
    if session is None:
        raise _token_error(not_for_this_checkout(), PaymentErrorCode.INVALID)
    try:
        remote = client_for(config).read_session(session.session_id)
    except errors.NotFoundError:  # the session expired: so did its approvals
        raise _token_error(not_for_this_checkout(), PaymentErrorCode.INVALID) from None
    except errors.KlarnaError as error:
        raise _token_error(customer_message(error), PaymentErrorCode.PAYMENT_ERROR) from None
    issued = str(remote.authorization_token or "").encode()
    if not hmac.compare_digest(issued, token.encode()):
        raise _token_error(not_for_this_checkout(), PaymentErrorCode.INVALID)


def attach(binding: KlarnaAuthorization, payment) -> None:
    binding.payment = payment
    binding.save(update_fields=["payment"])
