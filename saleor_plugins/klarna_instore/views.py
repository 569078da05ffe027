"""HTTP endpoints of the till: the page for staff and Klarna's status callback."""
import json
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import till

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def klarna_status_callback(request):
    """Klarna's hosted-page status update. Unsigned, so: the link's own secret must be in
    the URL, the status is re-read from Klarna, and repeated events are ignored."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    session = body.get("session") if isinstance(body.get("session"), dict) else {}
    hpp_id = request.GET.get("hppId") or str(session.get("session_id") or "")
    try:
        result = till.handle_callback(request.GET.get("sale", ""), hpp_id,
                                      request.GET.get("secret", ""), str(body.get("event_id") or ""))
    except till.TillError as error:  # Klarna unreachable or till switched off: retry later
        logger.warning("Till callback for %s not processed: %s", hpp_id, error.message)
        return JsonResponse({"result": "retry"}, status=503)
    status = {"unknown": 404, "forbidden": 403}.get(result, 200)
    return JsonResponse({"result": result}, status=status)


def till_page(request):
    from .page import render_till_page

    return render_till_page(request)


def till_asset(request, name):
    from .page import render_asset

    return render_asset(request, name)


