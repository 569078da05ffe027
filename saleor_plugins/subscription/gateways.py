"""The payment gateways a subscription can be paid with.

Klarna, through the customer token stored at checkout. Saleor's dummy gateway charges
nothing and Saleor 2.10 switches its plugin on by default, so it pays subscriptions only
where the Django setting ``SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY`` is true (the demo
and the tests) and only while its plugin is active.
"""
from django.conf import settings

KLARNA_GATEWAY = "saleor_plugins.klarna"
DUMMY_GATEWAY = "mirumee.payments.dummy"
DUMMY_SETTING = "SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY"


def dummy_gateway_allowed(manager=None) -> bool:
    if not getattr(settings, DUMMY_SETTING, False):
        return False
    if manager is None:
        from saleor.plugins.manager import get_plugins_manager

        manager = get_plugins_manager()
    dummy = manager.get_plugin(DUMMY_GATEWAY)
    return dummy is not None and dummy.active


def pays_subscriptions(gateway: str, manager=None) -> bool:
    if gateway == KLARNA_GATEWAY:
        return True
    return gateway == DUMMY_GATEWAY and dummy_gateway_allowed(manager)
