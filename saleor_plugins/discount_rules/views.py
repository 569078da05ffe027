"""The cart rules' staff page (imported with the URLs, so its assets are registered)."""
from .page import render_page


def staff_page(request):
    return render_page(request)
