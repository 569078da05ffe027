"""The loyalty staff page."""
from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^staff/loyalty/$", views.staff_page, name="loyalty-staff-page"),
]
# the pages the demo lists: (what it is, URL name)
PAGES = [("Loyalty points (staff)", "loyalty-staff-page")]
