"""A dict that lives for one HTTP request, for values plugins compute once per request.

Saleor 2.10.1 builds a new plugin manager (and new plugin instances) for every price it
calculates, so an instance attribute does not last a request: a checkout query with 100
lines builds about 100 managers. The middleware opens a cache for the request; outside a
request (Celery tasks, shell) ``get()`` returns None and callers keep their own.
"""
import contextvars
import logging
from typing import Callable, Optional

logger = logging.getLogger(__name__)
_AT_END = "__at_end__"

_cache: contextvars.ContextVar[Optional[dict]] = contextvars.ContextVar(
    "saleor_plugins_request_cache", default=None
)


def get() -> Optional[dict]:
    return _cache.get()


def section(name: str, fallback: dict) -> dict:
    """The request's dict for ``name``, or ``fallback`` outside a request."""
    cache = _cache.get()
    if cache is None:
        return fallback
    return cache.setdefault(name, {})


def clear(name: str) -> None:
    cache = _cache.get()
    if cache is not None:
        cache.pop(name, None)


def at_end(callback: Callable[[], None]) -> bool:
    """Run ``callback`` when the request ends, answered or failed; False outside a request."""
    cache = _cache.get()
    if cache is None:
        return False
    cache.setdefault(_AT_END, []).append(callback)
    return True


def _run_at_end(cache: dict) -> None:
    for callback in cache.get(_AT_END, ()):
        try:
            callback()
        except Exception:  # noqa: BLE001 (one failed clean-up must not skip the others)
            logger.exception("Request clean-up %r failed", callback)


def request_cache_middleware(get_response):
    def middleware(request):
        cache = {}
        token = _cache.set(cache)
        try:
            return get_response(request)
        finally:
            _run_at_end(cache)
            _cache.reset(token)

    return middleware
