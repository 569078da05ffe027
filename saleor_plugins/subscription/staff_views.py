"""HTTP endpoints of the subscription staff pages (thin: the page module renders)."""
from django.views.decorators.http import require_GET


@require_GET
def subscriptions_page(request):
    from .staff_page import render_subscriptions_page

    return render_subscriptions_page(request)
