"""``{% order_summary order as summary %}``: an order's lines and named adjustments
(``core.order_summary``) for the order e-mails."""
from django import template

from .. import order_summary as summaries

register = template.Library()


@register.simple_tag
def order_summary(order):
    return summaries.summary(order)
