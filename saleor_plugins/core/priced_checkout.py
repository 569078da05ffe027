"""The checkout and lines Saleor is pricing at this moment, for the line price hooks.

Saleor 2.10.1 prices a subtotal line by line and hands each line hook only the line, often
without its checkout loaded. The package's manager publishes the checkout and its list of
lines while it prices the subtotal, so a hook that judges the whole cart (cart rules) uses
them instead of loading the checkout and its lines again.
"""
import contextlib
import contextvars

_priced: contextvars.ContextVar[dict] = contextvars.ContextVar(
    "saleor_plugins_priced_checkout", default={}
)


@contextlib.contextmanager
def pricing(checkout, lines):
    """Publish ``(checkout, lines)`` for the block (only a loaded list: a queryset would be
    read again)."""
    if not isinstance(lines, (list, tuple)):
        yield
        return
    token = _priced.set({**_priced.get(), checkout.pk: (checkout, lines)})
    try:
        yield
    finally:
        _priced.reset(token)


def being_priced(checkout_id):
    """``(checkout, lines)`` Saleor is pricing for the checkout now, or None."""
    return _priced.get().get(checkout_id)
