"""HTTP views of loyalty points: the staff page."""


def staff_page(request):
    from .page import render_loyalty_page

    return render_loyalty_page(request)
