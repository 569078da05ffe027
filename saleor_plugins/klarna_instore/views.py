"""HTTP endpoints of the till: the page for staff and Klarna's calls (status, fraud decision)."""
import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import callbacks

logger = logging.getLogger(__name__)

# what the endpoints found → HTTP status (Klarna retries anything but 2xx)
STATUS_CODES = {"unknown": 404, "forbidden": 403, "retry": 503}


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _answer(result: str) -> JsonResponse:
    return JsonResponse({"result": result}, status=STATUS_CODES.get(result, 200))


@csrf_exempt
@require_POST
def klarna_status_callback(request):
    """Klarna's hosted-page status update: checked (the link's own secret) and queued; the
    status itself is re-read from Klarna by the task, never taken from the body."""
    body = _json_body(request)
    session = body.get("session") if isinstance(body.get("session"), dict) else {}
    hpp_ids = [request.GET.get("hppId", ""), str(session.get("session_id") or "")]
    result = callbacks.accept_status_update(
        request.GET.get("sale", ""), hpp_ids, request.GET.get("secret", ""),
        str(body.get("event_id") or "")[:200])
    if result == "retry":  # Klarna unreachable or till switched off: Klarna tries again
        logger.warning("Till status update for %s not processed yet", hpp_ids)
    return _answer(result)


@csrf_exempt
@require_POST
def klarna_notification(request):
    """Klarna's fraud decision on an order placed from a till link (pending → accepted or
    rejected). Checked like the status update; the decision is re-read from Klarna."""
    body = _json_body(request)
    result = callbacks.accept_notification(
        request.GET.get("sale", ""), request.GET.get("secret", ""),
        str(body.get("order_id") or ""))
    return _answer(result)


def till_page(request):
    from .page import render_till_page

    return render_till_page(request)


def till_asset(request, name):
    from .page import render_asset

    return render_asset(request, name)
