"""Till logins: a short-lived access token, a rotating refresh token, a session row.

Saleor 2.10 never checks a JWT's expiry unless ``JWT_VERIFY_EXPIRATION`` is set for the
whole shop (which would log storefront customers out every few minutes, as Saleor 2.10's
storefront and dashboard cannot refresh an expired token). So the till gets its own tokens:

- the access token is Saleor's JWT plus a ``till_session`` claim, and the package's decode
  handler (``decode_token``, set in ``conf.configure``) always checks its expiry and that
  its session has not ended; tokens without the claim are left as Saleor treats them;
- it has no ``origIat``, so Saleor's ``tokenRefresh`` cannot turn it into a lasting token;
- the refresh token is ``<session key>.<secret>``, stored as a hash and replaced on every
  refresh. Presenting the replaced one again (a copy in someone else's hands) ends the
  session;
- a session ends on logout, a reused refresh token, a password change, losing ``USE_TILL``,
  after ``login_idle_minutes`` without a refresh and after ``login_max_hours``.
"""
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import jwt
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ..core.permissions import TillPermissions
from .models import TillSession

SESSION_CLAIM = "till_session"
KEEP_ENDED_DAYS = 30


class LoginErrorCode:
    INVALID_CREDENTIALS = "till_invalid_credentials"
    NOT_PERMITTED = "till_login_not_permitted"
    SESSION_ENDED = "till_session_ended"
    NOT_LICENSED = "till_not_licensed"

    ALL = (INVALID_CREDENTIALS, NOT_PERMITTED, SESSION_ENDED, NOT_LICENSED)


class LoginError(Exception):
    def __init__(self, message: str, code: str, field: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass
class Login:
    session: TillSession
    token: str
    token_expires_at: datetime
    refresh_token: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _password_stamp(user) -> str:
    return _hash(user.password or "")


def _may_use_till(user) -> bool:
    return user.is_active and user.has_perm(TillPermissions.USE_TILL.value)


def access_token(session: TillSession, user, minutes: int, now: Optional[datetime] = None):
    """A JWT Saleor accepts for ``user``, valid ``minutes`` from ``now`` while the session
    lives. Returns (token, expiry)."""
    from graphql_jwt.settings import jwt_settings

    now = now or timezone.now()
    expires = now + timedelta(minutes=minutes)
    payload = jwt_settings.JWT_PAYLOAD_HANDLER(user, None)
    payload.pop("origIat", None)
    payload.update({"exp": int(expires.timestamp()), "iat": int(now.timestamp()),
                    SESSION_CLAIM: session.key.hex})
    return jwt_settings.JWT_ENCODE_HANDLER(payload, None), expires


def _login(session, user, config, now) -> Login:
    secret = secrets.token_urlsafe(32)
    session.previous_refresh_hash = session.refresh_hash
    session.refresh_hash = _hash(secret)
    session.refreshed_at = now
    session.idle_until = min(now + timedelta(minutes=config.login_idle_minutes),
                             session.expires_at)
    token, expires = access_token(session, user, config.login_token_minutes, now)
    return Login(session, token, min(expires, session.expires_at),
                 f"{session.key.hex}.{secret}")


def log_in(email: str, password: str, config) -> Login:
    """Check the staff member's password and open a till session."""
    from django.contrib.auth import authenticate

    email = (email or "").strip()
    # No request: the JWT backend must not log in whoever sent an Authorization header.
    # (PostgreSQL refuses NUL in a query; no account's e-mail has one.)
    user = None if "\x00" in email else authenticate(None, email=email,
                                                      password=password or "")
    if user is None:
        raise LoginError(_("Wrong e-mail or password."), LoginErrorCode.INVALID_CREDENTIALS,
                         "email")
    if not _may_use_till(user):
        raise LoginError(_("Your account may not use the till."), LoginErrorCode.NOT_PERMITTED,
                         "email")
    now = timezone.now()
    session = TillSession(user=user, password_stamp=_password_stamp(user),
                          expires_at=now + timedelta(hours=config.login_max_hours))
    login = _login(session, user, config, now)
    session.previous_refresh_hash = ""
    session.save()
    TillSession.objects.filter(
        user=user, expires_at__lt=now - timedelta(days=KEEP_ENDED_DAYS)).delete()
    user.last_login = now
    user.save(update_fields=["last_login"])
    return login


def _parse(refresh_token: str):
    key, _dot, secret = (refresh_token or "").partition(".")
    try:
        return uuid.UUID(hex=key), secret
    except ValueError:
        return None, ""


def _ended():
    return LoginError(_("Your till login has ended. Log in again."),
                      LoginErrorCode.SESSION_ENDED, "refreshToken")


def _end(session: TillSession, reason: str, now):
    session.ended_at = now
    session.end_reason = reason
    session.save(update_fields=["ended_at", "end_reason"])


def refresh(refresh_token: str, config) -> Login:
    """A new access token and refresh token for a live session; the old refresh token
    stops working."""
    key, secret = _parse(refresh_token)
    if key is None or not secret:
        raise _ended()
    presented = _hash(secret)
    with transaction.atomic():
        session = TillSession.objects.select_for_update().select_related("user").filter(
            key=key).first()
        if session is None or session.ended_at is not None:
            raise _ended()
        now = timezone.now()
        user = session.user
        reason = None
        if session.previous_refresh_hash and constant_time_compare(
                presented, session.previous_refresh_hash):
            reason = "reused"
        elif not constant_time_compare(presented, session.refresh_hash):
            raise _ended()  # not this session's token: nothing to end
        elif now >= session.idle_until or now >= session.expires_at:
            reason = "expired"
        elif not _may_use_till(user) or session.password_stamp != _password_stamp(user):
            reason = "revoked"
        if reason is None:
            login = _login(session, user, config, now)
            session.save(update_fields=["refresh_hash", "previous_refresh_hash",
                                        "refreshed_at", "idle_until"])
            return login
        _end(session, reason, now)
    raise _ended()


def log_out(refresh_token: str) -> bool:
    """End the session of a refresh token (the current or the one before). False when
    there is none to end."""
    key, secret = _parse(refresh_token)
    if key is None or not secret:
        return False
    presented = _hash(secret)
    with transaction.atomic():
        session = TillSession.objects.select_for_update().filter(
            key=key, ended_at__isnull=True).first()
        if session is None or not any(
                stored and constant_time_compare(presented, stored)
                for stored in (session.refresh_hash, session.previous_refresh_hash)):
            return False
        _end(session, "logout", timezone.now())
    return True


def _leeway() -> float:
    from graphql_jwt.settings import jwt_settings

    leeway = jwt_settings.JWT_LEEWAY
    return leeway.total_seconds() if isinstance(leeway, timedelta) else float(leeway or 0)


def decode_token(token, context=None):
    """graphql_jwt's decode handler: Saleor's check, and for till tokens expiry and a live
    session whatever ``JWT_VERIFY_EXPIRATION`` says."""
    from graphql_jwt.utils import jwt_decode

    payload = jwt_decode(token, context)
    key = payload.get(SESSION_CLAIM)
    if key is None:
        return payload
    expires = payload.get("exp")
    if not isinstance(expires, (int, float)) or expires <= time.time() - _leeway():
        raise jwt.ExpiredSignatureError("Signature has expired")
    try:
        key = uuid.UUID(hex=str(key))
    except ValueError:
        raise jwt.InvalidTokenError("Invalid till session")
    live = TillSession.objects.filter(
        key=key, ended_at__isnull=True, expires_at__gt=timezone.now(),
        user__email=payload.get("email"),
    ).exists()
    if not live:
        raise jwt.InvalidTokenError("The till session has ended")
    return payload
