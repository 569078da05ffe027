"""The cart rules' staff page (both Saleors)."""
from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^staff/discount-rules/$", views.staff_page, name="discount-rules-staff-page"),
    # Saleor's dashboard (3.23) frames an app page without its trailing slash
    re_path(r"^staff/discount-rules$", views.staff_page),
]
# the pages the demo lists: (what it is, URL name)
PAGES = [("Cart rules (staff)", "discount-rules-staff-page")]
