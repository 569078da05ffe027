"""Who performs a staff action: a staff member (JWT) or a Saleor app (app token).

Saleor 2.10.1 lets an app (``Authorization: Bearer <app token>``) hold permissions; its
requests pass the package's permission checks with ``info.context.user`` an AnonymousUser,
which cannot be stored in a user column. Every place that records who did something asks
``actor(info.context)`` and stores ``user`` and ``app`` side by side.
"""
from dataclasses import dataclass
from typing import Optional

from django.utils.functional import LazyObject, empty


@dataclass(frozen=True)
class Actor:
    user: Optional[object] = None  # a logged-in user (saleor.account.models.User)
    app: Optional[object] = None  # saleor.app.models.App

    @property
    def label(self) -> str:
        """What staff read: the staff member's e-mail, or the app's name."""
        if self.app is not None:
            return self.app.name
        return self.user.email if self.user is not None else ""


def _unwrapped(lazy):
    """The object behind Saleor's lazy ``request.app`` (model fields want the real one)."""
    if isinstance(lazy, LazyObject):
        if lazy._wrapped is empty:
            lazy._setup()
        return lazy._wrapped
    return lazy


def actor(context) -> Actor:
    """The app whose token authenticated the request, else the logged-in user, else nobody."""
    app = _unwrapped(getattr(context, "app", None))
    if app is not None:
        return Actor(app=app)
    user = getattr(context, "user", None)
    if user is not None and user.is_authenticated:
        return Actor(user=user)
    return Actor()


def person_has_perms(context, permissions) -> bool:
    """The logged-in user holds ``permissions``; an app never does here (for work a person
    does and is named for, such as a till sale)."""
    user = getattr(context, "user", None)
    return bool(user is not None and user.is_authenticated and user.has_perms(permissions))
