"""The subscriber's self-service page (``/my/subscriptions/``): thin view, page in
``self_service_page``."""
from django.views.decorators.http import require_GET

from .self_service_page import render_page


@require_GET
def self_service_page(request):
    return render_page(request)
