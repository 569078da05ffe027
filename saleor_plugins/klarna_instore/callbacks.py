"""Klarna's calls to the till: the hosted page's status update and the fraud notification.

Klarna wants an answer within a few seconds and sends no signature, so an endpoint only
checks the link's own secret (in the URL) and queues ``tasks.apply_klarna_update``; the task
re-reads the status from Klarna and does the work (capture, order, receipt) under the
sale's row lock. Repeats and concurrent deliveries are harmless: events are deduplicated,
the capture has an idempotency key and the order is written once per sale.
"""
import logging
import uuid
from typing import Iterable, Optional
from urllib.parse import urlencode

from django.utils.crypto import constant_time_compare

from ..klarna import errors as klarna_errors
from .models import TillPaymentLink, TillSale

logger = logging.getLogger(__name__)

# Klarna replaces this placeholder in the status URL; it must reach Klarna unencoded.
SESSION_PLACEHOLDER = "{{session_id}}"


def _base_url(plugin) -> str:
    from saleor.core.utils import build_absolute_uri

    if plugin.config.public_url:
        return plugin.config.public_url.rstrip("/")
    return build_absolute_uri("/").rstrip("/")


def status_url(plugin, sale: TillSale, secret: str) -> str:
    """The hosted page's ``status_update`` URL. Built by hand: Saleor's
    ``build_absolute_uri`` percent-encodes ``{{session_id}}``, which Klarna then leaves as is."""
    from django.urls import reverse

    query = urlencode({"sale": str(sale.token), "secret": secret})
    return f"{_base_url(plugin)}{reverse('till-klarna-status')}?{query}&hppId={SESSION_PLACEHOLDER}"


def notification_url(plugin, sale: TillSale, secret: str) -> str:
    """The payment session's ``notification`` URL (Klarna's fraud decision on the order)."""
    from django.urls import reverse

    query = urlencode({"sale": str(sale.token), "secret": secret})
    return f"{_base_url(plugin)}{reverse('till-klarna-notification')}?{query}"


def _secret_matches(link: TillPaymentLink, secret: str) -> bool:
    return bool(secret) and constant_time_compare(secret, link.secret)


def _sale_links(sale_token: str):
    return TillPaymentLink.objects.filter(sale__token=sale_token) if _is_uuid(sale_token) \
        else TillPaymentLink.objects.none()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def status_link(sale_token: str, hpp_ids: Iterable[str]) -> Optional[TillPaymentLink]:
    """The link a status update is about: the id in the URL, else the one in the body (the
    URL's placeholder may have arrived unreplaced or encoded)."""
    ids = [i for i in hpp_ids if i]
    if not ids:
        return None
    found = {link.hpp_session_id: link for link in _sale_links(sale_token).filter(
        hpp_session_id__in=ids)}
    for hpp_id in ids:
        if hpp_id in found:
            return found[hpp_id]
    return None


def accept_status_update(sale_token: str, hpp_ids: Iterable[str], secret: str,
                         event_id: str) -> str:
    """Check a status update and queue its work: ``unknown``, ``forbidden``, ``repeat``,
    ``accepted`` (queued), or the task's own result where tasks run eagerly."""
    link = status_link(sale_token, hpp_ids)
    if link is None:
        return "unknown"
    if not _secret_matches(link, secret):
        return "forbidden"
    if event_id and event_id in link.seen_event_ids.split("\n"):
        return "repeat"
    return _queue(link.pk, event_id)


def accept_notification(sale_token: str, secret: str, klarna_order_id: str) -> str:
    """Klarna's fraud decision for an order placed from one of the sale's links."""
    links = list(_sale_links(sale_token))
    link = next((lk for lk in links if _secret_matches(lk, secret)), None)
    if link is None:
        return "forbidden" if links else "unknown"
    if klarna_order_id and link.klarna_order_id and klarna_order_id != link.klarna_order_id:
        return "unknown"
    return _queue(link.pk, "")


def _queue(link_pk: int, event_id: str) -> str:
    from celery.result import EagerResult

    from .tasks import apply_klarna_update

    queued = apply_klarna_update.delay(link_pk, event_id)
    if isinstance(queued, EagerResult):  # no broker: the work ran in this request
        return queued.result if queued.successful() else "retry"
    return "accepted"


def apply_update(link_pk: int, event_id: str = "") -> str:
    """The task's work: re-read the link's status from Klarna and act on it. Raises
    ``TillError`` when Klarna cannot be reached (the task retries)."""
    from . import till

    link = TillPaymentLink.objects.filter(pk=link_pk).first()
    if link is None:
        return "unknown"
    if event_id and event_id in link.seen_event_ids.split("\n"):
        return "repeat"
    client = till.klarna_client()
    try:
        status = client.read_hpp_session(link.hpp_session_id)
    except klarna_errors.NotFoundError:
        status = None
    except klarna_errors.KlarnaError as error:
        raise till.klarna_failure(error)
    return "applied" if till.apply_status(link.pk, status, event_id) else "repeat"
