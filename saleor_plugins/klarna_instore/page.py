"""The till page (placeholder until the page is built)."""
from django.http import HttpResponse


def render_till_page(request):
    return HttpResponse("till")
